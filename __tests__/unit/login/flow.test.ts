/** The pure parts of the login flow: the authorize URL and the check of the callback. */
import { describe, expect, test } from '@jest/globals'
import { authorizeUrl, checkCallback } from '../../../src/login/flow.ts'

describe('checkCallback', () => {
  const q = (s: string) => new URLSearchParams(s)
  test('returns the code when the state matches', () => {
    expect(checkCallback(q('code=abc&state=S1'), 'S1', 8976)).toBe('abc')
  })
  test.each([
    ['code=abc&state=S2', /wrong state/],
    ['code=abc', /wrong state/],
    ['state=S1', /no authorization code/],
    ['error=access_denied&state=S1', /Access was denied/],
    ['error=invalid_scope&state=S1', /Tick the permissions/],
    ['error=temporarily_unavailable&state=S1', /in a few minutes/],
    [
      'error=unauthorized_client&error_description=x&state=S1',
      /error=unauthorized_client: x.*callback URL is http:\/\/localhost:8976/,
    ],
  ])('%s', (query, message) => {
    expect(() => checkCallback(q(query), 'S1', 8976)).toThrow(message)
  })
})

describe('authorizeUrl', () => {
  test('the authorize URL keeps a base path and encodes redirect_uri', () => {
    const url = authorizeUrl(new URL('https://bb.example/sub'), {
      clientId: 'k',
      state: 's',
      redirectUri: 'http://localhost:8976/',
      pkce: { verifier: 'v', challenge: 'c', method: 'S256' },
    })
    expect(url.href).toBe(
      'https://bb.example/sub/site/oauth2/authorize?client_id=k&response_type=code&state=s&redirect_uri=http%3A%2F%2Flocalhost%3A8976%2F&code_challenge=c&code_challenge_method=S256',
    )
  })
})
