import { describe, expect, test } from '@jest/globals'
import { ActionError } from '../../../src/shared/errors.ts'
import { DeadlineError, HttpError, describeNetworkError, errorCode } from '../../../src/net/errors.ts'
import { DEFAULT_TIMEOUTS } from '../../../src/net/http.ts'

const err = (code: string, message = code) => Object.assign(new Error(message), { code })

describe('errorCode', () => {
  test("the innermost code of the cause chain; undici's generic UND_ERR is skipped", () => {
    expect(errorCode(err('ECONNRESET'))).toBe('ECONNRESET')
    expect(errorCode(new Error('fetch failed', { cause: err('ECONNREFUSED') }))).toBe('ECONNREFUSED')
    expect(errorCode(Object.assign(new Error('x'), { code: 'UND_ERR', cause: err('EPIPE') }))).toBe('EPIPE')
    expect(errorCode(new Error('plain'))).toBeUndefined()
    expect(errorCode(undefined)).toBeUndefined()
  })
})

describe('describeNetworkError', () => {
  test.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ENOTFOUND', 'host name not found (check the URL)'],
    ['UND_ERR_CONNECT_TIMEOUT', 'no connection within 10 s'],
    ['UND_ERR_HEADERS_TIMEOUT', 'no answer within 30 s'],
    ['UND_ERR_BODY_TIMEOUT', 'the answer stalled for 30 s'],
    ['UND_ERR_SOCKET', 'the connection was reset'],
  ])('%s: %s', (code, words) => expect(describeNetworkError(err(code), DEFAULT_TIMEOUTS)).toBe(words))
  test('a certificate problem names NODE_EXTRA_CA_CERTS', () => {
    expect(describeNetworkError(err('DEPTH_ZERO_SELF_SIGNED_CERT'), DEFAULT_TIMEOUTS)).toMatch(/NODE_EXTRA_CA_CERTS/)
  })
  test('anything else: its code and message', () => {
    expect(describeNetworkError(err('EWHAT', 'odd'), DEFAULT_TIMEOUTS)).toBe('EWHAT: odd')
    expect(describeNetworkError(new Error('odd'), DEFAULT_TIMEOUTS)).toBe('odd')
  })
})

describe('error classes', () => {
  test('HttpError is a user-facing ActionError with status, code, phase and detail', () => {
    const e = new HttpError('m', { status: 503, code: 'X', phase: 'body', detail: 'd' })
    expect(e).toBeInstanceOf(ActionError)
    expect(e).toMatchObject({ name: 'HttpError', status: 503, code: 'X', phase: 'body', detail: 'd' })
    expect(new HttpError('m').phase).toBe('request')
  })
  test('DeadlineError is internal: not an ActionError', () => {
    expect(new DeadlineError()).not.toBeInstanceOf(ActionError)
    expect(new DeadlineError()).toBeInstanceOf(Error)
  })
})
