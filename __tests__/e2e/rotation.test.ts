/**
 * Rotation-safe runs, end to end: the bundled action against the Bitbucket
 * emulator (rotating refresh tokens, grace window) and the fake GitHub
 * secrets API (real sealed boxes, opened here to read what was saved).
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { findLeaks, newJob, removeJob, runStep, type Job, type StepResult } from '../helpers/action.ts'
import { FAST_RETRY, startFixture, type Fixture } from '../helpers/emulator.ts'
import { startGitHubFixture, type GitHubFixture } from '../helpers/github.ts'

const SECRET = 'BITBUCKET_REFRESH_TOKEN'
const GRACE_MS = 10 * 60_000

let fx: Fixture
let g: GitHubFixture
/** One job per run, as separate workflow runs would have. */
let jobs: Job[] = []
beforeEach(async () => {
  fx = await startFixture()
  g = await startGitHubFixture()
})
afterEach(async () => {
  await fx.emu.close()
  await g.gh.close()
  for (const job of jobs) removeJob(job)
  jobs = []
})

/** Inputs for a run that saves to the repository secret (plus `extra`). */
function inputs(refreshToken: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...fx.inputs,
    'refresh-token': refreshToken,
    'refresh-token-secret': SECRET,
    'secret-repository': g.repository,
    'github-token': g.token,
    'github-api-url': g.gh.url,
    ...extra,
  }
}

