/**
 * The one HTTP client every request goes through (Bitbucket, its archives,
 * the GitHub API): undici with timeouts on by default, an overall deadline,
 * retries decided by error type (see retry.ts), `HTTPS_PROXY`/`HTTP_PROXY`/
 * `NO_PROXY` honoured (proxy.ts), plain http refused except to loopback hosts
 * (url.ts), and credentials never forwarded to another origin on a redirect.
 * Work is bounded: every body must keep a minimum throughput
 * (throughput.ts), and a body read as text holds at most 1 MiB.
 */
import type { Readable } from 'node:stream'
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici'
import { ActionError } from '../shared/errors.ts'
import {
  DeadlineError,
  HttpError,
  checkNetworkAdvice,
  describeNetworkError,
  untrustedCertificateAdvice,
  errorCode,
  retryLaterAdvice,
  type HttpWording,
} from './errors.ts'
import { capitalize } from '../shared/wording.ts'
import {
  DEFAULT_RETRY,
  classifyNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  shouldRetryError,
  withRetries,
  type RetryOptions,
  type RetryPolicy,
} from './retry.ts'
import { assertSecureUrl, isLoopbackHost, redactUrl } from './url.ts'
import type { ProxyConfig, ProxySettings } from './proxy.ts'
import { ThroughputGuard, throughputRule } from './throughput.ts'
import type { LargeBodyResponse } from './large-body.ts'

// Imported from here by modules that predate the split into errors.ts and url.ts.
export { HttpError, type HttpWording } from './errors.ts'
export { assertSecureUrl, isLoopbackHost, joinUrl, redactUrl } from './url.ts'

export interface Timeouts {
  /** TCP + TLS connect. */
  connectMs: number
  /** From request sent to response headers. */
  headersMs: number
  /** Longest silence while reading a body; also the window of the throughput rule (throughput.ts). */
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

/** The most a body read as text (a JSON answer) may hold. */
export const MAX_TEXT_BYTES = 1024 * 1024

/** A response body: a stream behind the throughput guard. */
export interface ResponseBody extends Readable {
  /** Discards the body (what is left of a small one is read, so the connection can be reused). */
  dump(): Promise<void>
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | undefined>
  /** The URL that answered, after redirects. */
  url: URL
  /** How many attempts it took. */
  attempts: number
  body: ResponseBody
  /** The body as UTF-8 text; rejects with BodyTooLarge beyond MAX_TEXT_BYTES. */
  text(): Promise<string>
}

/** The answer of `largeGet`: its body is handed over chunk by chunk, never as a stream. */
export interface LargeResponse {
  status: number
  headers: Record<string, string | undefined>
  url: URL
  attempts: number
  /**
   * Hands every byte of the body to `onChunk`, in order; a chunk is valid
   * only during the call (it may be overwritten by the next read). `collect`
   * is called after each MiB of freshly allocated chunks (the undici path),
   * for a caller that keeps memory flat by collecting them.
   */
  consume(onChunk: (chunk: Buffer) => void, collect?: () => void): Promise<void>
  /** Drops the body and the connection. */
  discard(): Promise<void>
  /** The body as UTF-8 text (an error answer); rejects beyond MAX_TEXT_BYTES. */
  text(): Promise<string>
}

/** An undici response as a LargeResponse. */
export function consumable(response: HttpResponse): LargeResponse {
  return {
    status: response.status,
    headers: response.headers,
    url: response.url,
    attempts: response.attempts,
    async consume(onChunk, collect) {
      let fresh = 0
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        onChunk(chunk)
        fresh += chunk.length
        if (collect && fresh >= 1 << 20) {
          fresh = 0
          collect()
        }
      }
    },
    discard: () => response.body.dump().catch(() => {}),
    text: () => response.text(),
  }
}

function fromExchange(r: LargeBodyResponse, attempts: number): LargeResponse {
  return {
    status: r.status,
    headers: r.headers,
    url: r.url,
    attempts,
    consume: (onChunk) => r.consume(onChunk),
    discard: async () => r.discard(),
    text: () => collectText((onChunk) => r.consume(onChunk), MAX_TEXT_BYTES),
  }
}

