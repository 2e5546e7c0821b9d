/** A tiny router: routes are (method, regex, handler); faults are applied before the handler. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Faults, Fault } from './faults.ts'

export interface RequestContext {
  url: URL
  /** Regex groups of the matched route, decoded. */
  params: string[]
  /** The request body, read in full (empty for routes with `stream: true`). */
  body: Buffer
  /** A fault that the handler applies itself (`truncate`), if one matched. */
  fault: Fault | undefined
}

export type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => void | Promise<void>

interface Route {
  method: string
  pattern: RegExp
  handler: Handler
  stream: boolean
}

export interface LoggedRequest {
  method: string
  path: string
  host: string
  headers: Record<string, string | string[] | undefined>
  body: string
  at: number
}

export class Router {
  readonly #routes: Route[] = []
  readonly requests: LoggedRequest[] = []
  readonly faults: Faults

  constructor(faults: Faults) {
    this.faults = faults
  }

  add(method: string, pattern: RegExp, handler: Handler, options: { stream?: boolean } = {}): void {
    this.#routes.push({ method, pattern, handler, stream: options.stream ?? false })
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`)
    const route = this.#routes.find(
      (r) => (r.method === req.method || r.method === '*') && r.pattern.test(url.pathname),
    )
    const body = route?.stream ? Buffer.alloc(0) : await readBody(req)
    if (!url.pathname.startsWith('/_emulator/')) {
      this.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname + url.search,
        host: req.headers.host ?? '',
        headers: { ...req.headers },
        body: body.toString('utf8'),
        at: Date.now(),
      })
    }
    const fault = url.pathname.startsWith('/_emulator/')
      ? undefined
      : this.faults.take(req.method ?? 'GET', url.pathname)
    if (fault) {
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs))
      switch (fault.kind) {
        case 'stall':
          return // never answer; the server closes the socket on shutdown
        case 'reset':
          req.socket.destroy()
          return
        case 'status': {
          const headers: Record<string, string> = {
            'content-type': fault.contentType ?? 'application/json',
            ...fault.headers,
          }
          res.writeHead(fault.status ?? 500, headers)
          res.end(
            fault.body ??
              JSON.stringify({ type: 'error', error: { message: `emulated fault ${fault.status ?? 500}` } }),
          )
          return
        }
        default:
          break // 'delay' and 'truncate' go on to the handler
      }
    }
    if (!route) {
      sendJson(res, 404, { type: 'error', error: { message: `No route for ${req.method} ${url.pathname}` } })
      return
    }
    const match = route.pattern.exec(url.pathname)!
    const params = match.slice(1).map((p) => (p === undefined ? '' : decodeURIComponent(p)))
    try {
      await route.handler(req, res, { url, params, body, fault: fault?.kind === 'truncate' ? fault : undefined })
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { type: 'error', error: { message: String(err) } })
      else res.destroy()
    }
  }
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Sends a body, cut short when a `truncate` fault applies (Content-Length promises the whole). */
export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer | string,
  fault?: Fault,
): void {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body)
  res.writeHead(status, { ...headers, 'content-length': String(buf.length) })
  if (fault?.kind === 'truncate') {
    res.write(buf.subarray(0, Math.floor(buf.length * (fault.fraction ?? 0.5))))
    setTimeout(() => res.destroy(), 20)
    return
  }
  res.end(buf)
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  fault?: Fault,
  headers: Record<string, string> = {},
): void {
  send(res, status, { 'content-type': 'application/json; charset=utf-8', ...headers }, JSON.stringify(value), fault)
}
