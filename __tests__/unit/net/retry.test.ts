import { describe, expect, test } from '@jest/globals'
import {
  DEFAULT_RETRY,
  backoffDelay,
  classifyNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  shouldRetryError,
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