export interface HttpClientDeps {
  /** The advice that ends network-failure messages: the caller's (a job's, a command's). */
  wording: HttpWording
  /** Proxy settings (tuningFromEnv reads them); without them, no proxy. An invalid one fails every request. */
  proxy?: ProxyConfig
  dispatcher?: Dispatcher
  timeouts?: Partial<Timeouts>
  retry?: Partial<RetryPolicy>
  debug?: (message: string) => void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  now?: () => number
}

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308])

/** A retryable status before the last attempt (its body already drained). */
class RetryableStatus extends Error {
  readonly status: number
  readonly retryAfterMs: number | undefined
  constructor(status: number, retryAfterMs: number | undefined) {
    super(`HTTP ${status}`)
    this.status = status
    this.retryAfterMs = retryAfterMs
  }
}

/** A body read as text that holds more than MAX_TEXT_BYTES. */
class BodyTooLarge extends Error {
  constructor() {
    super(`more than ${MAX_TEXT_BYTES} bytes`)
    this.name = 'BodyTooLarge'
  }
}

/** The chunks `consume` hands over as UTF-8 text, refused past `max` bytes (a throw in `onChunk` ends the reading). */
async function collectText(consume: (onChunk: (chunk: Buffer) => void) => Promise<void>, max: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  await consume((chunk) => {
    size += chunk.length
    if (size > max) throw new BodyTooLarge()
    chunks.push(Buffer.from(chunk)) // a copy: the chunk's memory may be reused after the call
  })
  return Buffer.concat(chunks).toString('utf8')
}

/** The body as text, refused past `max` bytes (read no further than that). */
function readText(body: Readable, max: number): Promise<string> {
  return collectText(async (onChunk) => {
    for await (const chunk of body as AsyncIterable<Buffer>) onChunk(chunk)
  }, max)
}

/** The raw body behind a throughput guard; destroying either ends both. */
function guardedBody(raw: Dispatcher.ResponseData['body'], bodyMs: number): ResponseBody {
  const guard = new ThroughputGuard(throughputRule(bodyMs))
  let dumping = false
  raw.on('error', (err) => guard.destroy(err))
  guard.on('close', () => {
    if (!dumping && !raw.readableEnded) raw.destroy()
  })
  raw.pipe(guard)
  return Object.assign(guard, {
    async dump() {
      dumping = true
      raw.unpipe(guard)
      guard.destroy()
      await raw.dump()
    },
  })
}

/** A body that could not be read, after its headers had come. */
class BodyFailure extends Error {
  readonly response: HttpResponse
  readonly why: string
  constructor(response: HttpResponse, why: string, cause: unknown) {
    super(why, { cause })
    this.response = response
    this.why = why
  }
}

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(headers)) {
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

function isIdempotent(options: RequestOptions): boolean {
  return options.idempotent ?? !['POST', 'PATCH'].includes(options.method ?? 'GET')
}

/** A hop's headers: `authorization` only on the first URL's origin, never across a redirect to another one. */
function hopHeaders(
  url: URL,
  first: URL,
  options: { headers?: Record<string, string>; authorization?: string },
): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'bitbucket-oauth-action', ...options.headers }
  if (options.authorization && url.origin === first.origin) headers.authorization = options.authorization
  return headers
}

export class HttpClient {
  readonly timeouts: Timeouts
  readonly retry: RetryPolicy
  readonly wording: HttpWording
  /** Through HTTPS_PROXY/HTTP_PROXY unless NO_PROXY says otherwise. */
  readonly #proxied: Dispatcher
  /** Loopback hosts: never through a proxy (the proxy's loopback is another machine). */
  readonly #direct: Dispatcher
  /** An invalid proxy variable: every request fails with it. */
  readonly #setupError: ActionError | undefined
  readonly #proxy: ProxySettings | undefined
  /** A dispatcher was given (tests): every request goes through it. */
  readonly #injected: boolean
  readonly #debug: (message: string) => void
  readonly #sleep: ((ms: number) => Promise<void>) | undefined
  readonly #random: () => number
  readonly #now: () => number

