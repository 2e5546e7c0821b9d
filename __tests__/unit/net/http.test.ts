import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { MockAgent } from 'undici'
import { ACTION_WORDING as wording } from '../../../src/action/wording.ts'
import { HttpError } from '../../../src/net/errors.ts'
import { HttpClient, MAX_TEXT_BYTES } from '../../../src/net/http.ts'
import { proxyFromEnv } from '../../../src/net/proxy.ts'
import { tuningFromEnv } from '../../../src/net/tuning.ts'
import { ActionError } from '../../../src/shared/errors.ts'

const ORIGIN = 'https://bitbucket.test'
let agent: MockAgent
let sleeps: number[]

function client(overrides: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  return new HttpClient({
    wording,
    dispatcher: agent,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...overrides,
  })
}
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
const reset = () => Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })

beforeEach(() => {
  agent = new MockAgent()
  agent.disableNetConnect()
  sleeps = []
})
afterEach(async () => {
  await agent.close()
})

describe('retries', () => {
  test('503, 503, then 200: three attempts with growing backoff', async () => {
    const pool = agent.get(ORIGIN)
    pool.intercept({ path: '/x' }).reply(503, 'busy').times(2)
    pool.intercept({ path: '/x' }).reply(200, 'ok')
    const { response, text } = await client().text(`${ORIGIN}/x`, { what: 'test' })
    expect(response.status).toBe(200)
    expect(response.attempts).toBe(3)
    expect(text).toBe('ok')
    expect(sleeps).toEqual([750, 1500])
  })

  test('Retry-After in seconds is honoured instead of the backoff', async () => {
    const pool = agent.get(ORIGIN)
    pool.intercept({ path: '/x' }).reply(429, '', { headers: { 'retry-after': '3' } })
    pool.intercept({ path: '/x' }).reply(200, 'ok')
    await client().text(`${ORIGIN}/x`, { what: 'test' })
    expect(sleeps).toEqual([3000])
  })

  test('a Retry-After longer than the cap ends the retries with a message', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/x' })
      .reply(429, '', { headers: { 'retry-after': '3600' } })
    await expect(client().request(`${ORIGIN}/x`, { what: 'the thing' })).rejects.toThrow(
      /the thing answered HTTP 429 and asked to retry after 3600 s/,
    )
    expect(sleeps).toEqual([])
  })

  test('a persistent 500 is returned after the last attempt', async () => {
    agent.get(ORIGIN).intercept({ path: '/x' }).reply(500, 'no').times(4)
    const res = await client().request(`${ORIGIN}/x`, { what: 'test' })
    expect(res.status).toBe(500)
    expect(res.attempts).toBe(4)
    expect(sleeps).toHaveLength(3)
  })

  test('no retry on other 4xx', async () => {
    agent.get(ORIGIN).intercept({ path: '/x' }).reply(404, 'nope')
    const res = await client().request(`${ORIGIN}/x`, { what: 'test' })
    expect(res.status).toBe(404)
    expect(sleeps).toEqual([])
  })

  test('a POST is retried after a refused connection (never processed)', async () => {
    const pool = agent.get(ORIGIN)
    pool.intercept({ path: '/t', method: 'POST' }).replyWithError(refused())
    pool.intercept({ path: '/t', method: 'POST' }).reply(200, '{}')
    const res = await client().request(`${ORIGIN}/t`, { what: 'test', method: 'POST', body: 'a=b' })
    expect(res.status).toBe(200)
  })

  test('a POST is not retried after a reset (it may have been processed)', async () => {
    agent.get(ORIGIN).intercept({ path: '/t', method: 'POST' }).replyWithError(reset())
    const err = await client()
      .request(`${ORIGIN}/t`, { what: 'the token endpoint', method: 'POST', body: 'a=b' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HttpError)
    expect((err as Error).message).toMatch(
      /Could not reach the token endpoint at https:\/\/bitbucket.test: the connection was reset \(not retried/,
    )
    expect(sleeps).toEqual([])
  })

  test('a GET is retried after a reset', async () => {
    const pool = agent.get(ORIGIN)
    pool.intercept({ path: '/x' }).replyWithError(reset())
    pool.intercept({ path: '/x' }).reply(200, 'ok')
    expect((await client().request(`${ORIGIN}/x`, { what: 'test' })).status).toBe(200)
  })

  test('network failures end after the configured attempts, naming them', async () => {
    agent.get(ORIGIN).intercept({ path: '/x' }).replyWithError(refused()).times(4)
    await expect(client().request(`${ORIGIN}/x`, { what: 'test' })).rejects.toThrow(
      /connection refused after 4 attempts/,
    )
  })

  test('the deadline stops a slow answer', async () => {
    agent.get(ORIGIN).intercept({ path: '/x' }).reply(200, 'late').delay(500)
    const c = client({ timeouts: { deadlineMs: 100 } })
    await expect(c.request(`${ORIGIN}/x`, { what: 'test' })).rejects.toThrow(/no answer within the 0.1 s deadline/)
  })

  test('the wait before a retry never passes the deadline', async () => {
    agent.get(ORIGIN).intercept({ path: '/x' }).reply(503, '').times(4)
    let now = 0
    const c = client({ now: () => now, sleep: async (ms) => void (now += ms), timeouts: { deadlineMs: 1000 } })
    await expect(c.request(`${ORIGIN}/x`, { what: 'test' })).rejects.toThrow(/kept answering HTTP 503/)
  })
})

describe('wording', () => {
  const cli = { network: 'the network', retryAdvice: 'run bitbucket-oauth login again' }
  test("the action's advice ends a network failure", async () => {
    agent.get(ORIGIN).intercept({ path: '/x' }).replyWithError(refused()).times(4)
    await expect(client().request(`${ORIGIN}/x`, { what: 'test' })).rejects.toThrow(
      /connection refused after 4 attempts\. Check the URL, the runner's network and any HTTPS_PROXY setting, then re-run the job\.$/,
    )
  })
  test("the caller's advice replaces it", async () => {
    agent.get(ORIGIN).intercept({ path: '/x' }).replyWithError(refused()).times(4)
    await expect(client({ wording: cli }).request(`${ORIGIN}/x`, { what: 'test' })).rejects.toThrow(
      /connection refused after 4 attempts\. Check the URL, the network and any HTTPS_PROXY setting, then run bitbucket-oauth login again\.$/,
    )
    agent
      .get(ORIGIN)
      .intercept({ path: '/y' })
      .reply(429, '', { headers: { 'retry-after': '3600' } })
    await expect(client({ wording: cli }).request(`${ORIGIN}/y`, { what: 'test' })).rejects.toThrow(
      /this action waits\. Run bitbucket-oauth login again later\.$/,
    )
    agent.get(ORIGIN).intercept({ path: '/z' }).reply(503, '').times(4)
    let now = 0
    const c = client({
      wording: cli,
      now: () => now,
      sleep: async (ms) => void (now += ms),
      timeouts: { deadlineMs: 1000 },
    })
    await expect(c.request(`${ORIGIN}/z`, { what: 'test' })).rejects.toThrow(
      /the service may be degraded; run bitbucket-oauth login again later\.$/,
    )
  })
})

describe('what is sent', () => {
  test('headers, method and body reach the server', async () => {
    let seen: { headers: Record<string, string>; body: string } | undefined
    agent
      .get(ORIGIN)
      .intercept({ path: '/t', method: 'POST' })
      .reply((opts) => {
        seen = { headers: opts.headers as Record<string, string>, body: String(opts.body) }
        return { statusCode: 200, data: '{}' }
      })
    await client().request(`${ORIGIN}/t`, {
      what: 'test',
      method: 'POST',
      authorization: 'Basic abc',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token',
    })
    expect(seen?.headers.authorization).toBe('Basic abc')
    expect(seen?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(seen?.headers['user-agent']).toBe('bitbucket-oauth-action')
    expect(seen?.body).toBe('grant_type=refresh_token')
  })
})

describe('redirects', () => {
  test('credentials are kept on the same origin and dropped on another', async () => {
    const auth: (string | undefined)[] = []
    const record = (next?: string) => (opts: { headers?: unknown }) => {
      auth.push((opts.headers as Record<string, string>).authorization)
      return next
        ? { statusCode: 302, data: '', responseOptions: { headers: { location: next } } }
        : { statusCode: 200, data: 'file' }
    }
    agent.get(ORIGIN).intercept({ path: '/a' }).reply(record('/b'))
    agent.get(ORIGIN).intercept({ path: '/b' }).reply(record('https://cdn.test/signed?sig=1'))
    agent.get('https://cdn.test').intercept({ path: '/signed?sig=1' }).reply(record())
    const res = await client().request(`${ORIGIN}/a`, { what: 'test', authorization: 'Bearer T' })
    expect(res.status).toBe(200)
    expect(res.url.href).toBe('https://cdn.test/signed?sig=1')
    expect(auth).toEqual(['Bearer T', 'Bearer T', undefined])
  })

  test('a redirect to plain http on another host is refused', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/a' })
      .reply(302, '', { headers: { location: 'http://evil.test/x' } })
    await expect(client().request(`${ORIGIN}/a`, { what: 'the archive' })).rejects.toThrow(
      /Refusing plain http:\/\/ for the archive \(evil.test\)/,
    )
  })

  test('POST does not follow redirects by default', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/t', method: 'POST' })
      .reply(302, '', { headers: { location: '/login' } })
    const res = await client().request(`${ORIGIN}/t`, { what: 'test', method: 'POST' })
    expect(res.status).toBe(302)
  })

  test('a redirect loop ends after five hops', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/loop' })
      .reply(302, '', { headers: { location: '/loop' } })
      .times(6)
    const res = await client().request(`${ORIGIN}/loop`, { what: 'test' })
    expect(res.status).toBe(302)
  })
})

