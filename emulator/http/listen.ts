/** Starts an HTTP or HTTPS server on loopback (by default) and says where it listens. */
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'

export interface ListenOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0: a free port. */
  port?: number
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer }
}

export interface Listening {
  /** e.g. http://127.0.0.1:PORT (an IPv6 host in brackets). */
  origin: string
  server: http.Server
  /** Drops open connections, then stops listening. */
  close(): Promise<void>
}

export async function listen(listener: http.RequestListener, options: ListenOptions = {}): Promise<Listening> {
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : http.createServer(listener)
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const hostPart = host.includes(':') ? `[${host}]` : host
  return {
    origin: `${options.tls ? 'https' : 'http'}://${hostPart}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
