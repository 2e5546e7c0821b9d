import { describe, expect, test } from '@jest/globals'
import {
  DEFAULT_RETRY,
  backoffDelay,
  classifyNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  shouldRetryError,
  withRetries,
  type RetryOptions,
} from '../../../src/net/retry.ts'

const err = (code: string) => Object.assign(new Error(code), { code })

describe('isRetryableStatus', () => {
  test.each([408, 429, 500, 502, 503, 504, 599])('%i is retried', (s) => expect(isRetryableStatus(s)).toBe(true))
  test.each([200, 301, 400, 401, 403, 404, 409, 422, 501, 505])('%i is not', (s) =>
    expect(isRetryableStatus(s)).toBe(false),
  )
})

describe('network errors', () => {
  test('a refused connection was never processed: retried even for a refresh grant', () => {
    expect(classifyNetworkError(err('ECONNREFUSED'))).toBe('not-sent')
    expect(shouldRetryError(err('ECONNREFUSED'), false)).toBe(true)
    expect(shouldRetryError(err('UND_ERR_CONNECT_TIMEOUT'), false)).toBe(true)
  })
  test('a reset or timeout after sending is retried only for idempotent requests', () => {
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      expect(classifyNetworkError(err(code))).toBe('maybe-sent')
      expect(shouldRetryError(err(code), true)).toBe(true)
      expect(shouldRetryError(err(code), false)).toBe(false)
    }
  })
  test('unknown hosts and certificate errors are final', () => {
    expect(shouldRetryError(err('ENOTFOUND'), true)).toBe(false)
    expect(shouldRetryError(err('DEPTH_ZERO_SELF_SIGNED_CERT'), true)).toBe(false)
    expect(shouldRetryError(new Error('boom'), true)).toBe(false)
  })
  test('the code is found in the cause chain', () => {
    const wrapped = new Error('fetch failed', { cause: err('ECONNREFUSED') })
    expect(classifyNetworkError(wrapped)).toBe('not-sent')
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-22T10:00:00Z')
  test('delta seconds', () => expect(parseRetryAfter('7', now)).toBe(7000))
  test('an HTTP date', () => expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:05 GMT', now)).toBe(5000))
  test('a date in the past means now', () => expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0))
  test('absent or unreadable', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-3', now)).toBeUndefined()
  })
})

describe('backoffDelay', () => {
  test('doubles each retry, between half and all of the step', () => {
    expect(backoffDelay(DEFAULT_RETRY, 1, () => 0)).toBe(500)
    expect(backoffDelay(DEFAULT_RETRY, 1, () => 1)).toBe(1000)
    expect(backoffDelay(DEFAULT_RETRY, 2, () => 0)).toBe(1000)
    expect(backoffDelay(DEFAULT_RETRY, 3, () => 1)).toBe(4000)
  })
  test('is capped', () => {
    expect(backoffDelay(DEFAULT_RETRY, 10, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs)
  })
  test('the defaults end a persistently failing request well within 60 s', () => {
    let total = 0
    for (let retry = 1; retry < DEFAULT_RETRY.attempts; retry++) total += backoffDelay(DEFAULT_RETRY, retry, () => 1)
    expect(total).toBeLessThan(20_000)
  })
})

describe('withRetries', () => {
  /** An attempt that fails with the given errors in turn, then resolves with 'ok'. */
  function failing(...errors: unknown[]) {
    const calls: number[] = []
    const attempt = async (n: number) => {
      calls.push(n)
      if (n <= errors.length) throw errors[n - 1]
      return 'ok'
    }
    return { calls, attempt }
  }
  function options(overrides: Partial<RetryOptions> = {}) {
    const debug: string[] = []
    const sleeps: number[] = []
    const o: RetryOptions = {
      policy: DEFAULT_RETRY,
      label: 'GET https://h.test/x',
      decide: (e) => ({ retry: true, why: (e as Error).message }),
      debug: (m) => void debug.push(m),
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0,
      ...overrides,
    }
    return { o, debug, sleeps }
  }

  test('tries again with the backoff until an attempt succeeds, one debug line per retry', async () => {
    const { calls, attempt } = failing(new Error('reset'), new Error('reset'))
    const { o, debug, sleeps } = options()
    await expect(withRetries(attempt, o)).resolves.toBe('ok')
    expect(calls).toEqual([1, 2, 3])
    expect(sleeps).toEqual([500, 1000])
    expect(debug).toEqual([
      'GET https://h.test/x: reset, retry 1 in 500 ms',
      'GET https://h.test/x: reset, retry 2 in 1000 ms',
    ])
  })

  test('a wait named by the decision replaces the backoff', async () => {
    const { attempt } = failing(new Error('busy'))
    const { o, sleeps } = options({ decide: () => ({ retry: true, why: 'HTTP 429', waitMs: 3000 }) })
    await withRetries(attempt, o)
    expect(sleeps).toEqual([3000])
  })

  test("stops after the policy's attempts, saying so to giveUp", async () => {
    const { calls, attempt } = failing(...Array.from({ length: 9 }, () => new Error('reset')))
    const reasons: string[] = []
    const { o } = options({ giveUp: (_e, n, reason) => (reasons.push(reason), new Error(`gave up after ${n}`)) })
    await expect(withRetries(attempt, o)).rejects.toThrow('gave up after 4')
    expect(calls).toEqual([1, 2, 3, 4])
    expect(reasons).toEqual(['attempts'])
  })

  test('an error the decision calls final is not retried, and is thrown as it is without giveUp', async () => {
    const final = new Error('not found')
    const { calls, attempt } = failing(final)
    const { o, sleeps, debug } = options({ decide: () => ({ retry: false }) })
    await expect(withRetries(attempt, o)).rejects.toBe(final)
    expect(calls).toEqual([1])
    expect(sleeps).toEqual([])
    expect(debug).toEqual([])
  })

  test('the decision sees each error and its attempt number', async () => {
    const seen: [string, number][] = []
    const { attempt } = failing(new Error('a'), new Error('b'))
    const { o } = options({
      decide: (e, n) => (seen.push([(e as Error).message, n]), { retry: true, why: 'x' }),
    })
    await withRetries(attempt, o)
    expect(seen).toEqual([
      ['a', 1],
      ['b', 2],
    ])
  })

  test('no retry whose wait would reach the deadline', async () => {
    let now = 0
    const { calls, attempt } = failing(...Array.from({ length: 9 }, () => new Error('reset')))
    const reasons: string[] = []
    const { o, sleeps } = options({
      deadline: 1600,
      now: () => now,
      sleep: async (ms) => void (sleeps.push(ms), (now += ms)),
      giveUp: (e, _n, reason) => (reasons.push(reason), e),
    })
    await expect(withRetries(attempt, o)).rejects.toThrow('reset')
    // 500 ms (now 500), 1000 ms (now 1500), then 2000 ms would pass 1600.
    expect(sleeps).toEqual([500, 1000])
    expect(calls).toEqual([1, 2, 3])
    expect(reasons).toEqual(['deadline'])
  })

  test('onRetry is told of each retry and its wait', async () => {
    const { attempt } = failing(new Error('cut'))
    const told: string[] = []
    const { o } = options({ onRetry: (e, n, ms) => void told.push(`${(e as Error).message} ${n} ${ms}`) })
    await withRetries(attempt, o)
    expect(told).toEqual(['cut 1 500'])
  })
})