function run(
  refreshToken: string,
  extra: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<StepResult> {
  const job = newJob('rotation')
  jobs.push(job)
  return runStep(job, 'main', { inputs: inputs(refreshToken, extra), env: { ...FAST_RETRY, ...env } })
}

/** Every credential the runs could have printed. */
function leaks(r: StepResult, more: Record<string, string | undefined> = {}): string[] {
  return findLeaks(r, {
    githubToken: g.token,
    clientSecret: fx.consumer.secret,
    refreshIn: fx.refreshToken,
    refreshOut: r.outputs['refresh-token'],
    access: r.outputs['access-token'],
    ...more,
  })
}

function expectOk(r: StepResult): void {
  expect(r.errors).toEqual([])
  expect(r.code).toBe(0)
}

describe('two runs in a row: the second reads what the first saved', () => {
  test('repository secret', async () => {
    const r1 = await run(fx.refreshToken)
    expectOk(r1)
    const saved1 = g.gh.repoSecret(g.repository, SECRET)
    expect(saved1).toBe(r1.outputs['refresh-token'])
    expect(saved1).not.toBe(fx.refreshToken)
    expect(fx.emu.state.acceptsRefreshToken(saved1!)).toBe(true)
    expect(r1.stdout).toContain(`Saved the rotated refresh token to secret ${SECRET} of repository ${g.repository}`)
    expect(r1.warnings.join('\n')).not.toMatch(/rotated the refresh token/)
    expect(r1.summary).toContain(`rotated, saved to ${SECRET.replace(/_/g, '\\_')}`)
    expect(leaks(r1)).toEqual([])

    // The input token dies after the grace window; only the saved one can work now.
    fx.emu.state.advance(GRACE_MS + 60_000)
    expect(fx.emu.state.acceptsRefreshToken(fx.refreshToken)).toBe(false)

    const r2 = await run(saved1!)
    expectOk(r2)
    const saved2 = g.gh.repoSecret(g.repository, SECRET)
    expect(saved2).toBe(r2.outputs['refresh-token'])
    expect(saved2).not.toBe(saved1)
    expect(fx.emu.state.acceptsRefreshToken(saved2!)).toBe(true)
    expect(leaks(r2, { saved1 })).toEqual([])

    const puts = g.gh.router.requests.filter((q) => q.method === 'PUT')
    expect(puts.map((q) => q.path)).toEqual([
      `/repos/${g.repository}/actions/secrets/${SECRET}`,
      `/repos/${g.repository}/actions/secrets/${SECRET}`,
    ])
  })

  test('environment secret', async () => {
    const extra = { 'secret-environment': g.environment }
    const r1 = await run(fx.refreshToken, extra)
    expectOk(r1)
    const saved1 = g.gh.envSecret(g.repository, g.environment, SECRET)
    expect(saved1).toBe(r1.outputs['refresh-token'])
    expect(g.gh.repoSecret(g.repository, SECRET)).toBeUndefined()
    expect(r1.stdout).toContain(`secret ${SECRET} of environment ${g.environment} of repository ${g.repository}`)
    fx.emu.state.advance(GRACE_MS + 60_000)

    const r2 = await run(saved1!, extra)
    expectOk(r2)
    const saved2 = g.gh.envSecret(g.repository, g.environment, SECRET)
    expect(saved2).toBe(r2.outputs['refresh-token'])
    expect(saved2).not.toBe(saved1)
    expect(fx.emu.state.acceptsRefreshToken(saved2!)).toBe(true)
    expect(leaks(r1)).toEqual([])
    expect(leaks(r2, { saved1 })).toEqual([])
  })

  test('organization secret: a new one is private', async () => {
    const extra = { 'secret-organization': g.organization }
    const r1 = await run(fx.refreshToken, extra)
    expectOk(r1)
    const saved1 = g.gh.orgSecret(g.organization, SECRET)
    expect(saved1).toEqual({ value: r1.outputs['refresh-token'], visibility: 'private', selectedRepositoryIds: [] })
    fx.emu.state.advance(GRACE_MS + 60_000)

    const r2 = await run(saved1!.value, extra)
    expectOk(r2)
    const saved2 = g.gh.orgSecret(g.organization, SECRET)
    expect(saved2).toEqual({ value: r2.outputs['refresh-token'], visibility: 'private', selectedRepositoryIds: [] })
    expect(fx.emu.state.acceptsRefreshToken(saved2!.value)).toBe(true)
    expect(leaks(r1)).toEqual([])
    expect(leaks(r2, { saved1: saved1!.value })).toEqual([])
  })

  test('organization secret: an existing one keeps its visibility and selected repositories', async () => {
    const other = g.gh.addRepository(`${g.organization}/other-repo`)
    g.gh.setOrgSecret(g.organization, SECRET, fx.refreshToken, {
      visibility: 'selected',
      selectedRepositoryIds: [g.repo.id, other.id],
    })
    g.gh.setOrgSecret(g.organization, 'OTHER_TOKEN', 'x'.repeat(10), { visibility: 'all' })
    const extra = { 'secret-organization': g.organization }

    const r1 = await run(fx.refreshToken, extra)
    expectOk(r1)
    expect(g.gh.orgSecret(g.organization, SECRET)).toEqual({
      value: r1.outputs['refresh-token'],
      visibility: 'selected',
      selectedRepositoryIds: [g.repo.id, other.id],
    })
    fx.emu.state.advance(GRACE_MS + 60_000)

    const r2 = await run(g.gh.orgSecret(g.organization, SECRET)!.value, {
      ...extra,
      'refresh-token-secret': 'OTHER_TOKEN',
    })
    expectOk(r2)
    expect(g.gh.orgSecret(g.organization, 'OTHER_TOKEN')).toEqual({
      value: r2.outputs['refresh-token'],
      visibility: 'all',
      selectedRepositoryIds: [],
    })
    expect(leaks(r1)).toEqual([])
    expect(leaks(r2)).toEqual([])
  })
})

describe('concurrency and the grace window', () => {
  test('five runs started together with the same token all succeed; the secret ends up holding a live token', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => run(fx.refreshToken)))
    for (const r of results) {
      expectOk(r)
      expect(leaks(r)).toEqual([])
    }
    const issued = results.map((r) => r.outputs['refresh-token']!)
    expect(new Set(issued).size).toBe(5)
    const saved = g.gh.repoSecret(g.repository, SECRET)!
    expect(issued).toContain(saved)
    expect(g.gh.router.requests.filter((q) => q.method === 'PUT')).toHaveLength(5)
    fx.emu.state.advance(GRACE_MS + 60_000)
    expect(fx.emu.state.acceptsRefreshToken(fx.refreshToken)).toBe(false)
    expect(fx.emu.state.acceptsRefreshToken(saved)).toBe(true)
  })

  test('a run with the old token after the grace window fails with the invalid-token message', async () => {
    expectOk(await run(fx.refreshToken))
    fx.emu.state.advance(GRACE_MS + 1000)
    const late = await run(fx.refreshToken)
    expect(late.code).not.toBe(0)
    expect(late.errors).toHaveLength(1)
    expect(late.errors[0]).toMatch(
      /Bitbucket refused the refresh token .*already rotated by an earlier run.*bitbucket-oauth login/,
    )
    expect(late.outputs['refresh-token']).toBeUndefined()
    expect(g.gh.router.requests.filter((q) => q.method === 'PUT')).toHaveLength(1)
    expect(leaks(late)).toEqual([])
  })
})