  constructor(deps: HttpClientDeps) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts }
    this.retry = { ...DEFAULT_RETRY, ...deps.retry }
    this.wording = deps.wording
    const agentOptions = {
      connect: { timeout: this.timeouts.connectMs },
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
    }
    const proxy = deps.proxy ?? { httpProxy: '', httpsProxy: '', noProxy: '' }
    this.#setupError = 'invalid' in proxy ? proxy.invalid : undefined
    this.#proxy = 'invalid' in proxy ? undefined : proxy
    this.#injected = deps.dispatcher !== undefined
    this.#direct = deps.dispatcher ?? new Agent(agentOptions)
    this.#proxied =
      deps.dispatcher ?? ('invalid' in proxy ? this.#direct : new EnvHttpProxyAgent({ ...agentOptions, ...proxy }))
    this.#debug = deps.debug ?? (() => {})
    this.#sleep = deps.sleep
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
    if (this.#setupError) throw this.#setupError
    const method = options.method ?? 'GET'
    const started = this.#now()
    const deadline = started + this.timeouts.deadlineMs
    const attempt = async (n: number): Promise<HttpResponse> => {
      const response = await this.#followRedirects(new URL(input), options, method, deadline)
      response.attempts = n
      if (!isRetryableStatus(response.status) || n === this.retry.attempts) return response
      await response.body.dump().catch(() => {})
      throw this.#statusToRetry(response, options.what)
    }
    return withRetries(attempt, {
      ...this.#retryOptions(`${method} ${redactUrl(input)}`),
      ...this.#retryRules(input, options.what, isIdempotent(options), started),
      deadline,
    })
  }

  /**
   * A GET for a large body (a file that a storage host serves), with the
   * rules of `request`: `authorization` sent to the first URL's origin only,
   * redirects followed, transient faults retried (each attempt starts over at
   * the first URL). With no proxy and no injected dispatcher it reads bodies
   * into one reused buffer (large-body.ts), about twice as fast as undici's
   * fresh buffer per read on large files; otherwise, and for an answer framed
   * in a way that reader does not take, it goes through undici like every
   * other request.
   */
  async largeGet(
    input: URL,
    options: { what: string; headers?: Record<string, string>; authorization?: string },
  ): Promise<LargeResponse> {
    if (this.#setupError) throw this.#setupError
    const viaUndici = async (url: URL) =>
      consumable(
        await this.request(url, {
          ...options,
          authorization: url.origin === input.origin ? options.authorization : undefined,
        }),
      )
    if (this.#injected || this.#proxyApplies(input)) return viaUndici(input)
    const started = this.#now()
    const deadline = started + this.timeouts.deadlineMs
    const attempt = async (n: number): Promise<LargeResponse> => {
      let url = input
      for (let redirects = 0; ; redirects++) {
        assertSecureUrl(url, options.what)
        if (this.#proxyApplies(url)) return viaUndici(url)
        const r = await this.#exchange(url, hopHeaders(url, input, options), deadline)
        const next = redirects < 5 ? this.#redirectTarget('GET', url, r, input) : undefined
        if (next) {
          r.discard()
          url = next
          continue
        }
        this.#debug(`GET ${redactUrl(url)}: HTTP ${r.status}`)
        if (isRetryableStatus(r.status) && n < this.retry.attempts) {
          r.discard()
          throw this.#statusToRetry(r, options.what)
        }
        if (r.framing !== 'unsupported') return fromExchange(r, n)
        r.discard()
        this.#debug(`GET ${redactUrl(url)}: a ${r.headers['transfer-encoding']} body; asking again through undici`)
        return viaUndici(url)
      }
    }
    return withRetries(attempt, {
      ...this.#retryOptions(`GET ${redactUrl(input)}`),
      ...this.#retryRules(input, options.what, true, started),
      deadline,
    })
  }

  /** One exchange of `largeGet`, its head due before the deadline. */
  async #exchange(url: URL, headers: Record<string, string>, deadline: number): Promise<LargeBodyResponse> {
    const remaining = deadline - this.#now()
    if (remaining <= 0) throw new DeadlineError()
    const { connectMs, headersMs, bodyMs } = this.timeouts
    // Loaded on first use: a step that only mints a token never reads a large body.
    const { exchange } = await import('./large-body.ts')
    return exchange({ url, headers, connectMs, headersMs: Math.min(headersMs, remaining), bodyMs })
  }

  /** Whether requests to `url` go through a proxy: any proxy variable set, and not a loopback host. */
  #proxyApplies(url: URL): boolean {
    return !isLoopbackHost(url.hostname) && Boolean(this.#proxy?.httpsProxy || this.#proxy?.httpProxy)
  }

  /** A retryable status before the last attempt: retry, or stop if the server asks for too long a wait. */
  #statusToRetry(response: { status: number; headers: Record<string, string | undefined> }, what: string): Error {
    const retryAfter = parseRetryAfter(response.headers['retry-after'], this.#now())
    if (retryAfter !== undefined && retryAfter > this.retry.maxRetryAfterMs) {
      return new HttpError(
        `${what} answered HTTP ${response.status} and asked to retry after ${Math.ceil(retryAfter / 1000)} s, longer than the ${this.retry.maxRetryAfterMs / 1000} s this action waits. ${capitalize(retryLaterAdvice(this.wording))}.`,
        { status: response.status },
      )
    }
    return new RetryableStatus(response.status, retryAfter)
  }

  /** What is retried and what a request that gave up says (`request` and `largeGet`). */
  #retryRules(
    input: string | URL,
    what: string,
    idempotent: boolean,
    started: number,
  ): Pick<RetryOptions, 'decide' | 'giveUp'> {
    return {
      decide: (err) => {
        if (err instanceof RetryableStatus) return { retry: true, why: err.message, waitMs: err.retryAfterMs }
        // An ActionError (a refused URL, an HttpError) and the deadline are final; network errors depend.
        if (err instanceof ActionError || err instanceof DeadlineError || !shouldRetryError(err, idempotent))
          return { retry: false }
        return { retry: true, why: describeNetworkError(err, this.timeouts) }
      },
      giveUp: (err, attempts) => {
        if (err instanceof RetryableStatus) {
          return new HttpError(
            `${what} kept answering HTTP ${err.status} for ${Math.round((this.#now() - started) / 1000)} s (${attempts} attempts): the service may be degraded; ${retryLaterAdvice(this.wording)}.`,
            { status: err.status },
          )
        }
        if (err instanceof ActionError) return err
        return this.#networkFailure(what, input, err, attempts, idempotent)
      },
    }
  }

  /**
   * A request whose body is read as text (small JSON answers, at most
   * MAX_TEXT_BYTES). The body too must arrive within the request's deadline
   * (or `bodyMs` after the headers, if later); an idempotent request whose
   * body is cut short is tried again, a request that may have been processed
   * never, and a body that is too large never.
   */
  async text(input: string | URL, options: RequestOptions): Promise<{ response: HttpResponse; text: string }> {
    const idempotent = isIdempotent(options)
    const started = this.#now()
    const attempt = async () => {
      const response = await this.request(input, options)
      if (Number(response.headers['content-length']) > MAX_TEXT_BYTES) {
        response.body.destroy()
        throw this.#tooLarge(options.what, response)
      }
      const limit = Math.max(started + this.timeouts.deadlineMs, this.#now() + this.timeouts.bodyMs) - this.#now()
      const timer = setTimeout(() => response.body.destroy(new DeadlineError()), limit)
      try {
        return { response, text: await response.text() }
      } catch (err) {
        if (err instanceof BodyTooLarge) throw this.#tooLarge(options.what, response)
        const why =
          err instanceof DeadlineError
            ? `it did not arrive within ${+(limit / 1000).toFixed(1)} s`
            : describeNetworkError(err, this.timeouts)
        throw new BodyFailure(response, why, err)
      } finally {
        clearTimeout(timer)
      }
    }
    return withRetries(attempt, {
      ...this.#retryOptions(`${options.method ?? 'GET'} ${redactUrl(input)}`),
      deadline: started + this.timeouts.deadlineMs,
      decide: (err) =>
        err instanceof BodyFailure && idempotent && !(err.cause instanceof DeadlineError)
          ? { retry: true, why: `the body could not be read (${err.why})` }
          : { retry: false },
      giveUp: (err) =>
        err instanceof BodyFailure
          ? new HttpError(
              `${options.what} (${err.response.url.host}) answered HTTP ${err.response.status} but the body could not be read: ${err.why}.`,
              { status: err.response.status, code: errorCode(err.cause), cause: err.cause, phase: 'body' },
            )
          : err,
    })
  }

  #tooLarge(what: string, response: HttpResponse): HttpError {
    return new HttpError(
      `${what} (${response.url.host}) answered HTTP ${response.status} with more than ${MAX_TEXT_BYTES / 1024 / 1024} MiB, far more than such an answer holds: the URL may not point at the right service, or something in between rewrites the answer. ${checkNetworkAdvice(this.wording)}`,
      { status: response.status, phase: 'body', code: 'BODY_TOO_LARGE' },
    )
  }

  async close(): Promise<void> {
    await Promise.all([this.#proxied.close(), this.#direct === this.#proxied ? undefined : this.#direct.close()])
  }

  #retryOptions(label: string): Pick<RetryOptions, 'policy' | 'label' | 'debug' | 'sleep' | 'random' | 'now'> {
    return { policy: this.retry, label, debug: this.#debug, sleep: this.#sleep, random: this.#random, now: this.#now }
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
    const advice = untrustedCertificateAdvice(errorCode(err), this.wording) ?? checkNetworkAdvice(this.wording)
    return new HttpError(`Could not reach ${what} at ${url.origin}: ${why}${tries}${notRetried}. ${advice}`, {
      code: errorCode(err),
      cause: err,
    })
  }

  async #followRedirects(url: URL, options: RequestOptions, method: Method, deadline: number): Promise<HttpResponse> {
    let maxRedirects = options.maxRedirects ?? (method === 'GET' || method === 'HEAD' ? 5 : 0)
    let current = url
    let currentMethod = method
    let body = options.body
    for (;;) {
      assertSecureUrl(current, options.what)
      const headers = hopHeaders(current, url, options)
      const response = await this.#once(current, currentMethod, headers, body, deadline)
      const next = maxRedirects > 0 ? this.#redirectTarget(currentMethod, current, response, url) : undefined
      if (!next) return response
      await response.body.dump().catch(() => {})
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

  /** Where a redirect leads (logged, without query strings), or undefined when the answer is not one. */
  #redirectTarget(
    method: Method,
    current: URL,
    response: { status: number; headers: Record<string, string | undefined> },
    first: URL,
  ): URL | undefined {
    const location = response.headers.location
    if (!REDIRECT_STATUS.has(response.status) || !location) return undefined
    const next = new URL(location, current)
    this.#debug(
      `${method} ${redactUrl(current)}: HTTP ${response.status} to ${redactUrl(next)}${next.origin === first.origin ? '' : ' (another origin: credentials not forwarded)'}`,
    )
    return next
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
      const guarded = guardedBody(res.body, this.timeouts.bodyMs)
      return {
        status: res.statusCode,
        headers: flattenHeaders(res.headers),
        url,
        attempts: 1,
        body: guarded,
        text: () => readText(guarded, MAX_TEXT_BYTES),
      }
    } catch (err) {
      if (controller.signal.aborted) throw new DeadlineError()
      throw err
    } finally {
      clearTimeout(timer)
    }
  }
}
