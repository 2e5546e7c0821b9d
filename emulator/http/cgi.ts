/**
 * Runs a CGI program for one request (RFC 3875): the request body goes to its
 * stdin; its output (headers, a `Status:` header, a blank line, the body)
 * becomes the answer. Errors before any output answer 500 in JSON.
 */
import { spawn } from 'node:child_process'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendJson } from './reply.ts'

/** The request's CGI meta-variables (the program-specific ones, e.g. PATH_INFO, are the caller's). */
export function cgiRequestEnv(req: IncomingMessage, url: URL): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
  }
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length']
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding']
  return env
}

export interface CgiProgram {
  path: string
  /** How error answers name it, e.g. 'git http-backend'. */
  label: string
  env: NodeJS.ProcessEnv
}

export function runCgi(program: CgiProgram, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const child = spawn(program.path, [], { env: program.env, stdio: ['pipe', 'pipe', 'pipe'] })
  child.stdin.on('error', () => {}) // the program may exit before reading everything
  req.pipe(child.stdin)
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))

  return new Promise<void>((resolve) => {
    let head = Buffer.alloc(0)
    let headersDone = false
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk)
        return
      }
      head = Buffer.concat([head, chunk])
      const end = headEnd(head)
      if (!end) return
      headersDone = true
      const { status, headers } = parseHead(head.subarray(0, end.at))
      res.writeHead(status, headers)
      res.write(head.subarray(end.at + end.len))
    })
    child.on('close', (code) => {
      if (!headersDone) {
        if (!res.headersSent)
          sendJson(res, 500, {
            type: 'error',
            error: { message: `${program.label} exited with ${code}: ${stderr.trim()}` },
          })
        else res.end()
      } else res.end()
      resolve()
    })
    child.on('error', (err) => {
      if (!res.headersSent)
        sendJson(res, 500, { type: 'error', error: { message: `${program.label}: ${err.message}` } })
      resolve()
    })
  })
}

/** Where the CGI headers end (CRLF CRLF or LF LF, whichever comes first), if they have. */
function headEnd(head: Buffer): { at: number; len: number } | undefined {
  const crlf = head.indexOf('\r\n\r\n')
  const lf = head.indexOf('\n\n')
  return crlf >= 0 && (lf < 0 || crlf <= lf) ? { at: crlf, len: 4 } : lf >= 0 ? { at: lf, len: 2 } : undefined
}

function parseHead(head: Buffer): { status: number; headers: Record<string, string> } {
  let status = 200
  const headers: Record<string, string> = {}
  for (const line of head.toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const key = line.slice(0, colon).trim()
    const value = line.slice(colon + 1).trim()
    if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500
    else headers[key] = value
  }
  return { status, headers }
}
