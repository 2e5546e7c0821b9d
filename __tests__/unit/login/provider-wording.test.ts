/**
 * The login's messages where the fix is in the provider's settings: on Data
 * Center they name the incoming application link, its redirect URL and its
 * scopes; on Cloud they stay exactly as they were (the OAuth consumer).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tokenError } from '../../../src/bitbucket/oauth.ts'
import { CLOUD } from '../../../src/bitbucket/cloud/provider.ts'
import { DATACENTER } from '../../../src/bitbucket/datacenter/provider.ts'
import type { Provider } from '../../../src/bitbucket/provider.ts'
import { missingConsumerError } from '../../../src/login/args.ts'
import { startCallbackServer, type CallbackServer } from '../../../src/login/callback-server.ts'
import { loginCommand } from '../../../src/login/command.ts'
import { checkCallback, login, type LoginDeps, type LoginRequest } from '../../../src/login/flow.ts'
import { CLI_WORDING } from '../../../src/login/wording.ts'
import { HttpClient } from '../../../src/net/http.ts'
import { Masker } from '../../../src/shared/mask.ts'
import { EventEmitter } from 'node:events'
import { freePort } from '../../helpers/login.ts'

/** What no Data Center message may say: Cloud's settings and site. */
const CLOUD_WORDS = /consumer|bitbucket\.org|`repository`|Workspace settings|Invalid redirect_uri/i

