/**
 * Faults on demand: the next matching requests fail in a chosen way.
 *
 * - `status`: answer `status` (with `headers`, e.g. Retry-After, and `body`);
 * - `stall`: never answer;
 * - `reset`: close the connection without an answer;
 * - `truncate`: the handler sends only `fraction` of the body, then closes;
 * - `silence`: the handler runs (a refresh is processed), its status and
 *   headers are sent, then nothing more: headers, then silence;
 * - `drip`: the handler's answer is sent `chunkBytes` (default 1) every
 *   `intervalMs` (default 1000), headers first: never silent for long, never
 *   fast;
 * - `delay`: answer normally after `delayMs` (also combines with the others).
 *
 * Arm them with `faults.add(...)` or `POST /_emulator/faults` (control.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export type FaultKind = 'status' | 'stall' | 'reset' | 'truncate' | 'silence' | 'drip' | 'delay'

export interface Fault {
  kind: FaultKind
  /** Path prefix (string) or pattern the request path must match. */
  path: string | RegExp
  method?: string
  /** How many requests it applies to (default 1; Infinity for all). */
  times?: number
  status?: number
  headers?: Record<string, string>
  body?: string
  contentType?: string
  delayMs?: number
  fraction?: number
  /** `drip`: bytes per tick. */
  chunkBytes?: number
  /** `drip`: time between ticks. */
  intervalMs?: number
}

interface Armed extends Fault {
  left: number
}

export class Faults {
  #queue: Armed[] = []

  add(...faults: Fault[]): void {
    for (const f of faults) this.#queue.push({ ...f, left: f.times ?? 1 })
  }

  clear(): void {
    this.#queue = []
  }

  take(method: string, path: string): Fault | undefined {
    const i = this.#queue.findIndex(
      (f) =>
        (!f.method || f.method === method) &&
        (typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path)),
    )
    if (i < 0) return undefined
    const f = this.#queue[i]!
    if (--f.left <= 0) this.#queue.splice(i, 1)
    return f
  }

  /** From JSON (admin endpoint): `path` may be `{"regex": "..."}`. */
  static fromJson(value: Record<string, unknown>): Fault {
    const path = value.path as string | { regex: string }
    return {
      ...(value as unknown as Fault),
      path: typeof path === 'object' ? new RegExp(path.regex) : path,
      times: value.times === null || value.times === 'Infinity' ? Infinity : (value.times as number | undefined),
    }
  }
}

/**
 * Takes over the body of `res`: its status and headers go out as soon as the
 * handler sets them, and what the handler writes is passed to `sendBody` once
 * the handler ends, instead of being sent.
 */
function holdBody(res: ServerResponse, sendBody: (body: Buffer, write: (b: Buffer) => void, end: () => void) => void) {
  const chunks: Buffer[] = []
  const write = res.write.bind(res) as (b: Buffer) => boolean
  const end = res.end.bind(res) as () => ServerResponse
  const writeHead = res.writeHead.bind(res)
  const take = (chunk: unknown) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function')
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string))
  }
  Object.assign(res, {
    writeHead: (...args: Parameters<ServerResponse['writeHead']>) => {
      writeHead(...args)
      res.flushHeaders()
      return res
    },
    write: (chunk: unknown) => (take(chunk), true),
    end: (chunk?: unknown) => {
      take(chunk)
      if (!res.headersSent) res.flushHeaders()
      sendBody(
        Buffer.concat(chunks),
        (b) => void write(b),
        () => void end(),
      )
      return res
    },
  })
}

/** `drip`: the held body, `chunkBytes` every `intervalMs`, until it is all out or the client leaves. */
function drip(res: ServerResponse, fault: Fault): void {
  const size = Math.max(1, fault.chunkBytes ?? 1)
  holdBody(res, (body, write, end) => {
    let offset = 0
    const timer = setInterval(() => {
      if (res.destroyed || offset >= body.length) {
        clearInterval(timer)
        if (!res.destroyed) end()
        return
      }
      write(body.subarray(offset, offset + size))
      offset += size
    }, fault.intervalMs ?? 1000)
    res.on('close', () => clearInterval(timer))
  })
}

/**
 * Applies a fault that came out of the queue: waits `delayMs`, then stalls,
 * resets or answers. True when the request is done with; false when the
 * handler must run (`delay`, `silence` and `drip`, which take over its
 * answer, and `truncate`, which the handler applies).
 */
export async function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs))
  switch (fault.kind) {
    case 'stall':
      return true // never answer; the server closes the socket on shutdown
    case 'reset':
      req.socket.destroy()
      return true
    case 'status': {
      const headers: Record<string, string> = {
        'content-type': fault.contentType ?? 'application/json',
        ...fault.headers,
      }
      res.writeHead(fault.status ?? 500, headers)
      res.end(
        fault.body ?? JSON.stringify({ type: 'error', error: { message: `emulated fault ${fault.status ?? 500}` } }),
      )
      return true
    }
    case 'silence':
      holdBody(res, () => {}) // the body never comes; the server closes the socket on shutdown
      return false
    case 'drip':
      drip(res, fault)
      return false
    default:
      return false // 'delay' and 'truncate' go on to the handler
  }
}
