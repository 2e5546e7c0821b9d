import { describe, expect, test } from '@jest/globals'
import { ActionError } from '../../../src/shared/errors.ts'
import { assertSecureUrl, isLoopbackHost, joinUrl, redactUrl } from '../../../src/net/url.ts'

describe('URL rules', () => {
  test.each(['localhost', '127.0.0.1', '127.1.2.3', '[::1]'])('%s is loopback', (h) =>
    expect(isLoopbackHost(h)).toBe(true),
  )
  test.each(['example.com', '10.0.0.1', '128.0.0.1', 'localhost.evil.com'])('%s is not', (h) =>
    expect(isLoopbackHost(h)).toBe(false),
  )
  test('plain http is refused for other hosts before anything is sent', () => {
    expect(() => assertSecureUrl(new URL('http://bitbucket.org'), 'x')).toThrow(ActionError)
    expect(() => assertSecureUrl(new URL('http://127.0.0.1:8080'), 'x')).not.toThrow()
    expect(() => assertSecureUrl(new URL('ftp://bitbucket.org'), 'x')).toThrow(/must be an https:\/\/ URL/)
  })
  test('redactUrl drops queries and user info', () => {
    expect(redactUrl('https://u:p@h.test/a?token=1')).toBe('https://h.test/a?…')
  })
})

describe('joinUrl', () => {
  test('keeps the base path and adds exactly one slash', () => {
    expect(joinUrl(new URL('https://api.bitbucket.org/2.0/'), '/repositories/a/b').href).toBe(
      'https://api.bitbucket.org/2.0/repositories/a/b',
    )
    expect(joinUrl(new URL('https://h.test/base'), 'x').href).toBe('https://h.test/base/x')
  })
})
