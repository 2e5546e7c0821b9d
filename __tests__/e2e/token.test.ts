/**
 * The token path end to end: the bundled dist/main run as the runner runs it,
 * against the emulator. Every run is checked for leaks with debug logging on.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import fs from 'node:fs'
import path from 'node:path'
import { startEmulator } from '../../emulator/bitbucket/server.ts'
import { findLeaks, newJob, removeJob, runStep, wasMasked, type Job, type StepResult } from '../helpers/action.ts'
import { FAST_RETRY, allSecrets, startFixture, type Fixture } from '../helpers/emulator.ts'
import { startProxy } from '../helpers/proxy.ts'
import { makeCert } from '../helpers/tls.ts'

const TOKEN_PATH = '/site/oauth2/access_token'
let fx: Fixture
let job: Job

beforeEach(async () => {
  fx = await startFixture()
  job = newJob('token')
})
afterEach(async () => {
  await fx.emu.close()
  removeJob(job)
})

const tokenRequests = () => fx.emu.router.requests.filter((r) => r.path === TOKEN_PATH)

/** A run with RUNNER_DEBUG=1, checked for leaks of every secret the emulator knows. */
async function run(inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<StepResult> {
  const r = await runStep(job, 'main', { inputs: { ...fx.inputs, ...inputs }, env: { ...FAST_RETRY, ...env } })
  expect(findLeaks(r, allSecrets(fx))).toEqual([])
  return r
}

/** A failed run: exactly one error line, no stack trace, no token outputs. */
function expectFailure(r: StepResult, message: RegExp): void {
  expect(r.code).not.toBe(0)
  expect(r.errors).toHaveLength(1)
  expect(r.errors[0]).toMatch(message)
  expect(r.stdout + r.stderr).not.toMatch(/^\s+at\s/m)
  expect(r.outputs['access-token']).toBeUndefined()
}

describe('grants', () => {
  test('refresh grant: token minted, rotation detected, outputs, export and masking', async () => {
    const before = Date.now()
    const r = await run()
    expect(r.errors).toEqual([])
    expect(r.code).toBe(0)
    const access = r.outputs['access-token']!
    expect(fx.emu.state.validAccessToken(access)).toBeDefined()
    expect(r.outputs).toMatchObject({
      'token-type': 'bearer',
      'expires-in': '7200',
      scopes: 'repository account',
      'refresh-token-rotated': 'true',
      archives: '[]',
    })
    const expiresAt = Date.parse(r.outputs['expires-at']!)
    expect(r.outputs['expires-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 7200_000)
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 7200_000)
    const next = r.outputs['refresh-token']!
    expect(next).not.toBe(fx.refreshToken)
    expect(next.length).toBeGreaterThan(2500)
    expect(fx.emu.state.acceptsRefreshToken(next)).toBe(true)
    expect(r.exported.BITBUCKET_ACCESS_TOKEN).toBe(access)
    for (const secret of [access, next, fx.refreshToken, fx.consumer.secret])
      expect(wasMasked(r.stdout, secret)).toBe(true)
    // Inputs are masked before anything else is printed.
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      `::add-mask::${fx.consumer.secret}`,
      `::add-mask::${fx.refreshToken}`,
    ])
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toMatch(
      /rotated the refresh token: the one stored in your secret stops working about 10 minutes after this run\. Set `refresh-token-secret`/,
    )
    expect(r.stderr).toBe('')
    expect(r.summary).toMatch(/Bitbucket access token/)
    expect(r.summary).not.toContain(access)
    // What was sent: Basic client auth and a form body.
    const [req] = tokenRequests()
    expect(req!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${fx.consumer.key}:${fx.consumer.secret}`).toString('base64')}`,
    )
    expect(req!.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(req!.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: fx.refreshToken,
    })
  })

  test('without rotation the input refresh token is output and no warning is given', async () => {
    fx.emu.state.options.rotate = false
    const r = await run()
    expect(r.code).toBe(0)
    expect(r.outputs['refresh-token-rotated']).toBe('false')
    expect(r.outputs['refresh-token']).toBe(fx.refreshToken)
    expect(r.warnings).toEqual([])
  })

  test('client_credentials when refresh-token is empty', async () => {
    const r = await run({ 'refresh-token': '' })
    expect(r.code).toBe(0)
    expect(fx.emu.state.validAccessToken(r.outputs['access-token']!)).toBeDefined()
    expect(r.outputs['refresh-token']).toBe('')
    expect(r.outputs['refresh-token-rotated']).toBe('false')
    expect(Object.fromEntries(new URLSearchParams(tokenRequests()[0]!.body))).toEqual({
      grant_type: 'client_credentials',
    })
  })

  test('client_credentials with a public consumer says to make it private', async () => {
    fx.consumer.private = false
    const r = await run({ 'refresh-token': '' })
    expectFailure(r, /client_credentials grant.*marked as public.*"This is a private consumer" that has a callback URL/)
  })

  test.each(['scope', 'scopes', 'both'] as const)('granted scopes read from `%s`', async (field) => {
    fx.emu.state.options.scopeField = field
    const r = await run({ 'required-scopes': 'repository' })
    expect(r.code).toBe(0)
    expect(r.outputs.scopes).toBe('repository account')
  })

  test('export-env renamed, or empty to disable', async () => {
    const renamed = await run({ 'export-env': 'BB_TOKEN' })
    expect(renamed.exported.BB_TOKEN).toBe(renamed.outputs['access-token'])
    expect(renamed.exported.BITBUCKET_ACCESS_TOKEN).toBeUndefined()
    job.env = {}
    const none = await run({ 'export-env': '', 'refresh-token': renamed.outputs['refresh-token']! })
    expect(none.exported).toEqual({})
  })
})

