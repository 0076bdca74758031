// A fake GitHub REST API on loopback, reached through GITHUB_API_URL: the one route preset run
// reads, "list jobs for a workflow run attempt", with GitHub's pagination, its 401/403/404
// answers and its rate-limit answers. Jobs are built from the example GitHub publishes for
// that route in its OpenAPI description (@octokit/openapi), and checked against the schema's
// required fields, so the fake cannot drift into shapes GitHub never sends.
import { createServer } from 'node:http'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const ROUTE = '/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs'

let described
/** The route's published example job and the job schema's required fields. */
export function description() {
  if (!described) {
    const path = require.resolve('@octokit/openapi/generated/api.github.com.json')
    const spec = JSON.parse(readFileSync(path, 'utf8'))
    const op = spec.paths[ROUTE].get
    const ref = op.responses['200'].content['application/json'].examples.default.$ref
    const example = spec.components.examples[ref.split('/').pop()].value
    described = {
      operationId: op.operationId,
      example: example.jobs[0],
      required: spec.components.schemas.job.required,
      statuses: spec.components.schemas.job.properties.status.enum,
      conclusions: spec.components.schemas.job.properties.conclusion.enum
    }
  }
  return described
}

/**
 * A job shaped like GitHub's example, with `fields` replacing its values. `failedStep` names
 * a step that failed (the steps after it are skipped); `runner` the runner it runs on.
 */
export function job(fields = {}) {
  const { example } = description()
  const { failedStep, runner, ...rest } = fields
  const copy = structuredClone(example)
  const id = rest.id ?? 399444496
  const status = rest.status ?? 'completed'
  const conclusion = status === 'completed' ? (rest.conclusion ?? 'success') : null
  let failing = false
  const steps = copy.steps.map((step) => {
    if (status !== 'completed') return { ...step, status: 'in_progress', conclusion: null }
    if (failing) return { ...step, conclusion: 'skipped' }
    if (failedStep && step.number === 7) {
      failing = true
      return { ...step, name: failedStep, conclusion: 'failure' }
    }
    return step
  })
  const built = {
    ...copy,
    id,
    run_attempt: 1,
    created_at: copy.started_at,
    url: `https://api.github.com/repos/octo-org/octo-repo/actions/jobs/${id}`,
    html_url: `https://github.com/octo-org/octo-repo/actions/runs/${copy.run_id}/job/${id}`,
    check_run_url: `https://api.github.com/repos/octo-org/octo-repo/check-runs/${id}`,
    steps,
    runner_name: runner ?? copy.runner_name,
    ...rest,
    status,
    conclusion,
    completed_at: status === 'completed' ? (rest.completed_at ?? copy.completed_at) : null
  }
  for (const field of description().required) {
    if (!(field in built)) throw new Error(`fake job lacks the required field ${field}`)
  }
  if (!description().statuses.includes(built.status)) throw new Error(`bad status ${built.status}`)
  if (built.conclusion !== null && !description().conclusions.includes(built.conclusion))
    throw new Error(`bad conclusion ${built.conclusion}`)
  return built
}

/**
 * Starts the fake. `attempts` maps "runId/attempt" to its jobs (a function of the request
 * count for jobs that move on); `token` is the one token it accepts; `answers` are canned
 * answers served first, one per request, e.g. a rate-limit answer.
 * @param {{ attempts?: Record<string, unknown[] | ((requests: number) => unknown[])>, token?: string,
 *   answers?: Array<{ status: number, headers?: Record<string, string>, body: unknown }> }} [options]
 */
export async function startFakeGitHub({ attempts = {}, token = 'ghs_fake', answers = [] } = {}) {
  const requests = []
  const queue = [...answers]
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost')
    requests.push({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization ?? ''
    })
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      res.end(JSON.stringify(body))
    }
    if (req.headers.authorization !== `token ${token}`) {
      return send(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401'
      })
    }
    const canned = queue.shift()
    if (canned) return send(canned.status, canned.body, canned.headers)
    const m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/attempts\/(\d+)\/jobs$/.exec(
      url.pathname
    )
    const entry = m && attempts[`${m[3]}/${m[4]}`]
    if (!entry) {
      return send(404, {
        message: 'Not Found',
        documentation_url:
          'https://docs.github.com/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run-attempt',
        status: '404'
      })
    }
    const jobs = typeof entry === 'function' ? entry(requests.length) : entry
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30))
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1))
    const last = Math.max(1, Math.ceil(jobs.length / perPage))
    const link = (n, rel) =>
      `<http://${req.headers.host}${url.pathname}?per_page=${perPage}&page=${n}>; rel="${rel}"`
    const links = []
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'))
    send(
      200,
      { total_count: jobs.length, jobs: jobs.slice((page - 1) * perPage, page * perPage) },
      {
        'x-ratelimit-limit': '1000',
        'x-ratelimit-remaining': '999',
        ...(links.length && { link: links.join(', ') })
      }
    )
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Queues more canned answers. */
    answer: (...more) => queue.push(...more),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      })
  }
}

/** GitHub's answer when the primary rate limit is used up, resetting in `seconds`. */
export function rateLimited(seconds) {
  return {
    status: 403,
    headers: {
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '1000',
      'x-ratelimit-resource': 'core',
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + seconds)
    },
    body: {
      message: 'API rate limit exceeded for installation ID 1.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      status: '403'
    }
  }
}

/** GitHub's answer to a token without actions: read. */
export const FORBIDDEN = {
  status: 403,
  headers: { 'x-ratelimit-remaining': '998', 'x-accepted-github-permissions': 'actions=read' },
  body: {
    message: 'Resource not accessible by integration',
    documentation_url:
      'https://docs.github.com/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run-attempt',
    status: '403'
  }
}