describe('reading a body', () => {
  async function server(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
    const srv = http.createServer(handler)
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
    return {
      url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
      close: () => new Promise((resolve) => (srv.closeAllConnections(), srv.close(() => resolve()))),
    }
  }

  test('a body that trickles in past the deadline is cut off', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      // 300 bytes every 50 ms: fast enough for the throughput rule, but never done.
      const timer = setInterval(() => res.write(' '.repeat(300)), 50)
      res.on('close', () => clearInterval(timer))
    })
    const c = new HttpClient({ wording, timeouts: { deadlineMs: 300, bodyMs: 200 } })
    try {
      const started = Date.now()
      await expect(c.text(`${s.url}/slow`, { what: 'the slow thing' })).rejects.toThrow(
        /the slow thing \(127\.0\.0\.1:\d+\) answered HTTP 200 but the body could not be read: it did not arrive within 0\.\d s/,
      )
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      await c.close()
      await s.close()
    }
  })

  test('a POST whose body stalls after the headers is not replayed', async () => {
    let calls = 0
    const s = await server((_req, res) => {
      calls++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"access_token":')
    })
    const c = new HttpClient({ wording, timeouts: { bodyMs: 200, deadlineMs: 300 }, retry: { baseDelayMs: 1 } })
    try {
      const err = await c
        .text(`${s.url}/token`, { what: 'the token endpoint', method: 'POST', body: 'grant_type=refresh_token' })
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(HttpError)
      expect(err).toMatchObject({ status: 200, phase: 'body' })
      expect((err as Error).message).toMatch(/the token endpoint \(127\.0\.0\.1:\d+\) answered HTTP 200 but the body/)
      expect(calls).toBe(1)
    } finally {
      await c.close()
      await s.close()
    }
  })

  test('an idempotent request whose body is cut short is tried again; a POST is not', async () => {
    let calls = 0
    const s = await server((req, res) => {
      calls++
      res.writeHead(200, { 'content-length': '10' })
      if (calls === 1 || req.method === 'POST') {
        res.write('{"a"')
        setTimeout(() => res.destroy(), 10)
      } else res.end('{"a":true}')
    })
    const c = new HttpClient({ wording, retry: { baseDelayMs: 1 } })
    try {
      expect((await c.text(`${s.url}/x`, { what: 'x' })).text).toBe('{"a":true}')
      expect(calls).toBe(2)
      const err = await c.text(`${s.url}/x`, { what: 'x', method: 'POST' }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(HttpError)
      expect((err as HttpError).phase).toBe('body')
      expect(calls).toBe(3)
    } finally {
      await c.close()
      await s.close()
    }
  })

  test('a drip that is never silent for a whole body timeout fails on throughput: a POST once, a GET retried', async () => {
    let calls = 0
    const s = await server((_req, res) => {
      calls++
      res.writeHead(200, { 'content-type': 'application/json' })
      // One byte every 150 ms: the 200 ms silence timeout never fires.
      const timer = setInterval(() => res.write(' '), 150)
      res.on('close', () => clearInterval(timer))
    })
    const c = new HttpClient({ wording, timeouts: { bodyMs: 200, deadlineMs: 10_000 }, retry: { baseDelayMs: 1 } })
    try {
      const started = Date.now()
      const post = await c
        .text(`${s.url}/token`, { what: 'the token endpoint', method: 'POST' })
        .catch((e: unknown) => e)
      expect(post).toBeInstanceOf(HttpError)
      expect((post as Error).message).toMatch(
        /^the token endpoint \(127\.0\.0\.1:\d+\) answered HTTP 200 but the body could not be read: the answer came too slowly: [1-2] bytes? in 0\.2 s \(at least 205 expected\)\.$/,
      )
      expect(calls).toBe(1)
      expect(Date.now() - started).toBeLessThan(2000)
      const get = await c.text(`${s.url}/x`, { what: 'x' }).catch((e: unknown) => e)
      expect((get as HttpError).phase).toBe('body')
      expect(calls).toBe(1 + 4)
    } finally {
      await c.close()
      await s.close()
    }
  })
})

