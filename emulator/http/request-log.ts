/** What a server received, for tests to inspect (`router.requests`, or `GET /_emulator/requests`). */
import type { IncomingMessage } from 'node:http'

export interface LoggedRequest {
  method: string
  path: string
  host: string
  headers: Record<string, string | string[] | undefined>
  body: string
  at: number
}

export function logEntry(req: IncomingMessage, url: URL, body: Buffer): LoggedRequest {
  return {
    method: req.method ?? 'GET',
    path: url.pathname + url.search,
    host: req.headers.host ?? '',
    headers: { ...req.headers },
    body: body.toString('utf8'),
    at: Date.now(),
  }
}
