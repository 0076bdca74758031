import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readWorkflowContext, templateEnv } from '../../src/action/context.js'
import { buildContent, type ContentOptions } from '../../src/message/content.js'
import type { WorkflowContext } from '../../src/message/context.js'

const EVENTS = fileURLToPath(new URL('../fixtures/events/', import.meta.url))
const REFS = {
  push: 'refs/heads/master',
  pull_request: 'refs/pull/2/merge',
  release: 'refs/tags/0.0.1'
}

/**
 * The context of a run of Codertocat/Hello-World triggered by the recorded `event`, with
 * `extra` variables; templates may read those `allowEnv` lists.
 */
export function eventContext(
  event: keyof typeof REFS,
  status = 'failure',
  extra: Record<string, string> = {},
  allowEnv: string[] = []
): WorkflowContext {
  const env = {
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: join(EVENTS, `${event}.json`),
    GITHUB_REPOSITORY: 'Codertocat/Hello-World',
    GITHUB_REF: REFS[event],
    GITHUB_SHA: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    GITHUB_ACTOR: 'Codertocat',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'build',
    GITHUB_RUN_ID: '1658821493',
    GITHUB_RUN_NUMBER: '42',
    ...extra
  }
  return readWorkflowContext(env, status, templateEnv(env, allowEnv))
}

/** The content options of a step that gives nothing, with `overrides`. */
export function contentOptions(overrides: Partial<ContentOptions> = {}): ContentOptions {
  return {
    message: '',
    alias: '',
    template: true,
    preset: 'auto',
    allowedMentions: 'users',
    mention: '',
    mentionIf: ['failure'],
    maxLength: 5000,
    ...overrides
  }
}

/** buildContent with those options in `ctx`, its warnings collected in `warnings`. */
export function buildIn(
  ctx: WorkflowContext,
  overrides: Partial<ContentOptions>,
  warnings: string[] = []
) {
  return buildContent(contentOptions(overrides), ctx, (msg) => warnings.push(msg))
}
