import { afterEach, describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { exchange, type ExchangeOptions } from '../../../src/net/large-body.ts'
import { classifyNetworkError } from '../../../src/net/retry.ts'
import { SlowBodyError } from '../../../src/net/throughput.ts'
import { makeCert } from '../../helpers/tls.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const servers: net.Server[] = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/** A raw TCP server: `answer` gets the socket and the request head as it came. */
async function rawServer(answer: (socket: net.Socket, request: string) => unknown): Promise<URL> {
  const server = net.createServer((socket) => {
    let request = ''
    socket.on('data', (d: Buffer) => {
      request += d.toString('latin1')
      if (request.includes('\r\n\r\n')) void answer(socket, request)
    })
    socket.on('error', () => {})
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/file?sig=abc`)
}

function options(url: URL, more: Partial<ExchangeOptions> = {}): ExchangeOptions {
  return { url, headers: {}, connectMs: 2000, headersMs: 2000, bodyMs: 2000, ...more }
}

/** The body through `consume`, with the distinct ArrayBuffers its chunks were views of. */
async function readAll(url: URL, more: Partial<ExchangeOptions> = {}) {
  const r = await exchange(options(url, more))
  const chunks: Buffer[] = []
  const memory = new Set<ArrayBufferLike>()
  await r.consume((chunk) => {
    memory.add(chunk.buffer)
    chunks.push(Buffer.from(chunk))
  })
  return { status: r.status, headers: r.headers, framing: r.framing, body: Buffer.concat(chunks), memory }
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise
  } catch (err) {
    return err as Error & { code?: string }
  }
  throw new Error('expected a failure')
}

describe('exchange: the request', () => {
  test('sends one GET with the given headers, identity encoding and Connection: close', async () => {
    let seen = ''
    const url = await rawServer((socket, request) => {
      seen = request
      socket.end('HTTP/1.1 204 No Content\r\n\r\n')
    })
    const r = await readAll(url, { headers: { range: 'bytes=5-', accept: '*/*' } })
    expect(r.status).toBe(204)
    expect(seen.split('\r\n')).toEqual([
      'GET /file?sig=abc HTTP/1.1',
      `host: ${url.host}`,
      'user-agent: bitbucket-oauth-action',
      'accept-encoding: identity',
      'range: bytes=5-',
      'accept: */*',
      'connection: close',
      '',
      '',
    ])
  })
})

describe('exchange: bodies', () => {
  const body = Buffer.alloc(3 << 20)
  for (let i = 0; i < body.length; i += 4) body.writeUInt32LE(i, i)

  test('a Content-Length body, written in pieces, comes out whole; every chunk is a view of one reused buffer', async () => {
    const url = await rawServer(async (socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nETag: "x"\r\n\r\n`)
      for (let at = 0; at < body.length; at += 256 << 10) {
        socket.write(body.subarray(at, at + (256 << 10)))
        await sleep(1)
      }
      socket.end()
    })
    const r = await readAll(url, { bufferBytes: 64 << 10 })
    expect(r.framing).toBe('length')
    expect(r.headers.etag).toBe('"x"')
    expect(r.body.equals(body)).toBe(true)
    // Body bytes that came with the head are copied once; every other chunk is the one buffer.
    expect(r.memory.size).toBeLessThanOrEqual(2)
  })

  test('the head and the body in one packet; bytes past Content-Length are not body', async () => {
    const url = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello, and more'))
    const r = await readAll(url)
    expect(r.body.toString()).toBe('hello')
  })

  test('a chunked body, and informational answers before the real one', async () => {
    const url = await rawServer(async (socket) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel')
      await sleep(5)
      socket.write('lo\r\n6\r\n world\r\n0\r\n\r\n')
      // The connection stays open: the last chunk ends the body.
    })
    const r = await readAll(url)
    expect([r.status, r.framing, r.body.toString()]).toEqual([200, 'chunked', 'hello world'])
  })

  test('no Content-Length: the body ends with the connection', async () => {
    const url = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\n\r\nall of it'))
    expect((await readAll(url)).body.toString()).toBe('all of it')
  })

  test('another transfer coding is reported, not read', async () => {
    const url = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'))
    const r = await exchange(options(url))
    expect(r.framing).toBe('unsupported')
    r.discard()
  })
})