describe('required-scopes', () => {
  test('a granted X:write satisfies X', async () => {
    fx.consumer.scopes = ['repository:write', 'account']
    fx.refreshToken = fx.emu.state.issueRefreshToken(fx.consumer.key).value
    const r = await run({ 'refresh-token': fx.refreshToken, 'required-scopes': 'repository, account' })
    expect(r.code).toBe(0)
  })

  test('missing scopes fail the step, named, after the token was output', async () => {
    const r = await run({ 'required-scopes': 'repository pullrequest:write webhook' })
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/lacks the required scopes pullrequest:write, webhook \(granted: repository account\)/)
    // The rotated refresh token is not lost.
    expect(fx.emu.state.acceptsRefreshToken(r.outputs['refresh-token']!)).toBe(true)
  })
})

describe('refusals', () => {
  test('bad client secret (Bitbucket: 400 unauthorized_client)', async () => {
    const r = await run({ 'client-secret': 'wrong-secret-value' })
    expectFailure(
      r,
      /refused the OAuth consumer \(unauthorized_client: Invalid OAuth client credentials\)\. Check the `client-id` and `client-secret` inputs/,
    )
    expect(wasMasked(r.stdout, 'wrong-secret-value')).toBe(true)
    expect(findLeaks(r, { wrong: 'wrong-secret-value' })).toEqual([])
  })

  test('bad client secret (RFC 6749: 401 invalid_client)', async () => {
    fx.emu.state.options.strictErrors = true
    const r = await run({ 'client-secret': 'wrong-secret-value' })
    expectFailure(r, /invalid_client.*`client-id` and `client-secret`/)
  })

  test('a revoked refresh token says how to get a new one', async () => {
    fx.emu.state.refreshTokens.get(fx.refreshToken)!.revoked = true
    const r = await run()
    expectFailure(
      r,
      /refused the refresh token \(invalid_grant: Invalid refresh_token\): it was revoked, expired .*bitbucket-oauth login/,
    )
  })

  test('a used token works within the grace window and dies after it', async () => {
    expect((await run()).code).toBe(0)
    expect((await run()).code).toBe(0)
    fx.emu.state.advance(11 * 60_000)
    expectFailure(await run(), /already rotated by an earlier run/)
  })

  test('a token unused for three months has expired', async () => {
    fx.emu.state.advance(91 * 24 * 3_600_000)
    expectFailure(await run(), /expired \(unused for 3 months\)/)
  })

  test('a missing input fails before any request', async () => {
    const r = await run({ 'client-secret': '' })
    expectFailure(r, /Input `client-secret` is required/)
    expect(fx.emu.router.requests).toEqual([])
  })

  test('plain http to a non-loopback host is refused before sending', async () => {
    const proxy = await startProxy()
    try {
      const r = await run(
        { 'bitbucket-url': 'http://bitbucket.example' },
        { HTTP_PROXY: proxy.url, http_proxy: proxy.url },
      )
      expectFailure(
        r,
        /Refusing plain http:\/\/ for input `bitbucket-url` \(bitbucket.example\).*Use an https:\/\/ URL/,
      )
      expect(proxy.seen).toEqual([])
    } finally {
      await proxy.close()
    }
  })

  test('an HTML answer is reported with status and content type', async () => {
    fx.emu.faults.add({
      kind: 'status',
      path: TOKEN_PATH,
      status: 200,
      contentType: 'text/html',
      body: '<html>Log in</html>',
    })
    expectFailure(await run(), /answered HTTP 200 with text\/html that is not a JSON token/)
  })

  test('a truncated answer is reported, not retried (the refresh may have been spent)', async () => {
    fx.emu.faults.add({ kind: 'truncate', path: TOKEN_PATH, fraction: 0.4 })
    const r = await run()
    expectFailure(
      r,
      /answered HTTP 200 but the body could not be read: .* the stored refresh token was spent: it keeps working for about 10 minutes, so re-run the job now/,
    )
    expect(tokenRequests()).toHaveLength(1)
  })
})

