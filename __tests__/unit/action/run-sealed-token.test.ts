/**
 * The main step with a `sealed-token`, with fake dependencies: a recording
 * core and a MockAgent in place of Bitbucket (with no interceptor, any
 * request fails the test). A reuse makes no request and writes no secret;
 * every other outcome warns and falls back to the grant of the other inputs.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { MockAgent } from 'undici'
import { runStep, type ActionCore, type RunDeps } from '../../../src/action/run.ts'
import { openSealedToken } from '../../../src/action/sealed-token.ts'
import { ACTION_WORDING } from '../../../src/action/wording.ts'
import { HttpClient } from '../../../src/net/http.ts'
import { Masker } from '../../../src/shared/mask.ts'

const SITE = 'https://bitbucket.test'
const T0 = Date.parse('2026-11-22T08:00:00Z')
const RUN = { GITHUB_REPOSITORY: 'octo/app', GITHUB_RUN_ID: '777' }

let agent: MockAgent
let clock: number
beforeEach(() => {
  agent = new MockAgent()
  agent.disableNetConnect()
  clock = T0
})
afterEach(async () => {
  await agent.close()
})

let grants = 0
function answerToken(body: Record<string, unknown>, status = 200): void {
  agent
    .get(SITE)
    .intercept({ path: '/site/oauth2/access_token', method: 'POST' })
    .reply(
      status,
      () => {
        grants++
        return body
      },
      { headers: { 'content-type': 'application/json' } },
    )
}

const MINTED = {
  access_token: 'AT-minted-1234567890',
  refresh_token: 'RT-rotated-5678901234',
  token_type: 'bearer',
  expires_in: 7200,
  scopes: 'repository account',
}

interface Step {
  outputs: Record<string, string>
  exported: Record<string, string>
  masked: string[]
  warnings: string[]
  info: string[]
  saved: string[]
  summary: string
  archives: string[]
  git: string[]
  error?: Error
}

async function step(inputs: Record<string, string>, env: Record<string, string> = RUN): Promise<Step> {
  const s: Step = {
    outputs: {},
    exported: {},
    masked: [],
    warnings: [],
    info: [],
    saved: [],
    summary: '',
    archives: [],
    git: [],
  }
  const masker = new Masker((value) => s.masked.push(value))
  const core: ActionCore = {
    getInput: (name) => inputs[name] ?? '',
    setOutput: (name, value) => void (s.outputs[name] = value),
    exportVariable: (name, value) => void (s.exported[name] = value),
    saveState: () => {},
    info: (m) => void s.info.push(m),
    warning: (m) => void s.warnings.push(m),
    debug: () => {},
    appendSummary: async (md) => void (s.summary += md),
  }
  const deps: RunDeps = {
    core,
    masker,
    env: { GITHUB_WORKSPACE: '/tmp/workspace', RUNNER_TEMP: '/tmp/runner-temp', ...env },
    http: new HttpClient({ wording: ACTION_WORDING, dispatcher: agent, sleep: async () => {}, random: () => 0 }),
    now: () => clock,
    saveSecret: async (_http, _target, value) => void s.saved.push(value),
    fetchArchives: async (ctx) => {
      s.archives.push(ctx.accessToken)
      return []
    },
    fetchDownloads: async () => [],
    setupGitCredentials: async (ctx) => void s.git.push(ctx.accessToken),
    setupPackageManagers: async () => {},
  }
  try {
    await runStep(deps)
  } catch (err) {
    s.error = err as Error
  }
  return s
}

const BASE = {
  'client-id': 'consumer-key',
  'client-secret': 'consumer-secret-0123456789',
  'refresh-token': 'RT-stored-0000000000',
  'bitbucket-url': SITE,
  'export-env': 'BITBUCKET_ACCESS_TOKEN',
  'refresh-token-secret': 'BITBUCKET_REFRESH_TOKEN',
  'secret-repository': 'octo/app',
  'github-token': 'ghp-writer-token-000000',
}

/** A mint job: the sealed-token output of a refresh grant at T0. */
async function mint(): Promise<Step> {
  answerToken(MINTED)
  const s = await step(BASE)
  expect(s.error).toBeUndefined()
  return s
}

