import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  isSecretName,
  readWorkflowContext,
  safeEnv,
  templateEnv
} from '../../src/action/context.js'
import { fixtureEnv } from '../fixtures/events/runs.js'

const env = fixtureEnv

describe('readWorkflowContext', () => {
  it('reads the GITHUB_* and RUNNER_* variables and the event file', () => {
    const ctx = readWorkflowContext(
      env('push', { RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64', RUNNER_NAME: 'GitHub Actions 2' }),
      'success'
    )
    expect(ctx.github).toMatchObject({
      repository: 'Codertocat/Hello-World',
      repository_owner: 'Codertocat',
      ref: 'refs/heads/master',
      ref_name: 'master',
      ref_type: 'branch',
      sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      workflow: 'CI',
      job: 'build',
      run_id: '1658821493',
      run_number: '42',
      run_attempt: '1',
      event_name: 'push',
      server_url: 'https://github.com',
      api_url: 'https://api.github.com'
    })
    expect((ctx.github.event.head_commit as { id: string }).id).toBe(ctx.github.sha)
    expect(ctx.job).toEqual({ status: 'success' })
    expect(ctx.runner).toEqual({ os: 'Linux', arch: 'X64', name: 'GitHub Actions 2' })
  })

  it('builds every link from GITHUB_SERVER_URL (GitHub Enterprise Server)', () => {
    const ctx = readWorkflowContext(
      env('push', {
        GITHUB_SERVER_URL: 'https://ghe.example.com/',
        GITHUB_API_URL: 'https://ghe.example.com/api/v3'
      }),
      'success'
    )
    expect(ctx.github.server_url).toBe('https://ghe.example.com')
    expect(ctx.github.api_url).toBe('https://ghe.example.com/api/v3')
    for (const url of [
      ctx.run_url,
      ctx.commit_url,
      ctx.compare_url,
      ctx.repository_url,
      ctx.actor_url
    ]) {
      expect(url.startsWith('https://ghe.example.com/')).toBe(true)
    }
  })

  // Each fixture's derived values; `github` holds what the event must leave in ctx.github.
  it.each([
    [
      'derives the links and values people want on a push',
      'push',
      'success',
      {
        run_url: 'https://github.com/Codertocat/Hello-World/actions/runs/1658821493',
        commit_url:
          'https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        compare_url:
          'https://github.com/Codertocat/Hello-World/compare/f95f852bd8fc...6113728f27ae',
        sha7: '6113728',
        commit_message: 'Initial commit',
        commit_author: 'Codertocat',
        branch: 'master',
        tag: '',
        pr_url: '',
        pr_title: '',
        pr_number: ''
      }
    ],
    [
      'uses the PR head commit, not the merge commit, on pull requests',
      'pull_request',
      'failure',
      {
        head_sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        sha7: 'ec26c3e',
        pr_number: '2',
        pr_title: 'Update the README with new information.',
        pr_author: 'Codertocat',
        pr_url: 'https://github.com/Codertocat/Hello-World/pull/2',
        branch: 'changes',
        commit_message: '',
        compare_url:
          'https://github.com/Codertocat/Hello-World/compare/f95f852bd8fca8fcc58a9a2d6c842781e32a215e...ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        github: {
          sha: '9d7cbb2f1ca1b3b6f5e1b2e3c1f2a3b4c5d6e7f8',
          head_ref: 'changes',
          base_ref: 'master',
          ref_name: '2/merge'
        }
      }
    ],
    [
      'takes the first line of a commit message and the name of an author without an account',
      'push-no-author-account',
      'success',
      { commit_message: 'Fix typo in README', commit_author: 'Jane Doe' }
    ],
    [
      'copes with head_commit null (a deleted tag)',
      'push-tag-deleted',
      'success',
      {
        commit_message: '',
        commit_author: '',
        branch: '',
        tag: 'simple-tag',
        github: { ref_type: 'tag' }
      }
    ]
  ])('%s', (_title, fixture, status, expected) => {
    expect(readWorkflowContext(env(fixture), status)).toMatchObject(expected)
  })

  it('reads the release, falling back to the tag when the release has no name', () => {
    const ctx = readWorkflowContext(env('release'), 'success')
    expect(ctx).toMatchObject({
      release_name: 'First release',
      release_tag: '0.0.1',
      tag: '0.0.1',
      release_url: 'https://github.com/Codertocat/Hello-World/releases/tag/0.0.1'
    })
    const dir = mkdtempSync(join(tmpdir(), 'ctx-'))
    const path = join(dir, 'event.json')
    writeFileSync(path, JSON.stringify({ release: { tag_name: 'v1.0 (beta)', name: '' } }))
    const unnamed = readWorkflowContext(env('release', { GITHUB_EVENT_PATH: path }), 'success')
    expect(unnamed.release_name).toBe('v1.0 (beta)')
    // Encoded so the URL survives inside a markdown link.
    expect(unnamed.release_url).toBe(
      'https://github.com/Codertocat/Hello-World/releases/tag/v1.0%20%28beta%29'
    )
  })

  it('gives an empty event, not a crash, when the event file is missing or unreadable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctx-'))
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, '{ not json')
    for (const path of [join(dir, 'missing.json'), dir, broken, '']) {
      const ctx = readWorkflowContext(env('push', { GITHUB_EVENT_PATH: path }), 'success')
      expect(ctx.github.event).toEqual({})
      expect(ctx.commit_message).toBe('')
      expect(ctx.sha7).toBe('6113728')
    }
  })

  it('works with no variables at all (a local run)', () => {
    const ctx = readWorkflowContext({}, '')
    expect(ctx.github.server_url).toBe('https://github.com')
    expect(ctx.run_url).toBe('')
    expect(ctx.commit_url).toBe('')
    expect(ctx.github.event).toEqual({})
  })

  it('takes the repository from the payload when GITHUB_REPOSITORY is unset', () => {
    const ctx = readWorkflowContext(
      env('push', { GITHUB_REPOSITORY: '', GITHUB_REPOSITORY_OWNER: '' }),
      'x'
    )
    expect(ctx.github.repository).toBe('Codertocat/Hello-World')
    expect(ctx.github.repository_owner).toBe('Codertocat')
    expect(ctx.github.ref_name).toBe('master')
  })
})