describe('transient faults', () => {
  test('503, 503, then success', async () => {
    fx.emu.faults.add({ kind: 'status', path: TOKEN_PATH, status: 503, times: 2 })
    const r = await run()
    expect(r.code).toBe(0)
    expect(tokenRequests()).toHaveLength(3)
  })

  test('429 without Retry-After, then success', async () => {
    fx.emu.faults.add({ kind: 'status', path: TOKEN_PATH, status: 429 })
    const r = await run()
    expect(r.code).toBe(0)
    expect(tokenRequests()).toHaveLength(2)
  })

  test('429 with Retry-After: the wait is honoured', async () => {
    fx.emu.faults.add({ kind: 'status', path: TOKEN_PATH, status: 429, headers: { 'retry-after': '1' } })
    const r = await run()
    expect(r.code).toBe(0)
    const [first, second] = tokenRequests()
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950)
  })

  test('a persistent 500 fails after a bounded number of attempts', async () => {
    fx.emu.faults.add({ kind: 'status', path: TOKEN_PATH, status: 500, times: Infinity })
    const r = await run()
    expectFailure(
      r,
      /token endpoint answered HTTP 500 .*after retries\. Bitbucket may be degraded; re-run the job later/,
    )
    expect(tokenRequests()).toHaveLength(4)
  })

  test('a slow answer within the timeout succeeds on the first attempt', async () => {
    fx.emu.faults.add({ kind: 'delay', path: TOKEN_PATH, delayMs: 600 })
    const r = await run({}, { BITBUCKET_OAUTH_HTTP_TIMEOUT_MS: '2000' })
    expect(r.code).toBe(0)
    expect(tokenRequests()).toHaveLength(1)
  })

  test('a stalled server fails on the timeout, without replaying the refresh', async () => {
    fx.emu.faults.add({ kind: 'stall', path: TOKEN_PATH, times: Infinity })
    const r = await run({}, { BITBUCKET_OAUTH_HTTP_TIMEOUT_MS: '400' })
    expectFailure(
      r,
      /Could not reach the Bitbucket token endpoint at http:\/\/127\.0\.0\.1:\d+: no answer within 0\.4 s \(not retried: the request may have been processed\).* re-run the job now/,
    )
    expect(tokenRequests()).toHaveLength(1)
  })

  test('a refresh whose answer stalls after the headers is not replayed', async () => {
    // Bitbucket processed the refresh (the token rotated), sent 200 and its headers, then nothing.
    fx.emu.faults.add({ kind: 'silence', path: TOKEN_PATH, times: Infinity })
    const r = await run({}, { BITBUCKET_OAUTH_HTTP_TIMEOUT_MS: '400' })
    expectFailure(
      r,
      /^the Bitbucket token endpoint \(127\.0\.0\.1:\d+\) answered HTTP 200 but the body could not be read: the answer stalled for 0\.4 s\. If Bitbucket processed the refresh, the stored refresh token was spent: it keeps working for about 10 minutes, so re-run the job now\.$/,
    )
    expect(tokenRequests()).toHaveLength(1)
  })

  test('a stalled server on client_credentials is retried until the deadline', async () => {
    fx.emu.faults.add({ kind: 'stall', path: TOKEN_PATH, times: Infinity })
    const r = await run(
      { 'refresh-token': '' },
      { BITBUCKET_OAUTH_HTTP_TIMEOUT_MS: '300', BITBUCKET_OAUTH_HTTP_DEADLINE_MS: '2000' },
    )
    expectFailure(r, /Could not reach the Bitbucket token endpoint/)
  })

  test('a refused connection is retried, then reported', async () => {
    const url = fx.emu.url
    await fx.emu.close()
    const r = await runStep(job, 'main', { inputs: { ...fx.inputs, 'bitbucket-url': url }, env: FAST_RETRY })
    expectFailure(
      r,
      /Could not reach the Bitbucket token endpoint at http:\/\/127\.0\.0\.1:\d+: connection refused after 4 attempts/,
    )
    // Nothing reached Bitbucket: the refresh token was not spent, and the message does not say it may have been.
    expect(r.stdout).not.toMatch(/refresh token was spent/)
    fx.emu = await startEmulator() // for afterEach
  })
})

