import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readWorkflowContext, templateEnv } from '../../src/action/context.js'
import type { WorkflowContext } from '../../src/message/context.js'

/** A pull_request event payload, number 7 by mallory, with `fields` over its defaults. */
export function prEvent(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pull_request: {
      number: 7,
      title: 'title',
      body: 'body',
      user: { login: 'mallory' },
      head: { ref: 'feature', sha: 'abcdef0123456789abcdef0123456789abcdef01' },
      base: { ref: 'main', sha: '1111111111111111111111111111111111111111' },
      ...fields
    }
  }
}

/** The runner variables of that pull request's run. */
export const PR_RUN_VARS: Record<string, string> = {
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_REPOSITORY: 'octo/app',
  GITHUB_REF: 'refs/pull/7/merge',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'CI',
  GITHUB_JOB: 'test',
  GITHUB_RUN_ID: '99',
  GITHUB_RUN_NUMBER: '5'
}

/**
 * The workflow context of a run with `event` as its payload (written to an event file, as the
 * runner does) and `env` over PR_RUN_VARS; templates may read the variables `allowEnv` lists.
 */
export function contextOf(
  event: Record<string, unknown>,
  env: Record<string, string> = {},
  allowEnv: string[] = []
): WorkflowContext {
  const path = join(mkdtempSync(join(tmpdir(), 'ctx-')), 'event.json')
  writeFileSync(path, JSON.stringify(event))
  const vars = { ...PR_RUN_VARS, GITHUB_EVENT_PATH: path, ...env }
  return readWorkflowContext(vars, 'failure', templateEnv(vars, allowEnv))
}