const q = (s: string) => new URLSearchParams(s)
const message = (fn: () => unknown): string => {
  try {
    fn()
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('no error thrown')
}

describe('checkCallback: an error in the redirect', () => {
  test('invalid_scope on Cloud: unchanged, the OAuth consumer', () => {
    expect(message(() => checkCallback(q('error=invalid_scope&state=S1'), 'S1', 8976, CLOUD))).toBe(
      'Bitbucket refused the authorization (error=invalid_scope). Tick the permissions the workflow needs on the OAuth consumer, then run the login again.',
    )
  })

  test('invalid_scope on Data Center: the incoming application link and its scopes', () => {
    const m = message(() =>
      checkCallback(q('error=invalid_scope&error_description=nope&state=S1'), 'S1', 8976, DATACENTER),
    )
    expect(m).toBe(
      'Bitbucket Data Center refused the authorization (error=invalid_scope: nope). Allow the permissions the workflow needs on the incoming application link (Administration › Application links; scopes `REPO_READ`/`REPO_WRITE`) and check that its user has access, then run the login again.',
    )
    expect(m).not.toMatch(CLOUD_WORDS)
  })

  test('another refusal on Cloud: unchanged, the consumer Key and its callback URL', () => {
    expect(message(() => checkCallback(q('error=unauthorized_client&state=S1'), 'S1', 8976, CLOUD))).toBe(
      "Bitbucket refused the authorization (error=unauthorized_client). Check the consumer's Key (--client-id) and that its callback URL is http://localhost:8976, then run the login again.",
    )
  })

  test('another refusal on Data Center: the client ID of the application link and its redirect URL', () => {
    const m = message(() => checkCallback(q('error=unauthorized_client&state=S1'), 'S1', 8123, DATACENTER))
    expect(m).toBe(
      'Bitbucket Data Center refused the authorization (error=unauthorized_client). Check the client ID of the incoming application link (--client-id) and that its redirect URL is http://localhost:8123, then run the login again.',
    )
    expect(m).not.toMatch(CLOUD_WORDS)
  })

  test('temporarily unavailable names the product', () => {
    expect(message(() => checkCallback(q('error=server_error&state=S1'), 'S1', 1, DATACENTER))).toMatch(
      /^Bitbucket Data Center could not authorize now/,
    )
    expect(message(() => checkCallback(q('error=server_error&state=S1'), 'S1', 1, CLOUD))).toMatch(
      /^Bitbucket could not authorize now/,
    )
  })
})

describe('tokenError: a refused authorization code', () => {
  const refusal = { status: 400, json: { error: 'invalid_grant' }, contentType: 'application/json' }
  test('Cloud: unchanged', () => {
    expect(tokenError({ ...refusal, grant: 'authorization_code' }, CLI_WORDING, CLOUD).message).toBe(
      "Bitbucket refused the authorization code (invalid_grant). Codes are single-use and short-lived, and the redirect URI must match the consumer's callback URL; run the login again.",
    )
  })
  test('Data Center: the redirect URL of the incoming application link', () => {
    const m = tokenError({ ...refusal, grant: 'authorization_code' }, CLI_WORDING, DATACENTER).message
    expect(m).toBe(
      'Bitbucket Data Center refused the authorization code (invalid_grant). Codes are single-use and short-lived, and the redirect URI must match the redirect URL of the incoming application link (Administration › Application links); run the login again.',
    )
    expect(m).not.toMatch(CLOUD_WORDS)
  })
})

describe('the callback server: a port in use', () => {
  let held: CallbackServer | undefined
  afterAll(async () => held?.close())
  test.each([
    ['Cloud (the default)', undefined, "set the consumer's callback URL to http://localhost:N."],
    [
      'Data Center',
      DATACENTER.wording.login.callbackUrl,
      'set the redirect URL of the incoming application link (Administration › Application links) to http://localhost:N.',
    ],
  ])('%s', async (_name, callbackUrl, fix) => {
    const port = await freePort()
    held = await startCallbackServer(port, { state: 'S', ignored: () => {} })
    const err = await startCallbackServer(port, { state: 'S', ignored: () => {}, callbackUrl }).catch((e) => e)
    await held.close()
    held = undefined
    expect((err as Error).message).toContain(`or pass --port N and ${fix}`)
    if (callbackUrl) expect((err as Error).message).not.toMatch(CLOUD_WORDS)
  })
})

describe('login(): the timeout and an exchange without a refresh token', () => {
  /** A token endpoint that answers with an access token only. */
  let endpoint: http.Server
  let tokenUrl: string
  let client: HttpClient
  beforeAll(async () => {
    endpoint = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ access_token: 'a-token', token_type: 'bearer', expires_in: 3600 }))
      })
    })
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve))
    tokenUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`
    client = new HttpClient({ wording: CLI_WORDING })
  })
  afterAll(async () => {
    await client.close()
    await new Promise((resolve) => endpoint.close(resolve))
  })

  /** Runs the login with a callback that brings `params` (or none: the wait times out); resolves with its error. */
  async function fail(provider: Provider, params: string | undefined): Promise<{ message: string; options: unknown }> {
    let options: unknown
    const req: LoginRequest = {
      clientId: 'id',
      clientSecret: 'secret',
      provider: { ...provider, tokenUrl: () => new URL(tokenUrl) },
      bitbucketUrl: new URL(tokenUrl),
      port: 8976,
      open: false,
      timeoutMs: 1,
      secret: undefined,
    }
    const deps: LoginDeps = {
      http: client,
      masker: new Masker(() => {}),
      info: () => {},
      output: () => {},
      outputIsTerminal: false,
      openBrowser: () => {},
      startCallbackServer: async (port, o) => {
        options = o
        return {
          port,
          redirectUri: `http://localhost:${port}/`,
          addresses: ['127.0.0.1'],
          wait: async () => (params === undefined ? undefined : { params: q(params), respond: async () => {} }),
          close: async () => {},
        }
      },
      saveSecret: async () => {},
      debug: () => {},
      createState: () => 'S1',
    }
    const err = await login(req, deps).then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    )
    return { message: err.message, options }
  }

  test('the timeout on Cloud: unchanged', async () => {
    const { message, options } = await fail(CLOUD, undefined)
    expect(message).toBe(
      `No answer from the browser within 0 s, so no token was issued. Open the printed URL and click "Grant access" in time (or raise --timeout); if Bitbucket showed "Invalid redirect_uri", set the consumer's callback URL to http://localhost:8976.`,
    )
    expect(options).toMatchObject({ callbackUrl: "the consumer's callback URL" })
  })

  test('the timeout on Data Center: the redirect URL of the incoming application link', async () => {
    const { message, options } = await fail(DATACENTER, undefined)
    expect(message).toBe(
      'No answer from the browser within 0 s, so no token was issued. Open the printed URL and click "Grant access" in time (or raise --timeout); if Bitbucket Data Center refused the redirect URI, set the redirect URL of the incoming application link (Administration › Application links) to http://localhost:8976.',
    )
    expect(message).not.toMatch(CLOUD_WORDS)
    expect(options).toMatchObject({ callbackUrl: DATACENTER.wording.login.callbackUrl })
  })

  test('no refresh token on Cloud: unchanged', async () => {
    const { message } = await fail(CLOUD, 'code=c&state=S1')
    expect(message).toBe(
      'Bitbucket answered the code exchange without a refresh token, so there is nothing to store. Check that --bitbucket-url is the Bitbucket site root (https://bitbucket.org).',
    )
  })

  test("no refresh token on Data Center: the server's base URL, not bitbucket.org", async () => {
    const { message } = await fail(DATACENTER, 'code=c&state=S1')
    expect(message).toBe(
      "Bitbucket Data Center answered the code exchange without a refresh token, so there is nothing to store. Check that --bitbucket-url is the server's base URL with its context path (e.g. https://git.example.com/bitbucket).",
    )
    expect(message).not.toMatch(CLOUD_WORDS)
  })
})

