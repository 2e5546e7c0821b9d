/** Writing answers: a body with its Content-Length, cut short when a `truncate` fault applies. */
import type { ServerResponse } from 'node:http'
import type { Fault } from './faults.ts'

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