describe('saving fails or needs a retry', () => {
  test('first PUT answers 502, the retry saves it', async () => {
    g.gh.faults.add({ kind: 'status', status: 502, method: 'PUT', path: '/repos/' })
    const r = await run(fx.refreshToken)
    expectOk(r)
    expect(g.gh.repoSecret(g.repository, SECRET)).toBe(r.outputs['refresh-token'])
    expect(g.gh.router.requests.filter((q) => q.method === 'PUT')).toHaveLength(2)
    expect(leaks(r)).toEqual([])
  })

  test('persistent failure: the step fails loudly, the token is still output, nothing leaks', async () => {
    g.gh.faults.add({ kind: 'status', status: 503, method: 'PUT', path: '/repos/', times: Infinity })
    const r = await run(fx.refreshToken)
    expect(r.code).not.toBe(0)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(
      new RegExp(
        `new one was NOT saved to secret ${SECRET} of repository ${g.repository}: .*HTTP 503.*stops working within minutes.*re-run this job within about 10 minutes`,
      ),
    )
    const out = r.outputs['refresh-token']!
    expect(out).toBeTruthy()
    expect(out).not.toBe(fx.refreshToken)
    expect(fx.emu.state.acceptsRefreshToken(out)).toBe(true)
    expect(r.outputs['refresh-token-rotated']).toBe('true')
    expect(g.gh.repoSecret(g.repository, SECRET)).toBeUndefined()
    expect(g.gh.router.requests.filter((q) => q.method === 'PUT').length).toBeGreaterThanOrEqual(2)
    expect(r.summary).toBe('')
    expect(leaks(r)).toEqual([])

    // What the message advises: fix the cause and re-run within the grace window, with the stored token.
    g.gh.faults.clear()
    fx.emu.state.advance(GRACE_MS - 60_000)
    const rerun = await run(fx.refreshToken)
    expectOk(rerun)
    expect(g.gh.repoSecret(g.repository, SECRET)).toBe(rerun.outputs['refresh-token'])
    expect(leaks(rerun)).toEqual([])
  })

  test('a GitHub API that stops answering ends the step with the NOT-saved message', async () => {
    g.gh.faults.add({ kind: 'stall', method: 'GET', path: '/repos/', times: Infinity })
    const r = await run(
      fx.refreshToken,
      {},
      { BITBUCKET_OAUTH_HTTP_TIMEOUT_MS: '300', BITBUCKET_OAUTH_HTTP_DEADLINE_MS: '1500' },
    )
    expect(r.code).not.toBe(0)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(
      /NOT saved to secret .*: Could not reach the GitHub API at http:\/\/127\.0\.0\.1:\d+: .*stops working within minutes/,
    )
    expect(fx.emu.state.acceptsRefreshToken(r.outputs['refresh-token']!)).toBe(true)
    expect(leaks(r)).toEqual([])
  })

  test('a connection reset on the PUT is retried', async () => {
    g.gh.faults.add({ kind: 'reset', method: 'PUT', path: '/repos/' })
    const r = await run(fx.refreshToken)
    expectOk(r)
    expect(g.gh.repoSecret(g.repository, SECRET)).toBe(r.outputs['refresh-token'])
    expect(leaks(r)).toEqual([])
  })
})