describe('bounded bodies', () => {
  async function serve(body: (res: http.ServerResponse) => void) {
    let calls = 0
    const srv = http.createServer((_req, res) => {
      calls++
      body(res)
    })
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
    return {
      url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
      calls: () => calls,
      close: () => new Promise<void>((resolve) => (srv.closeAllConnections(), srv.close(() => resolve()))),
    }
  }

  test('a JSON answer of exactly 1 MiB is read', async () => {
    const s = await serve((res) => res.end('x'.repeat(MAX_TEXT_BYTES)))
    const c = new HttpClient({ wording })
    try {
      expect((await c.text(`${s.url}/x`, { what: 'x' })).text).toHaveLength(1024 * 1024)
    } finally {
      await c.close()
      await s.close()
    }
  })

  test.each([
    ['chunked, no length', false],
    ['with a content-length', true],
  ])('one byte more (%s) is refused at once, never retried', async (_name, withLength) => {
    const size = MAX_TEXT_BYTES + 1
    const s = await serve((res) => {
      res.writeHead(200, withLength ? { 'content-length': String(size) } : {})
      res.end(Buffer.alloc(size, 'x'))
    })
    const c = new HttpClient({ wording, retry: { baseDelayMs: 1 } })
    try {
      const err = await c.text(`${s.url}/big`, { what: 'the REST API' }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(HttpError)
      expect(err).toMatchObject({ status: 200, phase: 'body', code: 'BODY_TOO_LARGE' })
      expect((err as Error).message).toMatch(
        /^the REST API \(127\.0\.0\.1:\d+\) answered HTTP 200 with more than 1 MiB, far more than such an answer holds: .* Check the URL, the runner's network and any HTTPS_PROXY setting, then re-run the job\.$/,
      )
      expect(s.calls()).toBe(1)
    } finally {
      await c.close()
      await s.close()
    }
  })

  test('an endless JSON answer is cut off after 1 MiB, not read to its end', async () => {
    let sent = 0
    const s = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      const chunk = Buffer.alloc(64 * 1024, ' ')
      const pump = () => {
        while (!res.destroyed && sent < 64 * 1024 * 1024) {
          sent += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
      }
      pump()
    })
    const c = new HttpClient({ wording })
    try {
      await expect(c.text(`${s.url}/endless`, { what: 'x' })).rejects.toThrow(/more than 1 MiB/)
      expect(sent).toBeLessThan(16 * 1024 * 1024)
    } finally {
      await c.close()
      await s.close()
    }
  })
})

