/**
 * The variables a GitHub-hosted runner sets for a push to main of octo-org/octo-repo, shared
 * by the end-to-end harness, the demo and the benchmark. Each adds the files (GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH, GITHUB_WORKSPACE) and the INPUT_* variables.
 */
export const RUNNER_ENV = Object.freeze({
  GITHUB_ACTIONS: 'true',
  CI: 'true',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REPOSITORY: 'octo-org/octo-repo',
  GITHUB_REPOSITORY_OWNER: 'octo-org',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_RUN_ID: '1658821493',
  GITHUB_RUN_NUMBER: '42',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REF_NAME: 'main',
  GITHUB_WORKFLOW: 'CI',
  GITHUB_JOB: 'build',
  GITHUB_ACTOR: 'octocat',
  RUNNER_OS: 'Linux',
  RUNNER_ARCH: 'X64',
  RUNNER_NAME: 'GitHub Actions 2'
})

/**
 * The variables the runner sets next to each recorded event in __tests__/fixtures/events (see
 * the README there), so that the repository, ref and commit agree with the payload: the
 * commit a status card names is the one whose message it shows. Layer over RUNNER_ENV.
 */
export const FIXTURE_RUNNER_ENV = Object.freeze({
  GITHUB_REPOSITORY: 'Codertocat/Hello-World',
  GITHUB_REPOSITORY_OWNER: 'Codertocat',
  GITHUB_ACTOR: 'Codertocat',
  GITHUB_WORKFLOW: 'CI',
  GITHUB_JOB: 'build',
  GITHUB_RUN_ID: '1658821493',
  GITHUB_RUN_NUMBER: '42',
  GITHUB_RUN_ATTEMPT: '1'
})

const MASTER = { GITHUB_REF: 'refs/heads/master', GITHUB_REF_NAME: 'master' }
const HEAD = '6113728f27ae82c7b1a177c8d03f9e96e0adf246'

/** Per recorded event: what differs from FIXTURE_RUNNER_ENV. */
export const FIXTURE_RUNS = Object.freeze({
  push: { GITHUB_EVENT_NAME: 'push', ...MASTER, GITHUB_SHA: HEAD },
  'push-no-author-account': { GITHUB_EVENT_NAME: 'push', ...MASTER, GITHUB_SHA: HEAD },
  'push-tag-deleted': {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/tags/simple-tag',
    GITHUB_REF_NAME: 'simple-tag',
    GITHUB_SHA: '0000000000000000000000000000000000000000'
  },
  pull_request: {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_REF: 'refs/pull/2/merge',
    GITHUB_REF_NAME: '2/merge',
    GITHUB_SHA: '9d7cbb2f1ca1b3b6f5e1b2e3c1f2a3b4c5d6e7f8',
    GITHUB_HEAD_REF: 'changes',
    GITHUB_BASE_REF: 'master'
  },
  workflow_dispatch: {
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    ...MASTER,
    GITHUB_SHA: '3484a2ed6c4e4a1b9a4e3d7ba8d7d8e9f0a1b2c3'
  },
  schedule: { GITHUB_EVENT_NAME: 'schedule', ...MASTER, GITHUB_SHA: HEAD },
  release: {
    GITHUB_EVENT_NAME: 'release',
    GITHUB_REF: 'refs/tags/0.0.1',
    GITHUB_REF_NAME: '0.0.1',
    GITHUB_SHA: HEAD
  }
})
