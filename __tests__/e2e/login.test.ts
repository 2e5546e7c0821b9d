/**
 * `bitbucket-oauth login` end to end against the emulator, with the browser's
 * part played over plain HTTP (the real-browser run is login-browser.test.ts).
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startFixture, type Fixture } from '../helpers/emulator.ts'
import { consent, freePort, get, runLogin, tokenRequests } from '../helpers/login.ts'

let fx: Fixture
let port: number
let env: Record<string, string>
beforeEach(async () => {
  fx = await startFixture()
  port = await freePort()
  fx.emu.state.consumers.get(fx.consumer.key)!.callbackUrl = `http://localhost:${port}`
  env = { BITBUCKET_CLIENT_ID: fx.consumer.key, BITBUCKET_CLIENT_SECRET: fx.consumer.secret }
})
afterEach(async () => {
  await fx.emu.close()
})

const args = (...extra: string[]) => ['--no-open', '--port', String(port), '--bitbucket-url', fx.emu.url, ...extra]
const lastLine = (text: string) => text.trim().split('\n').at(-1)!

describe('login: grant', () => {
  test('prints only the refresh token on stdout; it works for a refresh; the exchange sent the same redirect_uri and the PKCE verifier', async () => {
    const run = runLogin(args(), env)
    const authorize = new URL(await run.authorizeUrl)
    expect(authorize.origin + authorize.pathname).toBe(`${fx.emu.url}/site/oauth2/authorize`)
    const q = authorize.searchParams
    expect([...q.keys()]).toEqual([
      'client_id',
      'response_type',
      'state',
      'redirect_uri',
      'code_challenge',
      'code_challenge_method',
    ])
    expect(q.get('client_id')).toBe(fx.consumer.key)
    expect(q.get('response_type')).toBe('code')
    expect(q.get('redirect_uri')).toBe(`http://localhost:${port}/`)
    expect(q.get('code_challenge_method')).toBe('S256')
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(q.get('state')!.length).toBeGreaterThanOrEqual(32)

    const callback = await consent(authorize.href, 'grant')
    expect(callback.startsWith(`http://localhost:${port}/?code=`)).toBe(true)
    const page = await get(callback)
    expect(page.status).toBe(200)
    expect(page.text).toMatch(/Bitbucket access granted/)

    const r = await run.done
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^[A-Za-z0-9_-]{100,}\n$/)
    const token = r.stdout.slice(0, -1)
    expect(fx.emu.state.acceptsRefreshToken(token)).toBe(true)
    expect(page.text).not.toContain(token)
    expect(r.stderr).not.toContain(token)
    expect(r.stderr).not.toContain(fx.consumer.secret)
    expect(r.stderr).not.toMatch(/Warning|UNDICI/)
    expect(r.stderr).toMatch(/Granted scopes: repository account/)
    expect(r.stderr).toMatch(/expires at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/)

    const exchanges = fx.emu.router.requests.filter((x) => x.path === '/site/oauth2/access_token')
    expect(exchanges).toHaveLength(1)
    const form = new URLSearchParams(exchanges[0]!.body)
    expect(form.get('grant_type')).toBe('authorization_code')
    expect(form.get('redirect_uri')).toBe(q.get('redirect_uri'))
    expect(form.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/)
    expect(exchanges[0]!.headers.authorization).toMatch(/^Basic /)
    // Done: the command no longer listens, so a reload of the callback reaches nothing.
    await expect(get(callback)).rejects.toThrow()
  })

  test('the callback is received on ::1 as well as on 127.0.0.1', async () => {
    const run = runLogin(args(), env)
    const authorize = await run.authorizeUrl
    const v6 = await get(`http://[::1]:${port}/`).catch(() => undefined)
    // Without an IPv6 loopback on the machine the command listens on 127.0.0.1 only (and says so).
    if (v6) {
      expect(v6.status).toBe(200)
      expect(v6.text).toMatch(/waiting/)
    }
    const callback = new URL(await consent(authorize, 'grant'))
    if (v6) callback.hostname = '[::1]'
    expect((await get(callback.href)).status).toBe(200)
    const r = await run.done
    expect(r.code).toBe(0)
    expect(fx.emu.state.acceptsRefreshToken(r.stdout.trim())).toBe(true)
    expect(r.stderr).toMatch(v6 ? /127\.0\.0\.1 and \[::1\]/ : /\(127\.0\.0\.1\)/)
  })

  test('opens the browser with $BROWSER (detached) and carries on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-browser-'))
    const record = path.join(dir, 'opened')
    const opener = path.join(dir, 'opener.sh')
    fs.writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`, { mode: 0o755 })
    try {
      const run = runLogin(
        args().filter((a) => a !== '--no-open'),
        { ...env, BROWSER: opener },
      )
      const printed = await run.authorizeUrl
      for (let i = 0; i < 100 && !fs.existsSync(record); i++) await new Promise((r) => setTimeout(r, 50))
      expect(fs.readFileSync(record, 'utf8')).toBe(printed)
      await get(await consent(printed, 'grant'))
      const r = await run.done
      expect(r.code).toBe(0)
      expect(r.stderr).toMatch(/Opening it in your browser/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('scopes from the token endpoint cannot put control sequences on the terminal', async () => {
    fx.emu.state.options.tokenAnswerOverrides = { scope: 'repository\x1b]0;pwned\x07\x1b[2J\r\naccount\u202e' }
    const run = runLogin(args(), env)
    await get(await consent(await run.authorizeUrl, 'grant'))
    const r = await run.done
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^Granted scopes: repository ]0;pwned \[2J account$/m)
    for (const c of ['\x1b', '\x07', '\r', '\u202e']) expect(r.stderr).not.toContain(c)
  })

  test('a missing browser opener is a warning, not a failure', async () => {
    const run = runLogin(
      args().filter((a) => a !== '--no-open'),
      { ...env, BROWSER: '/nonexistent/opener' },
    )
    const authorize = await run.authorizeUrl
    await get(await consent(authorize, 'grant'))
    const r = await run.done
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/Warning: Could not start \/nonexistent\/opener \(ENOENT\): open the URL above/)
    expect(fx.emu.state.acceptsRefreshToken(r.stdout.trim())).toBe(true)
  })
})

describe("login: callbacks without this login's state", () => {
  test('a callback with a wrong or no state is ignored (said on stderr) and the login waits for the right one', async () => {
    const run = runLogin(args(), env)
    const authorize = await run.authorizeUrl
    const callback = new URL(await consent(authorize, 'grant'))
    // Any web page can do this: <img src="http://localhost:PORT/?error=access_denied">.
    const drive = await get(`http://localhost:${port}/?error=access_denied`)
    expect(drive.status).toBe(400)
    expect(drive.text).toMatch(/does not belong to the login that is waiting/)
    // A code with a forged state is never exchanged.
    const forged = new URL(callback)
    forged.searchParams.set('state', 'forged-state-value-of-another-login')
    expect((await get(forged.href)).status).toBe(400)
    const stateless = new URL(callback)
    stateless.searchParams.delete('state')
    expect((await get(stateless.href)).status).toBe(400)
    expect(tokenRequests(fx.emu.router.requests)).toEqual([])

    const page = await get(callback.href)
    expect(page.status).toBe(200)
    const r = await run.done
    expect(r.code).toBe(0)
    expect(fx.emu.state.acceptsRefreshToken(r.stdout.trim())).toBe(true)
    const said = r.stderr.split('\n').filter((l) => l.startsWith('Ignored a callback'))
    expect(said).toEqual([
      "Ignored a callback with no state (error=access_denied): it did not come from this login's authorize URL (an old browser tab, or another page). Still waiting for the right one.",
      "Ignored a callback with a wrong state: it did not come from this login's authorize URL (an old browser tab, or another page). Still waiting for the right one.",
      "Ignored a callback with no state: it did not come from this login's authorize URL (an old browser tab, or another page). Still waiting for the right one.",
    ])
    expect(tokenRequests(fx.emu.router.requests)).toHaveLength(1)
  })

  test('only callbacks without the state until the timeout: the timeout, no exchange', async () => {
    const run = runLogin(args('--timeout', '2'), env)
    await run.authorizeUrl
    expect((await get(`http://localhost:${port}/?error=access_denied&state=nope`)).status).toBe(400)
    const r = await run.done
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(lastLine(r.stderr)).toMatch(/^bitbucket-oauth login: No answer from the browser within 2 s/)
    expect(tokenRequests(fx.emu.router.requests)).toEqual([])
  })
})

describe('login: failures end with one line on stderr, a non-zero exit, nothing on stdout', () => {
  test('denial (error=access_denied)', async () => {
    const run = runLogin(args(), env)
    const callback = await consent(await run.authorizeUrl, 'deny')
    expect(new URL(callback).searchParams.get('error')).toBe('access_denied')
    const page = await get(callback)
    expect(page.status).toBe(400)
    expect(page.text).toMatch(/Access was denied/)
    const r = await run.done
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(lastLine(r.stderr)).toMatch(
      /^bitbucket-oauth login: Access was denied in the browser \(error=access_denied: The user denied access\.\).*click "Grant access"/,
    )
    expect(tokenRequests(fx.emu.router.requests)).toEqual([])
  })

  test('an error description cannot put control characters on the terminal', async () => {
    const run = runLogin(args(), env)
    const state = new URL(await run.authorizeUrl).searchParams.get('state')!
    const page = await get(
      `http://localhost:${port}/?error=invalid_request&error_description=${encodeURIComponent('bad\x1b[31m\nred<script>')}&state=${encodeURIComponent(state)}`,
    )
    expect(page.text).toContain('&lt;script&gt;')
    const r = await run.done
    expect(r.code).toBe(1)
    expect(r.stderr).not.toContain('\x1b')
    expect(lastLine(r.stderr)).toMatch(
      /Bitbucket refused the authorization \(error=invalid_request: bad \[31m red<script>\)\. Check the consumer's Key/,
    )
  })

  test('timeout: no callback within --timeout seconds', async () => {
    const { BITBUCKET_CLIENT_SECRET: secret, ...idOnly } = env
    const r = await runLogin(args('--timeout', '1', '--client-secret', secret!), idOnly).done
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(lastLine(r.stderr)).toMatch(
      /^bitbucket-oauth login: No answer from the browser within 1 s, so no token was issued\./,
    )
    expect(r.stderr).toMatch(/Warning: --client-secret on the command line is visible to other processes/)
    expect(r.stderr).not.toContain(secret)
    // The port is free again.
    await new Promise<void>((resolve, reject) => {
      const s = net
        .createServer()
        .once('error', reject)
        .listen(port, '127.0.0.1', () => s.close(() => resolve()))
    })
  })

  test.each(['127.0.0.1', '::1'])('port in use (on %s): stops before printing a URL', async (host) => {
    const blocker = net.createServer()
    const listening = await new Promise<boolean>((resolve) => {
      blocker.once('error', () => resolve(false))
      blocker.listen(port, host, () => resolve(true))
    })
    if (!listening) return // no IPv6 loopback here: nothing to block
    try {
      const r = await runLogin(args(), env).done
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).not.toMatch(/authorize\?/)
      expect(lastLine(r.stderr)).toBe(
        `bitbucket-oauth login: Port ${port} is already in use (${host === '::1' ? `[::1]:${port}` : `127.0.0.1:${port}`}), so the callback http://localhost:${port}/ cannot be received: stop the program that holds it (another login still running?), or pass --port N and set the consumer's callback URL to http://localhost:N.`,
      )
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })

  test('failed exchange: a wrong consumer secret', async () => {
    const wrong = 'wrong-secret-0123456789abcdef'
    const run = runLogin(args(), { ...env, BITBUCKET_CLIENT_SECRET: wrong })
    const page = await get(await consent(await run.authorizeUrl, 'grant'))
    expect(page.status).toBe(502)
    expect(page.text).toMatch(/Bitbucket login failed/)
    expect(page.text).toMatch(/refused the OAuth consumer/)
    const r = await run.done
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(lastLine(r.stderr)).toMatch(
      /^bitbucket-oauth login: Bitbucket refused the OAuth consumer \(unauthorized_client: Invalid OAuth client credentials\)/,
    )
    expect(lastLine(r.stderr)).toMatch(
      /Check --client-id and --client-secret \(BITBUCKET_CLIENT_ID, BITBUCKET_CLIENT_SECRET\)/,
    )
    expect(page.text).toMatch(/Check --client-id and --client-secret/)
    expect(r.stderr).not.toContain(wrong)
    expect(tokenRequests(fx.emu.router.requests)).toHaveLength(1)
  })

  test('failed exchange: the token endpoint keeps failing', async () => {
    fx.emu.faults.add({ kind: 'status', status: 503, path: '/site/oauth2/access_token', times: Infinity })
    const run = runLogin(args(), { ...env, BITBUCKET_OAUTH_RETRY_BASE_MS: '20' })
    const page = await get(await consent(await run.authorizeUrl, 'grant'))
    expect(page.status).toBe(502)
    const r = await run.done
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(lastLine(r.stderr)).toMatch(
      /^bitbucket-oauth login: The Bitbucket token endpoint answered HTTP 503 .*run bitbucket-oauth login again later\.$/,
    )
    expect(tokenRequests(fx.emu.router.requests).length).toBeGreaterThan(1)
  })

  test('failed exchange: the code expired before it came back', async () => {
    const run = runLogin(args(), env)
    const callback = await consent(await run.authorizeUrl, 'grant')
    fx.emu.state.advance(61_000)
    expect((await get(callback)).status).toBe(502)
    const r = await run.done
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(lastLine(r.stderr)).toMatch(
      /^bitbucket-oauth login: Bitbucket refused the authorization code \(invalid_grant: Authorization code expired\)/,
    )
  })

  test('requests with a foreign Host header are refused (no DNS rebinding) and do not end the login', async () => {
    const run = runLogin(args('--timeout', '2'), env)
    await run.authorizeUrl
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port, path: '/?code=x&state=y', headers: { host: `attacker.example:${port}` } },
          (res) => {
            res.resume()
            resolve(res.statusCode!)
          },
        )
        .on('error', reject)
    })
    expect(status).toBe(400)
    const r = await run.done
    expect(lastLine(r.stderr)).toMatch(/No answer from the browser within 2 s/)
  })
})

describe('login: usage', () => {
  test('--help explains the options on stdout', async () => {
    const r = await runLogin(['--help']).done
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    for (const option of [
      '--client-id',
      '--client-secret',
      '--bitbucket-url',
      '--port',
      '--no-open',
      '--timeout',
      '--secret',
      '--repo',
      '--environment',
      '--organization',
      '--store-consumer',
      '--client-id-secret',
      '--client-secret-secret',
    ]) {
      expect(r.stdout).toContain(option)
    }
    expect(r.stdout).toMatch(/BITBUCKET_CLIENT_SECRET/)
    expect(r.stdout).toMatch(/Prefer the\s+prompt or the environment variable/)
    expect(r.stdout).toMatch(/login --secret BITBUCKET_REFRESH_TOKEN --store-consumer/)
    expect(r.stdout).toMatch(/gh secret set BITBUCKET_REFRESH_TOKEN/)
    expect(r.stdout).toMatch(/http:\/\/localhost:8976/)
  })

  test.each([
    [
      [],
      {},
      /No OAuth consumer Key and Secret, and no terminal to ask for them on: set BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET \(or pass --client-id and --client-secret\)/,
    ],
    [
      [],
      { BITBUCKET_CLIENT_ID: 'k' },
      /No OAuth consumer Secret, and no terminal to ask for it on: set BITBUCKET_CLIENT_SECRET \(or pass --client-secret\)/,
    ],
    [['--store-consumer'], null, /Option --store-consumer only goes with --secret NAME/],
    [['--secret', 'X', '--store-consumer', '--client-id-secret', 'x'], null, /three different secret names/],
    [['--bitbucket-url', 'http://bitbucket.example'], null, /Refusing plain http:\/\/ for option --bitbucket-url/],
    [['--port', '70000'], null, /Option --port must be a whole number from 1 to 65535, got "70000"/],
    [['--timeout', 'soon'], null, /Option --timeout must be a number/],
    [['--frobnicate'], null, /Unknown option '--frobnicate'/],
    [['--repo', 'a/b'], null, /Option --repo only goes with --secret NAME/],
    [['--secret', 'GITHUB_X'], null, /Option --secret "GITHUB_X" is not a valid GitHub secret name/],
    [['--secret', 'X', '--environment', 'e', '--organization', 'o'], null, /exclude each other/],
  ] as const)('usage error %j: exit 2, one line', async (argv, extraEnv, message) => {
    const r = await runLogin(
      [...argv],
      extraEnv ?? { BITBUCKET_CLIENT_ID: 'k', BITBUCKET_CLIENT_SECRET: 's3cr3t-value' },
    ).done
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).toMatch(/Run `bitbucket-oauth login --help`/)
  })

  test('unknown command: exit 2 with the list of commands', async () => {
    const { spawnSync } = await import('node:child_process')
    const { CLI } = await import('../helpers/login.ts')
    const r = spawnSync(process.execPath, [CLI, 'logon'], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/unknown command "logon"[\s\S]*login/)
  })
})