describe('what the github-token lacks', () => {
  test('403: names the permission and the repository', async () => {
    const readOnly = g.gh.addToken({ repositories: { [g.repository]: 'read' } })
    const r = await run(fx.refreshToken, { 'github-token': readOnly })
    expect(r.code).not.toBe(0)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toContain(`NOT saved to secret ${SECRET} of repository ${g.repository}`)
    expect(r.errors[0]).toContain(`may not write secret ${SECRET} of repository ${g.repository} (HTTP 403`)
    expect(r.errors[0]).toContain(`"Secrets: read and write" on ${g.repository}`)
    expect(fx.emu.state.acceptsRefreshToken(r.outputs['refresh-token']!)).toBe(true)
    expect(leaks(r, { readOnly })).toEqual([])
  })

  test('403 for an organization: names the organization permission', async () => {
    const noOrg = g.gh.addToken({ organizations: { [g.organization]: 'none' } })
    const r = await run(fx.refreshToken, { 'github-token': noOrg, 'secret-organization': g.organization })
    expect(r.code).not.toBe(0)
    expect(r.errors[0]).toContain(`may not read the public key of organization ${g.organization} (HTTP 403`)
    expect(r.errors[0]).toContain(`organization permission "Secrets: read and write" on ${g.organization}`)
    expect(leaks(r, { noOrg })).toEqual([])
  })

  test('404: the repository is not visible to the token', async () => {
    const elsewhere = g.gh.addToken({ repositories: { 'someone/else': 'write' } })
    const r = await run(fx.refreshToken, { 'github-token': elsewhere })
    expect(r.code).not.toBe(0)
    expect(r.errors[0]).toContain(
      `GitHub answered HTTP 404: "Not Found" for repository ${g.repository}: it does not exist or is not visible to the \`github-token\``,
    )
    expect(leaks(r, { elsewhere })).toEqual([])
  })

  test('404: the environment does not exist', async () => {
    const r = await run(fx.refreshToken, { 'secret-environment': 'staging' })
    expect(r.code).not.toBe(0)
    expect(r.errors[0]).toContain(`for environment staging of repository ${g.repository}`)
    expect(r.errors[0]).toContain('`secret-environment`')
    expect(leaks(r)).toEqual([])
  })

  test('401: the token is invalid', async () => {
    const bogus = 'github_pat_' + 'Z'.repeat(40)
    const r = await run(fx.refreshToken, { 'github-token': bogus })
    expect(r.code).not.toBe(0)
    expect(r.errors[0]).toContain('GitHub refused the `github-token` (HTTP 401')
    expect(leaks(r, { bogus })).toEqual([])
  })
})

describe('input errors come before any request', () => {
  async function inputError(extra: Record<string, string>, pattern: RegExp): Promise<void> {
    const r = await run(fx.refreshToken, extra)
    expect(r.code).not.toBe(0)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(pattern)
    expect(fx.emu.router.requests).toEqual([])
    expect(g.gh.router.requests).toEqual([])
    expect(leaks(r)).toEqual([])
  }

  test('missing github-token', () => inputError({ 'github-token': '' }, /Input `github-token` is required/))
  test('environment and organization together', () =>
    inputError(
      { 'secret-environment': 'production', 'secret-organization': g.organization },
      /`secret-environment` and `secret-organization` exclude each other/,
    ))
  test.each(['GITHUB_TOKEN_COPY', '1TOKEN', 'MY-TOKEN', 'MY TOKEN'])('invalid secret name %s', (name) =>
    inputError({ 'refresh-token-secret': name }, /is not a valid GitHub secret name/),
  )
  test('refresh-token-secret without refresh-token', () =>
    inputError({ 'refresh-token': '' }, /`refresh-token-secret` needs a `refresh-token`/))
})