describe('proxy', () => {
  test('HTTPS_PROXY is used for an https Bitbucket, with no extra flag', async () => {
    // "bitbucket.example" is the TLS emulator, reached only through the loopback proxy's tunnel.
    const cert = makeCert(fs.mkdtempSync(path.join(job.root, 'tls-')), ['bitbucket.example'])
    const tlsEmu = await startEmulator({ tls: cert })
    const consumer = tlsEmu.state.addConsumer()
    const refresh = tlsEmu.state.issueRefreshToken(consumer.key).value
    const proxy = await startProxy({ 'bitbucket.example:443': new URL(tlsEmu.url).host })
    try {
      const r = await runStep(job, 'main', {
        inputs: {
          'client-id': consumer.key,
          'client-secret': consumer.secret,
          'refresh-token': refresh,
          'bitbucket-url': 'https://bitbucket.example',
          'api-url': 'https://bitbucket.example/2.0',
        },
        env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: cert.certFile, ...FAST_RETRY },
      })
      expect(r.errors).toEqual([])
      expect(r.code).toBe(0)
      expect(tlsEmu.state.validAccessToken(r.outputs['access-token']!)).toBeDefined()
      expect(proxy.seen).toEqual(['CONNECT bitbucket.example:443'])
      expect(tlsEmu.router.requests.map((q) => q.host)).toEqual(['bitbucket.example'])
      expect(
        findLeaks(r, {
          secret: consumer.secret,
          refresh,
          access: r.outputs['access-token'],
          next: r.outputs['refresh-token'],
        }),
      ).toEqual([])
    } finally {
      await proxy.close()
      await tlsEmu.close()
    }
  })

  test('loopback hosts never go through a proxy (its loopback is another machine)', async () => {
    const proxy = await startProxy()
    try {
      const r = await run({}, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url })
      expect(r.code).toBe(0)
      expect(proxy.seen).toEqual([])
    } finally {
      await proxy.close()
    }
  })

  test('an untrusted certificate says how to trust a private CA, without retrying', async () => {
    const cert = makeCert(fs.mkdtempSync(path.join(job.root, 'tls-')))
    const tlsEmu = await startEmulator({ tls: cert })
    try {
      const r = await run({ 'bitbucket-url': tlsEmu.url })
      expectFailure(r, /TLS certificate not trusted .*NODE_EXTRA_CA_CERTS/)
    } finally {
      await tlsEmu.close()
    }
  })
})