describe('the mint job', () => {
  test('outputs a sealed-token that is not masked, holds no secret, and opens in this run', async () => {
    const s = await mint()
    const sealed = s.outputs['sealed-token']!
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/)
    expect(s.masked).not.toContain(sealed)
    for (const secret of [...s.masked, BASE['client-id']]) expect(sealed).not.toContain(secret)
    const opened = openSealedToken(
      sealed,
      {
        ...BASE,
        clientId: BASE['client-id'],
        clientSecret: BASE['client-secret'],
        repository: 'octo/app',
        runId: '777',
      },
      T0,
      () => {},
    )
    expect(opened).toMatchObject({ ok: true, token: { accessToken: MINTED.access_token } })
    expect(s.summary).toMatch(/\| Token \| minted \|/)
  })

  test('no sealed-token output outside a workflow run, and a failed grant sets none', async () => {
    answerToken(MINTED)
    const outside = await step(BASE, {})
    expect(outside.error).toBeUndefined()
    expect(outside.outputs['sealed-token']).toBeUndefined()
    expect(outside.info.join('\n')).toContain('No `sealed-token` output')

    answerToken({ error: 'invalid_grant', error_description: 'Invalid refresh_token' }, 400)
    const failed = await step(BASE)
    expect(failed.error).toBeDefined()
    expect(failed.outputs).toEqual({})
  })
})

describe('a job that reuses it', () => {
  test('no request, no rotation, no secret write, even with refresh-token given; the minting job token outputs', async () => {
    const sealed = (await mint()).outputs['sealed-token']!
    grants = 0
    clock = T0 + 30 * 60_000 + 500
    const s = await step({ ...BASE, 'sealed-token': sealed, archives: 'ws/lib@v1', 'git-credentials': 'true' })
    expect(s.error).toBeUndefined()
    expect(grants).toBe(0)
    expect(s.saved).toEqual([])
    expect(s.warnings).toEqual([])
    expect(s.outputs).toMatchObject({
      'access-token': MINTED.access_token,
      'token-type': 'bearer',
      'expires-at': '2026-11-22T10:00:00Z',
      'expires-in': String(7200 - 30 * 60 - 1),
      scopes: 'repository account',
      'refresh-token': '',
      'refresh-token-rotated': 'false',
    })
    expect(s.outputs['sealed-token']).toMatch(/^v1\./)
    expect(s.masked).toContain(MINTED.access_token)
    expect(s.exported).toEqual({ BITBUCKET_ACCESS_TOKEN: MINTED.access_token })
    expect(s.archives).toEqual([MINTED.access_token])
    expect(s.git).toEqual([MINTED.access_token])
    expect(s.summary).toMatch(
      /\| Token \| reused from sealed-token \(minted by an earlier job of this run at 2026-11-22T08:00:00Z\) \|/,
    )
    expect(s.summary).toMatch(/\| Grant \| none \|/)
    expect(s.info.join('\n')).toMatch(/Reusing the access token from the `sealed-token` input/)
  })

  test('its own sealed-token output opens in a later job, with the same token and expiry', async () => {
    const first = (await mint()).outputs['sealed-token']!
    clock = T0 + 10 * 60_000
    const second = (await step({ ...BASE, 'sealed-token': first })).outputs['sealed-token']!
    expect(second).not.toBe(first)
    clock = T0 + 20 * 60_000
    const third = await step({ ...BASE, 'sealed-token': second })
    expect(third.warnings).toEqual([])
    expect(third.outputs['expires-at']).toBe('2026-11-22T10:00:00Z')
    expect(third.outputs['access-token']).toBe(MINTED.access_token)
  })

  test('required-scopes is checked as after a grant', async () => {
    const sealed = (await mint()).outputs['sealed-token']!
    const s = await step({ ...BASE, 'sealed-token': sealed, 'required-scopes': 'pullrequest' })
    expect(s.error?.message).toMatch(/lacks the required scope pullrequest/)
    expect(s.outputs['access-token']).toBe(MINTED.access_token)
  })

  test('the sealed-token is opened after every input is validated, before any request', async () => {
    const sealed = (await mint()).outputs['sealed-token']!
    const s = await step({ ...BASE, 'sealed-token': sealed, 'export-env': 'not a name' })
    expect(s.error?.message).toMatch(/export-env/)
    expect(s.outputs).toEqual({})
    expect(s.warnings).toEqual([])
  })
})