describe('exchange: failures carry the codes the retry rules know', () => {
  test('a body cut short: TRUNCATED, after the bytes that came', async () => {
    const url = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this'))
    const r = await exchange(options(url))
    let got = ''
    const err = await failure(r.consume((c) => (got += c.toString())))
    expect([got, err.code, err.message]).toEqual(['only this', 'TRUNCATED', 'got 9 of 100 bytes'])
  })

  test('a chunked body cut short: TRUNCATED', async () => {
    const url = await rawServer((socket) =>
      socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'),
    )
    const r = await exchange(options(url))
    expect((await failure(r.consume(() => {}))).code).toBe('TRUNCATED')
  })

  test('closed before any answer: UND_ERR_SOCKET; reset: ECONNRESET', async () => {
    const closed = await rawServer((socket) => socket.end())
    expect((await failure(exchange(options(closed)))).code).toBe('UND_ERR_SOCKET')
    const reset = await rawServer((socket) => socket.resetAndDestroy())
    // Under load the reset may reach the client as a plain end of stream; both are retried alike.
    const code = (await failure(exchange(options(reset)))).code
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(code)
    expect(classifyNetworkError(Object.assign(new Error(), { code }))).toBe('maybe-sent')
  })

  test('nothing listening: ECONNREFUSED', async () => {
    const url = await rawServer(() => {})
    await new Promise((resolve) => servers.pop()!.close(resolve))
    expect((await failure(exchange(options(url)))).code).toBe('ECONNREFUSED')
  })

  test('no head in time: UND_ERR_HEADERS_TIMEOUT', async () => {
    const url = await rawServer(() => {})
    expect((await failure(exchange(options(url, { headersMs: 100 })))).code).toBe('UND_ERR_HEADERS_TIMEOUT')
  })

  test('a body that stalls fails the throughput rule', async () => {
    const url = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nab'))
    const r = await exchange(options(url, { bodyMs: 150 }))
    expect(await failure(r.consume(() => {}))).toBeInstanceOf(SlowBodyError)
  })

  test('a failure of the reader (a full disk) ends the exchange with that error', async () => {
    const url = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'))
    const r = await exchange(options(url))
    const err = await failure(
      r.consume(() => {
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })
      }),
    )
    expect(err.code).toBe('ENOSPC')
  })

  test('a failure between the head and consume is reported by consume', async () => {
    const url = await rawServer(async (socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n')
      await sleep(20)
      socket.resetAndDestroy()
    })
    const r = await exchange(options(url))
    await sleep(200)
    expect((await failure(r.consume(() => {}))).code).toMatch(/ECONNRESET|TRUNCATED/)
  })

  test('not HTTP/1.x: UND_ERR_INVALID_RESPONSE', async () => {
    const url = await rawServer((socket) => socket.end('SSH-2.0-OpenSSH\r\n\r\n'))
    expect((await failure(exchange(options(url)))).code).toBe('UND_ERR_INVALID_RESPONSE')
  })
})

describe('exchange over TLS', () => {
  test('trusts what the process trusts (NODE_EXTRA_CA_CERTS), and refuses an unknown CA', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'large-body-'))
    const cert = makeCert(dir)
    const server = https.createServer({ key: cert.key, cert: cert.cert }, (_req, res) => {
      res.writeHead(200, { 'content-length': 11 })
      res.end('over tls ok')
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `https://localhost:${(server.address() as net.AddressInfo).port}/f`
    const script = path.join(dir, 'get.ts')
    fs.writeFileSync(
      script,
      `import { exchange } from ${JSON.stringify(path.resolve('src/net/large-body.ts'))}
const r = await exchange({ url: new URL(${JSON.stringify(url)}), headers: {}, connectMs: 5000, headersMs: 5000, bodyMs: 5000 })
let body = ''
await r.consume((c) => (body += c.toString()))
process.stdout.write(body)
`,
    )
    const run = (env: NodeJS.ProcessEnv) =>
      promisify(execFile)(process.execPath, [script], { env: { PATH: process.env.PATH, ...env } })
    expect((await run({ NODE_EXTRA_CA_CERTS: cert.certFile })).stdout).toBe('over tls ok')
    const refused = await failure(run({}))
    expect(String((refused as { stderr?: string }).stderr)).toMatch(/SELF_SIGNED|self[- ]signed|UNABLE_TO_VERIFY/i)
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
