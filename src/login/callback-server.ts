/**
 * The loopback server that receives Bitbucket's redirect
 * (`http://localhost:PORT/?code=…&state=…`). It listens on 127.0.0.1 and on
 * ::1, so the callback arrives whichever address the browser resolves
 * `localhost` to (::1 is skipped when the machine has no IPv6 loopback).
 * It accepts only GET / with a loopback Host header (no DNS rebinding) and
 * hands the first callback that carries this login's `state` to the flow,
 * which answers it. A callback with a wrong or no `state` (an old tab, or any
 * web page pointing an image at localhost) is ignored, said on stderr, and
 * the server keeps waiting for the right one.
 */
import http from 'node:http'
import { ActionError } from '../shared/errors.ts'
import { CLOUD } from '../bitbucket/cloud/provider.ts'
import { oneLine } from '../shared/format.ts'
import { alreadyAnsweredPage, waitingPage } from './pages.ts'
import { sameState } from './pkce.ts'

export interface Callback {
  /** The query of the redirect: code, state, or error and error_description. */
  params: URLSearchParams
  /** Answers the browser with a page; resolves once it is sent. */
  respond(status: number, html: string): Promise<void>
}

export interface CallbackOptions {
  /** The `state` of this login's authorize URL: only a callback carrying it is handed over. */
  state: string
  /** Told, in one line for the terminal, when a callback is ignored. */
  ignored(message: string): void
  /** Where the redirect URL is registered, for the port errors (default: Cloud's "the consumer's callback URL"). */
  callbackUrl?: string
}

export interface CallbackServer {
  port: number
  /** `http://localhost:PORT/`: sent as redirect_uri at authorize and at the exchange. */
  redirectUri: string
  /** The loopback addresses listened on. */
  addresses: string[]
  /** The first callback with the right state, or undefined when none came within `timeoutMs`. */
  wait(timeoutMs: number): Promise<Callback | undefined>
  close(): Promise<void>
}

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
}

function isCallback(params: URLSearchParams): boolean {
  return params.has('code') || params.has('error') || params.has('state')
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err)
    server.once('error', onError)
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError)
      resolve()
    })
  })
}

function portError(err: NodeJS.ErrnoException, port: number, host: string, callbackUrl: string): ActionError {
  const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
  if (err.code === 'EADDRINUSE') {
    return new ActionError(
      `Port ${port} is already in use (${where}), so the callback http://localhost:${port}/ cannot be received: stop the program that holds it (another login still running?), or pass --port N and set ${callbackUrl} to http://localhost:N.`,
    )
  }
  if (err.code === 'EACCES') {
    return new ActionError(
      `Not allowed to listen on port ${port} (${where}): pass --port N with a port above 1023 and set ${callbackUrl} to http://localhost:N.`,
    )
  }
  return new ActionError(`Cannot listen on ${where} for the callback: ${err.code ?? err.message}.`)
}

/** Errors that mean "this machine has no IPv6 loopback", not "someone else has the port". */
const NO_IPV6 = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EINVAL', 'EPROTONOSUPPORT'])

/** Holds the first callback until the flow waits for it; later ones are refused. */
class CallbackSlot {
  taken = false
  #pending: Callback | undefined
  #deliver: ((cb: Callback) => void) | undefined

  put(callback: Callback): void {
    this.taken = true
    if (this.#deliver) this.#deliver(callback)
    else this.#pending = callback
  }

  wait(timeoutMs: number): Promise<Callback | undefined> {
    if (this.#pending) return Promise.resolve(this.#pending)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#deliver = undefined
        resolve(undefined)
      }, timeoutMs)
      this.#deliver = (cb) => {
        clearTimeout(timer)
        resolve(cb)
      }
    })
  }
}