describe('fallback: a warning names the reason, then the grant of the other inputs', () => {
  async function fallback(inputs: Record<string, string>, env: Record<string, string> = RUN): Promise<Step> {
    grants = 0
    answerToken({ ...MINTED, access_token: 'AT-fallback-99999999', refresh_token: 'RT-fallback-88888888' })
    const s = await step({ ...BASE, ...inputs }, env)
    expect(s.error).toBeUndefined()
    expect(grants).toBe(1)
    expect(s.warnings).toHaveLength(1)
    expect(s.warnings[0]).toMatch(/Falling back to the refresh_token grant\.$/)
    expect(s.outputs['access-token']).toBe('AT-fallback-99999999')
    expect(s.saved).toEqual(['RT-fallback-88888888'])
    expect(s.summary).toMatch(/\| Token \| minted \|/)
    return s
  }

  test('another run', async () => {
    const sealed = (await mint()).outputs['sealed-token']!
    const s = await fallback({ 'sealed-token': sealed }, { ...RUN, GITHUB_RUN_ID: '778' })
    expect(s.warnings[0]).toMatch(/^The `sealed-token` input was sealed in another workflow run \(run 777\)/)
  })

  test('another repository', async () => {
    const sealed = (await mint()).outputs['sealed-token']!
    const s = await fallback({ 'sealed-token': sealed }, { ...RUN, GITHUB_REPOSITORY: 'octo/other' })
    expect(s.warnings[0]).toMatch(/^The `sealed-token` input was sealed for another repository \(octo\/app\)/)
  })

  test('expiring: 14 minutes left', async () => {
    const sealed = (await mint()).outputs['sealed-token']!
    clock = T0 + (120 - 14) * 60_000
    const s = await fallback({ 'sealed-token': sealed })
    expect(s.warnings[0]).toMatch(/holds a token that expires at 2026-11-22T10:00:00Z, in 14 minutes; at least 15/)
  })

  test('expiring: no stated expiry counts as one hour after minting', async () => {
    answerToken({ ...MINTED, expires_in: undefined })
    const sealed = (await step(BASE)).outputs['sealed-token']!
    clock = T0 + 46 * 60_000
    const s = await fallback({ 'sealed-token': sealed })
    expect(s.warnings[0]).toMatch(/expires at 2026-11-22T09:00:00Z, in 14 minutes \(the server stated no expiry/)
  })

  test('another consumer secret', async () => {
    const sealed = (await mint()).outputs['sealed-token']!
    const s = await fallback({ 'sealed-token': sealed, 'client-secret': 'another-consumer-secret' })
    expect(s.warnings[0]).toMatch(
      /^The `sealed-token` input could not be opened \(altered, or sealed with another `client-id` or `client-secret`\)/,
    )
  })

  test('altered', async () => {
    const sealed = (await mint()).outputs['sealed-token']!
    const altered = sealed.slice(0, 20) + (sealed[20] === 'A' ? 'B' : 'A') + sealed.slice(21)
    const s = await fallback({ 'sealed-token': altered })
    expect(s.warnings[0]).toMatch(
      /could not be opened \(altered, or sealed with another `client-id` or `client-secret`\)/,
    )
  })

  test.each([
    ['unknown version', 'v2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /its format "v2" is not one/],
    ['malformed', 'not a sealed token', /it is not a `sealed-token` output of this action/],
  ])('%s: a warning, not a crash', async (_name, value, pattern) => {
    const s = await fallback({ 'sealed-token': value })
    expect(s.warnings[0]).toMatch(/^The `sealed-token` input could not be opened/)
    expect(s.warnings[0]).toMatch(pattern)
  })

  test('without refresh-token, the fallback is the client_credentials grant', async () => {
    answerToken({ access_token: 'AT-client-credentials-1', token_type: 'bearer', expires_in: 7200 })
    const s = await step({
      'client-id': BASE['client-id'],
      'client-secret': BASE['client-secret'],
      'bitbucket-url': SITE,
      'sealed-token': 'v1.garbage',
    })
    expect(s.error).toBeUndefined()
    expect(s.warnings[0]).toMatch(/Falling back to the client_credentials grant\.$/)
    expect(s.outputs['access-token']).toBe('AT-client-credentials-1')
  })
})