describe('env in the context', () => {
  const secrets = {
    ACTIONS_RUNTIME_TOKEN: 'eyJ0eXAi.runtime',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/x',
    ACTIONS_CACHE_URL: 'https://artifactcache.actions.githubusercontent.com/x',
    GITHUB_TOKEN: 'ghs_xxx',
    'INPUT_AUTH-TOKEN': 'rc-token',
    INPUT_MESSAGE: 'hello',
    MY_API_KEY: 'k',
    my_token: 'lower case too',
    DB_PASSWORD: 'p',
    AWS_SECRET_ACCESS_KEY: 's',
    NPM_AUTH: 'a',
    GPG_PRIVATE: 'g',
    GCP_CREDENTIALS: 'c',
    SSH_AUTH_SOCK: '/tmp/agent',
    DATABASE_URL: 'postgres://app:hunter2@db.internal:5432/app'
  }
  const visible = {
    PATH: '/usr/bin',
    HOME: '/home/runner',
    DEPLOY_ENV: 'production',
    COMMIT_AUTHOR: 'Jane',
    SERVICE_URL: 'https://api.example.com/v1'
  }

  it('hides runner credentials and names that look secret', () => {
    const out = safeEnv({ ...secrets, ...visible })
    expect(out).toEqual(visible)
    for (const name of Object.keys(secrets)) {
      if (name !== 'DATABASE_URL') expect(isSecretName(name)).toBe(true)
    }
  })

  it('exposes the filtered env as ctx.env', () => {
    const all = { ...env('push'), ...secrets, ...visible }
    const ctx = readWorkflowContext(all, 'success', templateEnv(all, ['*']))
    for (const name of Object.keys(secrets)) expect(Object.hasOwn(ctx.env, name)).toBe(false)
    expect(ctx.env.DEPLOY_ENV).toBe('production')
  })
})

describe('env never carries a credential, whatever its name', () => {
  it('drops credential-shaped values and every value the action masks', () => {
    const env = safeEnv(
      {
        PROXY_SETTING: 'ci:hunter2pass@127.0.0.9:3128',
        NOTIFY_URL: 'https://chat.example.com/hooks/abc123/XyZtokenValue',
        GH_PAT: 'ghp_value',
        MY_PAT_VALUE: 'ghp_other',
        COPY_OF_TOKEN: 'prefix-uDatnEVta64kW-mzMvOzRCTrd-suffix',
        PATH: '/usr/bin',
        DEPLOY_ENV: 'staging',
        EMAIL: 'dev@example.com'
      },
      ['uDatnEVta64kW-mzMvOzRCTrd', 'abc']
    )
    expect(env).toEqual({ PATH: '/usr/bin', DEPLOY_ENV: 'staging', EMAIL: 'dev@example.com' })
  })
})

describe('templateEnv: deny by default', () => {
  const vars = {
    DEPLOY_ENV: 'prod',
    DEPLOY_REGION: 'eu',
    DB_PASS: 'p',
    SENTRY_DSN: 'https://k@sentry.example/1',
    GIT_URL: 'https://user:pw@git.example/repo',
    COPY: 'x-maskedSecretValue-y',
    OTHER: 'o'
  }
  const access = templateEnv(
    vars,
    ['DEPLOY_*', 'GIT_URL', 'COPY', 'DB_PASS'],
    ['maskedSecretValue']
  )

  it('shows only listed variables, by name or glob', () => {
    expect(access.visible).toEqual({ DEPLOY_ENV: 'prod', DEPLOY_REGION: 'eu' })
  })

  it('says why the others are empty', () => {
    expect(access.why('OTHER')).toBe('unlisted')
    expect(access.why('SENTRY_DSN')).toBe('unlisted')
    expect(access.why('NOT_SET')).toBe('unlisted')
    // Listed, but a credential URL, a masked secret, a secret-looking name.
    expect(access.why('GIT_URL')).toBe('secret')
    expect(access.why('COPY')).toBe('secret')
    expect(access.why('DB_PASS')).toBe('secret')
    expect(access.why('DEPLOY_ENV')).toBeUndefined()
    // Listed and simply not set: the usual "not in the context" warning applies.
    expect(access.why('DEPLOY_MISSING')).toBeUndefined()
  })

  it('with nothing listed, templates read no variable', () => {
    expect(templateEnv(vars, []).visible).toEqual({})
  })
})