describe('proxy variables', () => {
  test.each([
    ['HTTPS_PROXY', 'http://user:p#ss@proxy.example:3128'],
    ['https_proxy', 'user:s3cr3t-pw@proxy.example:3128'],
    ['HTTP_PROXY', 'proxy.example:3128'],
  ])('a malformed %s fails every request with one clear error that shows no password', async (name, value) => {
    const settings = tuningFromEnv({ [name]: value })
    const c = new HttpClient({ wording, ...settings })
    try {
      const err = await c.request('https://bitbucket.org/x', { what: 'x' }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ActionError)
      const message = (err as Error).message
      expect(message).toBe(
        `The proxy variable ${name} is not a valid URL (its value is not shown: it may hold a password). Write it as http://[user:password@]host:port, with reserved characters of the user name and password percent-encoded (# as %23, @ as %40, : as %3A, / as %2F), or unset it.`,
      )
      expect((err as Error).cause).toBeUndefined()
      for (const part of ['p#ss', 's3cr3t', 'proxy.example']) expect(message).not.toContain(part)
      // Not only requests through the proxy: the settings are wrong, so nothing is tried.
      await expect(c.text('http://127.0.0.1:9/x', { what: 'x' })).rejects.toThrow(/proxy variable/)
    } finally {
      await c.close()
    }
  })

  test('a SOCKS proxy is named as unsupported; the lower-case variable wins, as in curl', async () => {
    const c = new HttpClient({
      wording,
      ...tuningFromEnv({ https_proxy: 'socks5://u:pw@h:1080', HTTPS_PROXY: 'http://fine:3128' }),
    })
    try {
      await expect(c.request('https://bitbucket.org/', { what: 'x' })).rejects.toThrow(
        /^The proxy variable https_proxy names a socks5:\/\/ proxy; only http:\/\/ and https:\/\/ proxies are supported\./,
      )
    } finally {
      await c.close()
    }
  })

  test('percent-encoded credentials are a valid proxy URL', () => {
    expect(proxyFromEnv({ HTTPS_PROXY: 'http://user:p%23ss@proxy:3128', NO_PROXY: 'internal' })).toEqual({
      httpsProxy: 'http://user:p%23ss@proxy:3128',
      httpProxy: '',
      noProxy: 'internal',
    })
    expect(proxyFromEnv({})).toEqual({ httpsProxy: '', httpProxy: '', noProxy: '' })
  })
})

