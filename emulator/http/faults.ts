/**
 * Faults on demand: the next matching requests fail in a chosen way.
 *
 * - `status`: answer `status` (with `headers`, e.g. Retry-After, and `body`);
 * - `stall`: never answer;
 * - `reset`: close the connection without an answer;
 * - `truncate`: the handler sends only `fraction` of the body, then closes;
 * - `delay`: answer normally after `delayMs` (also combines with the others).
 *
 * Arm them with `faults.add(...)` or `POST /_emulator/faults` (control.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export type FaultKind = 'status' | 'stall' | 'reset' | 'truncate' | 'delay'

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
 * Applies a fault that came out of the queue: waits `delayMs`, then stalls,
 * resets or answers. True when the request is done with; false when the
 * handler must run (`delay`, and `truncate`, which the handler applies).
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
    default:
      return false // 'delay' and 'truncate' go on to the handler
  }
}