describe('the client credentials: missing without a terminal, and the prompt', () => {
  const none = { clientId: '', clientSecret: '' }
  test('Cloud: unchanged', () => {
    expect(missingConsumerError(none).message).toBe(
      "No OAuth consumer Key and Secret, and no terminal to ask for them on: set BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET (or pass --client-id and --client-secret) to the consumer's Key and Secret (Bitbucket: Workspace settings > OAuth consumers > click the consumer), or run the command on a terminal. Run `bitbucket-oauth login --help` for the options.",
    )
    expect(missingConsumerError({ clientId: 'k', clientSecret: '' }, CLOUD.wording.login.credentials).message).toBe(
      "No OAuth consumer Secret, and no terminal to ask for it on: set BITBUCKET_CLIENT_SECRET (or pass --client-secret) to the consumer's Secret (Bitbucket: Workspace settings > OAuth consumers > click the consumer), or run the command on a terminal. Run `bitbucket-oauth login --help` for the options.",
    )
  })

  test('Data Center: the client ID and secret of the incoming application link', () => {
    const both = missingConsumerError(none, DATACENTER.wording.login.credentials).message
    expect(both).toBe(
      'No client ID and client secret of an incoming application link, and no terminal to ask for them on: set BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET (or pass --client-id and --client-secret) to the client ID and client secret of the incoming application link (Bitbucket Data Center: Administration › Application links), or run the command on a terminal. Run `bitbucket-oauth login --help` for the options.',
    )
    const id = missingConsumerError({ clientId: '', clientSecret: 's' }, DATACENTER.wording.login.credentials).message
    expect(id).toMatch(
      /^No client ID of an incoming application link, .* set BITBUCKET_CLIENT_ID \(or pass --client-id\) to the client ID of the incoming application link \(/,
    )
    for (const m of [both, id]) expect(m).not.toMatch(CLOUD_WORDS)
  })

  function cli(terminal: { input: EventEmitter; write: (t: string) => void } | undefined) {
    const out = { stdout: '', stderr: '' }
    return {
      out,
      io: {
        env: { PATH: '/nonexistent' },
        cwd: '/',
        platform: 'linux' as const,
        stdout: (t: string) => void (out.stdout += t),
        stderr: (t: string) => void (out.stderr += t),
        stdoutIsTerminal: false,
        terminal: terminal as never,
        saveSecret: async () => {},
      },
    }
  }

  test('the command with --bitbucket-type datacenter and no terminal: the application link, exit 2', async () => {
    const { io, out } = cli(undefined)
    expect(await loginCommand(['--bitbucket-type', 'datacenter'], io)).toBe(2)
    expect(out.stderr).toMatch(/^bitbucket-oauth login: No client ID and client secret of an incoming application link/)
    expect(out.stderr).not.toMatch(CLOUD_WORDS)
  })

  test('the prompt on Data Center asks for the client ID and secret of the application link', async () => {
    const answers = ['typed-id\r', 'typed-secret-value\r']
    const screen: string[] = []
    const input = Object.assign(new EventEmitter(), {
      setRawMode() {},
      resume() {
        const keys = answers.shift()
        if (keys !== undefined) setImmediate(() => input.emit('data', Buffer.from(keys)))
      },
      pause() {},
    })
    const { io } = cli({ input, write: (t) => void screen.push(t) })
    const port = await freePort()
    const argv = ['--bitbucket-type', 'datacenter', '--no-open', '--port', String(port), '--timeout', '0.1']
    await loginCommand([...argv, '--bitbucket-url', 'http://127.0.0.1:9'], io)
    expect(screen.join('')).toBe(
      'The client ID and client secret of the incoming application link (Bitbucket Data Center: Administration › Application links):\n  Client ID: typed-id\n  Client secret (not shown as you type or paste): \n',
    )
  })
})
