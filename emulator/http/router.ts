/**
 * A tiny router: routes are (method, regex, handler). Every request outside
 * the control paths (`/_emulator/...`) is logged in `requests` and may meet an
 * armed fault (faults.ts) before its handler runs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { applyFault, type Faults, type Fault } from './faults.ts'
import { sendJson } from './reply.ts'
import { logEntry, type LoggedRequest } from './request-log.ts'

export type { LoggedRequest } from './request-log.ts'

/** Requests below this path control the server (control.ts): not logged, never faulted. */
export const CONTROL_PATH = '/_emulator/'

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

export class Router {
  readonly #routes: Route[] = []
  readonly requests: LoggedRequest[] = []
  readonly faults: Faults

  constructor(faults: Faults) {
    this.faults = faults
  }

  /** Adds a route; the first added route that matches wins. `method` '*' matches any method. */
  add(method: string, pattern: RegExp, handler: Handler, options: { stream?: boolean } = {}): void {
    this.#routes.push({ method, pattern, handler, stream: options.stream ?? false })
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`)
    const route = this.#routes.find(
      (r) => (r.method === req.method || r.method === '*') && r.pattern.test(url.pathname),
    )
    const body = route?.stream ? Buffer.alloc(0) : await readBody(req)
    const control = url.pathname.startsWith(CONTROL_PATH)
    if (!control) this.requests.push(logEntry(req, url, body))
    const fault = control ? undefined : this.faults.take(req.method ?? 'GET', url.pathname)
    if (fault && (await applyFault(fault, req, res))) return
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
