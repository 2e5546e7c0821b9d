/**
 * The one HTTP client every request goes through (Bitbucket, its archives,
 * the GitHub API): undici with timeouts on by default, an overall deadline,
 * retries decided by error type (see retry.ts), `HTTPS_PROXY`/`HTTP_PROXY`/
 * `NO_PROXY` honoured, plain http refused except to loopback hosts, and
 * credentials never forwarded to another origin on a redirect.
 */
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici'
import { ActionError, errorMessage } from '../shared/errors.ts'
import {
  DEFAULT_RETRY,
  backoffDelay,
  classifyNetworkError,
  errorCode,
  isRetryableStatus,
  parseRetryAfter,
  shouldRetryError,
  type RetryPolicy,
} from './retry.ts'

export interface Timeouts {
  /** TCP + TLS connect. */
  connectMs: number
  /** From request sent to response headers. */
  headersMs: number
  /** Longest silence while reading a body. */
  bodyMs: number
  /** All attempts of one request, until its response headers, retries and waits included. */
  deadlineMs: number
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 30_000,
  deadlineMs: 50_000,
}

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RequestOptions {
  method?: Method
  headers?: Record<string, string>
  body?: string | Uint8Array
  /** `Authorization` header value; sent to the request's own origin only, never across a redirect to another one. */
  authorization?: string
  /** Redirects to follow (default 5 for GET/HEAD, 0 otherwise). */
  maxRedirects?: number
  /** Safe to repeat after it may have been processed (default: every method but POST and PATCH). */
  idempotent?: boolean
  /** What is being asked, for messages: "the Bitbucket token endpoint". */
  what: string
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | undefined>
  /** The URL that answered, after redirects. */
  url: URL
  /** How many attempts it took. */
  attempts: number
  body: Dispatcher.ResponseData['body']
  text(): Promise<string>
}

export interface HttpClientDeps {
  dispatcher?: Dispatcher
  timeouts?: Partial<Timeouts>
  retry?: Partial<RetryPolicy>
  debug?: (message: string) => void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  now?: () => number
}

/** The failure of a request after its retries: what, where, why, and what to do. */
export class HttpError extends ActionError {
  readonly status: number | undefined
  readonly code: string | undefined
  /** Where it failed: before any answer, or while reading an answer's body (status set). */
  readonly phase: 'request' | 'body'
  constructor(
    message: string,
    options: { status?: number; code?: string; cause?: unknown; phase?: 'request' | 'body' } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'HttpError'
    this.status = options.status
    this.code = options.code
    this.phase = options.phase ?? 'request'
  }
}

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.test(hostname)
}

/** Throws unless the URL is https, or http to a loopback host. */
export function assertSecureUrl(url: URL, what: string): void {
  if (url.protocol === 'https:') return
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return
  if (url.protocol === 'http:') {
    throw new ActionError(
      `Refusing plain http:// for ${what} (${url.host}): tokens would cross the network unencrypted. Use an https:// URL (plain http is accepted only for loopback hosts).`,
    )
  }
  throw new ActionError(`${what} must be an https:// URL, got "${url.protocol}" (${url.host}).`)
}

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308])

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(headers)) {
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

function describeNetworkError(err: unknown, timeouts: Timeouts): string {
  const code = errorCode(err)
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused'
    case 'ENOTFOUND':
      return 'host name not found (check the URL)'
    case 'EAI_AGAIN':
      return 'DNS lookup failed'
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `no connection within ${timeouts.connectMs / 1000} s`
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `no answer within ${timeouts.headersMs / 1000} s`
    case 'UND_ERR_BODY_TIMEOUT':
      return `the answer stalled for ${timeouts.bodyMs / 1000} s`
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was reset'
    default:
      if (code?.startsWith('ERR_TLS') || code?.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
        return `TLS certificate not trusted (${code}); for a private CA set NODE_EXTRA_CA_CERTS`
      }
      return code ? `${code}: ${errorMessage(err)}` : errorMessage(err)
  }
}

export class HttpClient {
  readonly timeouts: Timeouts
  readonly retry: RetryPolicy
  /** Through HTTPS_PROXY/HTTP_PROXY unless NO_PROXY says otherwise. */
  readonly #proxied: Dispatcher
  /** Loopback hosts: never through a proxy (the proxy's loopback is another machine). */
  readonly #direct: Dispatcher
  readonly #debug: (message: string) => void
  readonly #sleep: (ms: number) => Promise<void>
  readonly #random: () => number
  readonly #now: () => number

