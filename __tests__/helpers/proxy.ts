/** A loopback HTTP proxy (CONNECT tunnels and absolute-URI requests) that records what went through it. */
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'

export interface TestProxy {
  url: string
  /** `CONNECT host:port` targets and absolute URLs of plain requests, in order. */
  seen: string[]
  close(): Promise<void>
}

/**
 * `tunnels` maps a CONNECT target (`host:port`) to the loopback address it really
 * reaches, so that a test can use a public-looking name without any traffic
 * leaving the machine; with a map, any other target is refused (403).
 */
export async function startProxy(tunnels?: Record<string, string>): Promise<TestProxy> {
  const seen: string[] = []
  const sockets = new Set<net.Socket>()
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '')
    const target = new URL(req.url ?? '')
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('connect', (req, client, head) => {
    seen.push(`CONNECT ${req.url}`)
    const target = tunnels ? tunnels[req.url ?? ''] : req.url
    if (!target) return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n')
    const [host, port] = target.split(/:(?=\d+$)/)
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
