import { describe, expect, test } from '@jest/globals'
import { ActionError } from '../../../src/shared/errors.ts'
import {
  DeadlineError,
  HttpError,
  describeNetworkError,
  errorCode,
  isTlsFailure,
  untrustedCertificateAdvice,
} from '../../../src/net/errors.ts'
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
  test('a certificate problem says which; an untrusted one ends with NODE_EXTRA_CA_CERTS as the fix', () => {
    const words = { network: "the runner's network", retryAdvice: 're-run the job' }
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ]) {
      expect(describeNetworkError(err(code), DEFAULT_TIMEOUTS)).toBe(
        `TLS certificate not trusted (${code}): no CA that Node.js trusts signed it`,
      )
      expect(isTlsFailure(code)).toBe(true)
      expect(untrustedCertificateAdvice(code, words)).toMatch(
        /self-signed certificate or a private CA, set the environment variable NODE_EXTRA_CA_CERTS to the PEM file of that CA .*then re-run the job\.$/,
      )
    }
    expect(describeNetworkError(err('ERR_TLS_CERT_ALTNAME_INVALID'), DEFAULT_TIMEOUTS)).toMatch(
      /not valid for this host name/,
    )
    expect(describeNetworkError(err('CERT_HAS_EXPIRED'), DEFAULT_TIMEOUTS)).toMatch(/expired or not yet valid/)
    // Not a trust problem: NODE_EXTRA_CA_CERTS would not help.
    expect(untrustedCertificateAdvice('ERR_TLS_CERT_ALTNAME_INVALID', words)).toBeUndefined()
    expect(untrustedCertificateAdvice('ECONNREFUSED', words)).toBeUndefined()
    expect(isTlsFailure('ECONNREFUSED')).toBe(false)
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
