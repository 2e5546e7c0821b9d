/**
 * The messages between the main thread (pool.ts) and the archive worker
 * (worker.ts). One worker serves several stages at a time: the main thread
 * sends `{id, job}` (or `{close: true}`); the worker answers with `info` and
 * `debug` log lines, then `done` or `error`, each tagged with the job's id
 * (id 0: the worker's own debug lines).
 *
 * An error crosses as a WireError and is rebuilt with its class and the
 * fields the caller's messages depend on (status, phase, code, detail).
 */
import { ActionError } from '../../shared/errors.ts'
import { HttpError } from '../../net/errors.ts'
import { UnsafeArchiveError } from '../entry-policy.ts'
import type { ExtractStats } from '../extract.ts'
import { TarFormatError } from '../tar-reader.ts'
import type { StageJob } from './stage.ts'

export type WorkerRequest = { id: number; job: StageJob } | { close: true }

export type WorkerMessage = { id: number } & (
  | { type: 'info' | 'debug'; message: string }
  | { type: 'done'; sha256: string; bytes: number; stats: ExtractStats | undefined }
  | { type: 'error'; error: WireError }
)

/** An error as plain data (what postMessage can carry of it). */
export interface WireError {
  name: string
  message: string
  code?: string
  status?: number
  phase?: 'request' | 'body'
  /** An ActionError's detail, or else the stack where the error was thrown (for the debug log). */
  detail?: string
}

export function toWire(err: unknown): WireError {
  const e = err as (Error & { code?: unknown; detail?: string }) | undefined
  const wire: WireError = {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(err),
    detail: e?.detail ?? e?.stack,
  }
  if (typeof e?.code === 'string') wire.code = e.code
  if (err instanceof HttpError) {
    if (err.status !== undefined) wire.status = err.status
    wire.phase = err.phase
  }
  return wire
}

/** The error `toWire` described, rebuilt with its class (a plain Error with its code for an unknown one). */
export function fromWire(w: WireError): Error {
  switch (w.name) {
    case 'UnsafeArchiveError':
      return new UnsafeArchiveError(w.message)
    case 'TarFormatError':
      return new TarFormatError(w.message, w.code)
    case 'HttpError':
      return new HttpError(w.message, { status: w.status, code: w.code, phase: w.phase, detail: w.detail })
    case 'ActionError':
      return new ActionError(w.message, { detail: w.detail })
    default:
      return Object.assign(new Error(w.message), { code: w.code, stack: w.detail })
  }
}