describe('largeGet: a large body through one reused buffer', () => {
  /** Two loopback origins: an API that redirects to a storage host, which records what it was sent. */
  async function twoOrigins(storage: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void) {
    const seen: http.IncomingHttpHeaders[] = []
    const apiSeen: http.IncomingHttpHeaders[] = []
    const store = http.createServer((req, res) => storage(req, res, seen.push(req.headers)))
    await new Promise<void>((resolve) => store.listen(0, '127.0.0.2', resolve))
    const storeUrl = `http://127.0.0.2:${(store.address() as AddressInfo).port}`
    const api = http.createServer((req, res) => {
      apiSeen.push(req.headers)
      res.writeHead(302, { location: `${storeUrl}/blob?sig=${apiSeen.length}` }).end()
    })
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve))
    const apiUrl = new URL(`http://127.0.0.1:${(api.address() as AddressInfo).port}/file`)
    const close = () => Promise.all([store, api].map((s) => new Promise((resolve) => s.close(resolve))))
    return { apiUrl, seen, apiSeen, close }
  }
  const direct = () => new HttpClient({ wording, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 })
  const read = async (r: { consume(f: (c: Buffer) => void): Promise<void> }) => {
    let body = ''
    await r.consume((c) => (body += c.toString()))
    return body
  }

  test('the token goes to the API only; the storage host gets the other headers', async () => {
    const o = await twoOrigins((_req, res) => res.writeHead(200, { 'content-length': 4 }).end('data'))
    try {
      const r = await direct().largeGet(o.apiUrl, {
        what: 'a file',
        authorization: 'Bearer t0k',
        headers: { range: 'bytes=0-' },
      })
      expect([r.status, await read(r)]).toEqual([200, 'data'])
      expect(o.apiSeen[0]!.authorization).toBe('Bearer t0k')
      expect(o.seen[0]!.authorization).toBeUndefined()
      expect(o.seen[0]!.range).toBe('bytes=0-')
    } finally {
      await o.close()
    }
  })

  test('a 503 from the storage host starts over at the API (a fresh signed URL), with the backoff', async () => {
    const o = await twoOrigins((req, res, n) =>
      n < 3
        ? res.writeHead(503).end('busy')
        : res.writeHead(200, { 'content-length': 2 }).end(req.url!.slice(-1) + '!'),
    )
    try {
      const r = await direct().largeGet(o.apiUrl, { what: 'a file', authorization: 'Bearer t0k' })
      expect([r.attempts, await read(r), o.apiSeen.length]).toEqual([3, '3!', 3])
      expect(sleeps).toEqual([750, 1500])
    } finally {
      await o.close()
    }
  })

  test('a chunked answer is read; one in another transfer coding is asked again through undici', async () => {
    const o = await twoOrigins((_req, res, n) => {
      if (n === 1) return res.writeHead(200).end('chunked body') // Node frames it chunked
      res.writeHead(200, { 'transfer-encoding': 'identity, chunked' }).end('again')
    })
    try {
      expect(await read(await direct().largeGet(o.apiUrl, { what: 'a file' }))).toBe('chunked body')
      expect(await read(await direct().largeGet(o.apiUrl, { what: 'a file' }))).toBe('again')
      expect(o.seen).toHaveLength(3)
    } finally {
      await o.close()
    }
  })

  test('with an injected dispatcher (or a proxy) it is an ordinary undici request', async () => {
    agent.get(ORIGIN).intercept({ path: '/big' }).reply(200, 'mocked')
    const r = await client().largeGet(new URL(`${ORIGIN}/big`), { what: 'a file' })
    expect(await read(r)).toBe('mocked')
  })
})