/** Answers with a page (once); resolves when it is sent, or at once when the browser is gone. */
function responder(res: http.ServerResponse): (status: number, html: string) => Promise<void> {
  return (status, html) =>
    new Promise<void>((resolve) => {
      if (res.writableEnded || res.destroyed) return resolve()
      res.writeHead(status, { ...HEADERS, 'content-length': String(Buffer.byteLength(html)) })
      res.end(html, () => resolve())
    })
}

/** Ignored callbacks said on the terminal; past this many, once that more are not. */
const MAX_REPORTED = 5

const IGNORED_PAGE =
  'This answer does not belong to the login that is waiting (its state is wrong or missing), so it was ignored. Open the authorize URL that the command printed.\n'

/** Tells `options.ignored` about a callback without this login's state (the first few of them). */
function ignoredReporter(options: CallbackOptions): (params: URLSearchParams) => void {
  let count = 0
  return (params) => {
    if (++count > MAX_REPORTED) return
    if (count === MAX_REPORTED) {
      options.ignored(`Ignored ${MAX_REPORTED} callbacks without this login's state; further ones are not reported.`)
      return
    }
    const error = params.get('error')
    const said = error === null ? '' : ` (error=${oneLine(error).slice(0, 60)})`
    options.ignored(
      `Ignored a callback with ${params.has('state') ? 'a wrong' : 'no'} state${said}: it did not come from this login's authorize URL (an old browser tab, or another page). Still waiting for the right one.`,
    )
  }
}

/** GET / with a loopback Host: the callback goes into the slot; anything else gets a short answer. */
function callbackHandler(port: number, slot: CallbackSlot, options: CallbackOptions): http.RequestListener {
  const allowedHosts = new Set([`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`])
  const reportIgnored = ignoredReporter(options)
  return (req, res) => {
    const send = responder(res)
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      void send(400, 'Unexpected Host header.\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET')
      void send(405, 'Method not allowed.\n')
      return
    }
    const url = new URL(req.url ?? '/', `http://localhost:${port}`)
    if (url.pathname !== '/') {
      void send(404, 'Not found.\n')
      return
    }
    if (!isCallback(url.searchParams)) {
      void send(200, waitingPage())
      return
    }
    if (!sameState(options.state, url.searchParams.get('state'))) {
      reportIgnored(url.searchParams)
      void send(400, IGNORED_PAGE)
      return
    }
    if (slot.taken) {
      void send(409, alreadyAnsweredPage())
      return
    }
    slot.put({ params: url.searchParams, respond: send })
  }
}

function closeServers(servers: http.Server[]): Promise<void> {
  return Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections()
          s.close(() => resolve())
        }),
    ),
  ).then(() => undefined)
}

/** Listens on 127.0.0.1 and, when the machine has it, on ::1. */
async function listenOnLoopback(
  port: number,
  handler: http.RequestListener,
  callbackUrl: string,
): Promise<{ addresses: string[]; close: () => Promise<void> }> {
  const servers: http.Server[] = []
  const addresses: string[] = []
  for (const host of ['127.0.0.1', '::1']) {
    const server = http.createServer({ requestTimeout: 30_000 }, handler)
    try {
      await listen(server, port, host)
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      if (host === '::1' && e.code && NO_IPV6.has(e.code)) continue
      await closeServers(servers)
      throw portError(e, port, host, callbackUrl)
    }
    server.keepAliveTimeout = 1000
    servers.push(server)
    addresses.push(host)
  }
  return { addresses, close: () => closeServers(servers) }
}

export async function startCallbackServer(port: number, options: CallbackOptions): Promise<CallbackServer> {
  const slot = new CallbackSlot()
  const callbackUrl = options.callbackUrl ?? CLOUD.wording.login.callbackUrl
  const { addresses, close } = await listenOnLoopback(port, callbackHandler(port, slot, options), callbackUrl)
  return {
    port,
    redirectUri: `http://localhost:${port}/`,
    addresses,
    wait: (timeoutMs) => slot.wait(timeoutMs),
    close,
  }
}
