import type { RunView } from './run.js'

// What templates and presets read: the workflow run as plain data. Filled in by the action
// layer (action/context.ts), which knows where each value comes from.

/** The `github` part of the context: the GITHUB_* variables plus the event payload. */
export interface GithubContext {
  repository: string
  repository_owner: string
  ref: string
  ref_name: string
  ref_type: string
  sha: string
  actor: string
  triggering_actor: string
  workflow: string
  job: string
  run_id: string
  run_number: string
  run_attempt: string
  event_name: string
  server_url: string
  api_url: string
  head_ref: string
  base_ref: string
  event: Record<string, unknown>
}

/**
 * Why a template may not read `env.<name>`: not listed in template-env, or listed but its
 * value holds a secret. undefined: readable (or listed and simply not set).
 */
export interface EnvAccess {
  why(name: string): 'unlisted' | 'secret' | undefined
}

/** Everything a template can read, and what the presets are built from. */
export interface WorkflowContext {
  github: GithubContext
  job: { status: string }
  runner: { os: string; arch: string; name: string }
  env: Record<string, string>
  /** Link to the workflow run. */
  run_url: string
  /** Link to the commit the run is about (the PR head on pull requests). */
  commit_url: string
  /** Push: the before...after comparison; pull request: base...head; else ''. */
  compare_url: string
  pr_url: string
  pr_title: string
  pr_number: string
  pr_author: string
  /** The commit the run is about: the PR head on pull requests, else GITHUB_SHA. */
  head_sha: string
  sha7: string
  /** First line of the pushed head commit's message; '' when the event carries none. */
  commit_message: string
  commit_author: string
  /** Branch the run is about: the PR head branch, or the pushed branch; '' for tags. */
  branch: string
  /** Tag the run is about (tag push or release); '' otherwise. */
  tag: string
  repository_url: string
  actor_url: string
  release_name: string
  release_tag: string
  release_url: string
  /** Every job of this run attempt; only with preset run (it costs a request to GitHub). */
  run?: RunView
}

/** Encodes each path segment, parentheses included, so the URL survives inside a markdown link. */
export function urlPath(value: string): string {
  return value
    .split('/')
    .map((part) =>
      encodeURIComponent(part).replace(
        /[()']/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
      )
    )
    .join('/')
}

/** First line of a text, trimmed. */
export function firstLine(text: string): string {
  return (text.split(/\r?\n/, 1)[0] ?? '').trim()
}

/** Narrows an unknown payload value to an object ({} for anything else). */
export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

/** A payload scalar as a string ('' for null, objects and missing values). */
export function str(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return ''
}
