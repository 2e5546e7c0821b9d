/**
 * When to try again, how long to wait first, and the one loop that does it
 * (withRetries), used by every request, every body read and every download.
 *
 * Only transient faults are retried: network errors, 408, 429 and 5xx. A
 * request that is not safe to repeat (a refresh-token grant spends the token)
 * is retried only when it cannot have been processed: the connection was
 * never made, or the server answered with 429/5xx. A timeout or a reset after
 * the request was sent is final for it.
 */
import { errorCode } from './errors.ts'
import { SLOW_BODY } from './throughput.ts'

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number
  /** First backoff; doubles each retry. */
  baseDelayMs: number
  /** Cap on one backoff. */
  maxDelayMs: number
  /** Cap on a server's `Retry-After`; a longer one ends the retries. */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 8000,
  maxRetryAfterMs: 30_000,
}

/** 408, 429 and 5xx but 501 (Not Implemented) and 505 (HTTP Version Not Supported), which no retry mends. */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true
  return status >= 500 && status < 600 && status !== 501 && status !== 505
}

/** Error codes meaning the request never reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ECONNABORTED_BEFORE_SEND',
])

/** Error codes meaning the request may have been processed; safe only to repeat idempotent requests. */
const MAYBE_SENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  SLOW_BODY,
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'Z_BUF_ERROR',
  'TRUNCATED',
])

export type NetworkFault = 'not-sent' | 'maybe-sent' | 'fatal'

export function classifyNetworkError(err: unknown): NetworkFault {
  const code = errorCode(err)
  if (code && NOT_SENT_CODES.has(code)) return 'not-sent'
  if (code && MAYBE_SENT_CODES.has(code)) return 'maybe-sent'
  return 'fatal'
}

export function shouldRetryError(err: unknown, idempotent: boolean): boolean {
  const fault = classifyNetworkError(err)
  return fault === 'not-sent' || (fault === 'maybe-sent' && idempotent)
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date.
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  // An HTTP date names its day or month; bare numbers such as "-3" are not dates.
  const date = /[A-Za-z]/.test(trimmed) ? Date.parse(trimmed) : Number.NaN
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/**
 * Backoff before retry number `retry` (1 for the first retry): exponential,
 * capped, with "equal jitter" (half fixed, half random) so that parallel jobs
 * spread out without ever retrying at once.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1))
  return Math.round(exp / 2 + random() * (exp / 2))
}

/** After a failed attempt: try again (`why` for the debug line; `waitMs` when the server named the wait), or stop. */
export type RetryDecision = { retry: true; why: string; waitMs?: number } | { retry: false }

/** Why withRetries stopped: `decide` said so, every attempt was used, or the next wait would pass the deadline. */
export type GiveUpReason = 'final' | 'attempts' | 'deadline'

export interface RetryOptions {
  policy: RetryPolicy
  /** What is tried, at the start of each debug line: "GET https://api.bitbucket.org/2.0/…". */
  label: string
  /** Whether the error of attempt number `attempt` is worth another attempt. */
  decide(err: unknown, attempt: number): RetryDecision
  /** What to throw on giving up, after `attempts` attempts (default: the last error itself). */
  giveUp?(err: unknown, attempts: number, reason: GiveUpReason): unknown
  /** A time (by `now`) that no retry may reach, its wait included. */
  deadline?: number
  debug(message: string): void
  /** Called before each wait, after the debug line (to tell the user, say). */
  onRetry?(err: unknown, attempt: number, waitMs: number): void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  now?: () => number
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Runs `attempt` (given its number, from 1) until it resolves, or until the
 * policy's attempts, the deadline or `decide` end it. Between attempts it
 * waits the backoff of `backoffDelay` (or what `decide` names) and writes one
 * debug line: "LABEL: WHY, retry N in MS ms".
 */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy } = options
  const now = options.now ?? Date.now
  const giveUp = (err: unknown, n: number, reason: GiveUpReason) =>
    options.giveUp ? options.giveUp(err, n, reason) : err
  for (let n = 1; ; n++) {
    try {
      return await attempt(n)
    } catch (err) {
      const decision = options.decide(err, n)
      if (!decision.retry) throw giveUp(err, n, 'final')
      if (n >= policy.attempts) throw giveUp(err, n, 'attempts')
      const waitMs = decision.waitMs ?? backoffDelay(policy, n, options.random ?? Math.random)
      if (options.deadline !== undefined && now() + waitMs >= options.deadline) throw giveUp(err, n, 'deadline')
      options.debug(`${options.label}: ${decision.why}, retry ${n} in ${waitMs} ms`)
      options.onRetry?.(err, n, waitMs)
      await (options.sleep ?? realSleep)(waitMs)
    }
  }
}