  constructor(deps: HttpClientDeps = {}) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts }
    this.retry = { ...DEFAULT_RETRY, ...deps.retry }
    const agentOptions = {
      connect: { timeout: this.timeouts.connectMs },
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
    }
    this.#proxied = deps.dispatcher ?? new EnvHttpProxyAgent(agentOptions)
    this.#direct = deps.dispatcher ?? new Agent(agentOptions)
    this.#debug = deps.debug ?? (() => {})
    this.#sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.#random = deps.random ?? Math.random
    this.#now = deps.now ?? Date.now
  }

  /**
   * Sends a request, following redirects and retrying transient faults, and
   * resolves with the final response whatever its status (callers decide what
   * a 4xx means). A retryable status on the last attempt is returned too.
   * Rejects with an HttpError when no response could be had.
   */
  async request(input: string | URL, options: RequestOptions): Promise<HttpResponse> {
    const method = options.method ?? 'GET'
    const idempotent = options.idempotent ?? !['POST', 'PATCH'].includes(method)
    const started = this.#now()
    const deadline = started + this.timeouts.deadlineMs
    let lastError: unknown
    let lastStatus: number | undefined

    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      let waitMs: number | undefined
      try {
        const response = await this.#followRedirects(new URL(input), options, method, deadline)
        response.attempts = attempt
        if (!isRetryableStatus(response.status) || attempt === this.retry.attempts) return response
        lastStatus = response.status
        const retryAfter = parseRetryAfter(response.headers['retry-after'], this.#now())
        await response.body.dump().catch(() => {})
        if (retryAfter !== undefined && retryAfter > this.retry.maxRetryAfterMs) {
          throw new HttpError(
            `${options.what} answered HTTP ${response.status} and asked to retry after ${Math.ceil(retryAfter / 1000)} s, longer than the ${this.retry.maxRetryAfterMs / 1000} s this action waits. Re-run the job later.`,
            { status: response.status },
          )
        }
        waitMs = retryAfter ?? backoffDelay(this.retry, attempt, this.#random)
        this.#debug(`${method} ${redactUrl(input)}: HTTP ${response.status}, retry ${attempt} in ${waitMs} ms`)
      } catch (err) {
        if (err instanceof HttpError || (err instanceof ActionError && !(err instanceof DeadlineError))) throw err
        lastError = err
        const deadlineHit = err instanceof DeadlineError
        if (deadlineHit || !shouldRetryError(err, idempotent) || attempt === this.retry.attempts) {
          throw this.#networkFailure(options.what, input, err, attempt, idempotent)
        }
        waitMs = backoffDelay(this.retry, attempt, this.#random)
        this.#debug(
          `${method} ${redactUrl(input)}: ${describeNetworkError(err, this.timeouts)}, retry ${attempt} in ${waitMs} ms`,
        )
      }
      if (this.#now() + waitMs >= deadline) {
        throw lastStatus !== undefined
          ? new HttpError(
              `${options.what} kept answering HTTP ${lastStatus} for ${Math.round((this.#now() - started) / 1000)} s (${attempt} attempts): the service may be degraded; re-run the job later.`,
              { status: lastStatus },
            )
          : this.#networkFailure(options.what, input, lastError, attempt, idempotent)
      }
      await this.#sleep(waitMs)
    }
    /* c8 ignore next */
    throw new Error('unreachable')
  }

  /**
   * A request whose body is read as text (small JSON answers). The body too
   * must arrive within the request's deadline (or `bodyMs` after the headers,
   * if later); an idempotent request whose body is cut short is tried again.
   */
  async text(input: string | URL, options: RequestOptions): Promise<{ response: HttpResponse; text: string }> {
    const idempotent = options.idempotent ?? !['POST', 'PATCH'].includes(options.method ?? 'GET')
    const started = this.#now()
    for (let attempt = 1; ; attempt++) {
      const response = await this.request(input, options)
      const limit = Math.max(started + this.timeouts.deadlineMs, this.#now() + this.timeouts.bodyMs) - this.#now()
      const timer = setTimeout(() => response.body.destroy(new DeadlineError()), limit)
      try {
        return { response, text: await response.text() }
      } catch (err) {
        const why =
          err instanceof DeadlineError
            ? `it did not arrive within ${+(limit / 1000).toFixed(1)} s`
            : describeNetworkError(err, this.timeouts)
        const again =
          idempotent &&
          !(err instanceof DeadlineError) &&
          attempt < this.retry.attempts &&
          this.#now() - started < this.timeouts.deadlineMs
        this.#debug(
          `${options.method ?? 'GET'} ${redactUrl(input)}: the body could not be read (${why})${again ? ', trying again' : ''}`,
        )
        if (again) {
          await this.#sleep(backoffDelay(this.retry, attempt, this.#random))
          continue
        }
        throw new HttpError(
          `${options.what} (${response.url.host}) answered HTTP ${response.status} but the body could not be read: ${why}.`,
          { status: response.status, code: errorCode(err), cause: err, phase: 'body' },
        )
      } finally {
        clearTimeout(timer)
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#proxied.close(), this.#direct === this.#proxied ? undefined : this.#direct.close()])
  }

  #networkFailure(what: string, input: string | URL, err: unknown, attempts: number, idempotent: boolean): HttpError {
    const url = new URL(input)
    const why =
      err instanceof DeadlineError
        ? `no answer within the ${this.timeouts.deadlineMs / 1000} s deadline`
        : describeNetworkError(err, this.timeouts)
    const notRetried =
      classifyNetworkError(err) === 'maybe-sent' && !idempotent
        ? ' (not retried: the request may have been processed)'
        : ''
    const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
    return new HttpError(
      `Could not reach ${what} at ${url.origin}: ${why}${tries}${notRetried}. Check the URL, the runner's network and any HTTPS_PROXY setting, then re-run the job.`,
      { code: errorCode(err), cause: err },
    )
  }

  async #followRedirects(url: URL, options: RequestOptions, method: Method, deadline: number): Promise<HttpResponse> {
    const origin = url.origin
    let maxRedirects = options.maxRedirects ?? (method === 'GET' || method === 'HEAD' ? 5 : 0)
    let current = url
    let currentMethod = method
    let body = options.body
    for (;;) {
      assertSecureUrl(current, options.what)
      const headers: Record<string, string> = { 'user-agent': 'bitbucket-oauth-action', ...options.headers }
      if (options.authorization && current.origin === origin) headers.authorization = options.authorization
      const response = await this.#once(current, currentMethod, headers, body, deadline)
      const location = response.headers.location
      if (!REDIRECT_STATUS.has(response.status) || !location || maxRedirects <= 0) return response
      await response.body.dump().catch(() => {})
      const next = new URL(location, current)
      this.#debug(
        `${currentMethod} ${redactUrl(current)}: HTTP ${response.status} to ${redactUrl(next)}${next.origin === origin ? '' : ' (another origin: credentials not forwarded)'}`,
      )
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && currentMethod === 'POST')
      ) {
        currentMethod = 'GET'
        body = undefined
      }
      current = next
      maxRedirects--
    }
  }

  async #once(
    url: URL,
    method: Method,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    deadline: number,
  ): Promise<HttpResponse> {
    const remaining = deadline - this.#now()
    if (remaining <= 0) throw new DeadlineError()
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new DeadlineError()), remaining)
    try {
      const dispatcher = isLoopbackHost(url.hostname) ? this.#direct : this.#proxied
      const res = await dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method,
        headers,
        body,
        signal: controller.signal,
      })
      this.#debug(`${method} ${redactUrl(url)}: HTTP ${res.statusCode}`)
      const flat = flattenHeaders(res.headers)
      return {
        status: res.statusCode,
        headers: flat,
        url,
        attempts: 1,
        body: res.body,
        text: () => res.body.text(),
      }
    } catch (err) {
      if (controller.signal.aborted) throw new DeadlineError()
      throw err
    } finally {
      clearTimeout(timer)
    }
  }
}

class DeadlineError extends ActionError {
  constructor() {
    super('deadline exceeded')
  }
}

/** `base` joined with a path below it (keeps a base path such as `/2.0`). */
export function joinUrl(base: URL, suffix: string): URL {
  return new URL(base.href.replace(/\/+$/, '') + '/' + suffix.replace(/^\/+/, ''))
}

/** A URL for logs: no query string, no user info. */
export function redactUrl(input: string | URL): string {
  const url = new URL(input)
  return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`
}
