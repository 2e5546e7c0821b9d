import { afterEach, describe, expect, test } from '@jest/globals'
import nock from 'nock'
import { ACTION_WORDING as wording } from '../../../src/action/wording.ts'
import { HttpClient } from '../../../src/net/http.ts'
import { Masker } from '../../../src/shared/mask.ts'
import { MAX_EXPIRES_IN, requestToken, saneExpiresIn, tokenError, type Grant } from '../../../src/bitbucket/oauth.ts'
import { basicAuthorization } from '../../../src/bitbucket/cloud/provider.ts'
import { ACTION_WORDING } from '../../../src/action/wording.ts'

const SITE = 'https://bitbucket.test'
const TOKEN_URL = new URL(`${SITE}/site/oauth2/access_token`)

function deps() {
  const masked: string[] = []
  const masker = new Masker((v) => masked.push(v))
  const http = new HttpClient({ wording, sleep: async () => {}, random: () => 0 })
  return {
    masked,
    masker,
    http,
    debug: () => {},
    wording: ACTION_WORDING,
    now: () => Date.parse('2026-11-22T10:00:00Z'),
  }
}

afterEach(() => {
  nock.cleanAll()
})

/** nock hands a form body parsed or not, depending on the content type. */
const formBody = (b: string | Record<string, string>) => (typeof b === 'string' ? b : new URLSearchParams(b).toString())

describe('requestToken on the wire', () => {
  test('refresh grant: Basic client auth, form body, masks both tokens, reads `scopes`', async () => {
    const d = deps()
    const sent: { auth?: string; type?: string; body?: string } = {}
    nock(SITE)
      .matchHeader('authorization', (v: string | null) => ((sent.auth = v ?? undefined), true))
      .matchHeader('content-type', (v: string | null) => ((sent.type = v ?? undefined), true))
      .post('/site/oauth2/access_token', (b: string | Record<string, string>) => {
        sent.body = formBody(b)
        return true
      })
      .reply(200, {
        access_token: 'AT-1',
        refresh_token: 'RT-2',
        token_type: 'bearer',
        expires_in: 7200,
        scopes: 'repository account',
        state: 'refresh_token',
      })
    const token = await requestToken(d, {
      tokenUrl: TOKEN_URL,
      clientId: 'key',
      clientSecret: 'se cret+/',
      grant: { type: 'refresh_token', refreshToken: 'RT-1' },
    })
    expect(sent.auth).toBe(`Basic ${Buffer.from('key:se+cret%2B%2F').toString('base64')}`)
    expect(sent.type).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'RT-1',
    })
    expect(token).toMatchObject({
      accessToken: 'AT-1',
      refreshToken: 'RT-2',
      tokenType: 'bearer',
      expiresIn: 7200,
      scopes: ['repository', 'account'],
    })
    expect(token.expiresAt?.toISOString()).toBe('2026-11-22T12:00:00.000Z')
    expect(d.masked).toEqual(
      expect.arrayContaining(['AT-1', 'RT-2', Buffer.from('key:se+cret%2B%2F').toString('base64')]),
    )
  })

  test('client_credentials: no refresh token in the body; `scope` preferred', async () => {
    const d = deps()
    let body = ''
    nock(SITE)
      .post('/site/oauth2/access_token', (b: string | Record<string, string>) => ((body = formBody(b)), true))
      .reply(200, { access_token: 'AT', token_type: 'Bearer', expires_in: '3600', scope: 'repository' })
    const token = await requestToken(d, {
      tokenUrl: TOKEN_URL,
      clientId: 'k',
      clientSecret: 's',
      grant: { type: 'client_credentials' },
    })
    expect(body).toBe('grant_type=client_credentials')
    expect(token).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 3600,
      scopes: ['repository'],
      refreshToken: undefined,
    })
  })

  test('authorization_code sends code, redirect_uri and code_verifier', async () => {
    const d = deps()
    let body = ''
    nock(SITE)
      .post('/site/oauth2/access_token', (b: string | Record<string, string>) => ((body = formBody(b)), true))
      .reply(200, { access_token: 'AT', refresh_token: 'RT' })
    await requestToken(d, {
      tokenUrl: TOKEN_URL,
      clientId: 'k',
      clientSecret: 's',
      grant: { type: 'authorization_code', code: 'C', redirectUri: 'http://localhost:8976/', codeVerifier: 'V' },
    })
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({
      grant_type: 'authorization_code',
      code: 'C',
      redirect_uri: 'http://localhost:8976/',
      code_verifier: 'V',
    })
  })

  test('no expires_in and no scope: both left unstated', async () => {
    const d = deps()
    nock(SITE).post('/site/oauth2/access_token').reply(200, { access_token: 'AT' })
    const token = await requestToken(d, {
      tokenUrl: TOKEN_URL,
      clientId: 'k',
      clientSecret: 's',
      grant: { type: 'client_credentials' },
    })
    expect(token).toMatchObject({ expiresIn: undefined, expiresAt: undefined, scopes: [], tokenType: 'bearer' })
  })

  test('an HTML 200 is reported with its status and content type', async () => {
    const d = deps()
    nock(SITE).post('/site/oauth2/access_token').reply(200, '<html>login</html>', { 'content-type': 'text/html' })
    await expect(
      requestToken(d, { tokenUrl: TOKEN_URL, clientId: 'k', clientSecret: 's', grant: { type: 'client_credentials' } }),
    ).rejects.toThrow(/answered HTTP 200 with text\/html that is not a JSON token/)
  })

  test('JSON without access_token is refused', async () => {
    const d = deps()
    nock(SITE).post('/site/oauth2/access_token').reply(200, { token: 'x' })
    await expect(
      requestToken(d, { tokenUrl: TOKEN_URL, clientId: 'k', clientSecret: 's', grant: { type: 'client_credentials' } }),
    ).rejects.toThrow(/without an access_token \(fields: token\)/)
  })

  test('a 503 is retried; the refusal after it is mapped', async () => {
    const d = deps()
    nock(SITE)
      .post('/site/oauth2/access_token')
      .reply(503, 'busy')
      .post('/site/oauth2/access_token')
      .reply(400, { error: 'invalid_grant', error_description: 'Invalid refresh_token' })
    await expect(
      requestToken(d, {
        tokenUrl: TOKEN_URL,
        clientId: 'k',
        clientSecret: 's',
        grant: { type: 'refresh_token', refreshToken: 'R' },
      }),
    ).rejects.toThrow(/refused the refresh token \(invalid_grant: Invalid refresh_token\)/)
    expect(nock.isDone()).toBe(true)
  })
})

describe('tokenError maps each refusal to what to do', () => {
  const map = (
    status: number,
    json: Record<string, unknown> | undefined,
    grant: Grant['type'] = 'refresh_token',
    www?: string,
  ) =>
    tokenError({ status, json, contentType: 'application/json', grant, wwwAuthenticate: www }, ACTION_WORDING).message

  test("Bitbucket's bad client: 400 unauthorized_client", () => {
    expect(map(400, { error: 'unauthorized_client', error_description: 'Invalid OAuth client credentials' })).toMatch(
      /refused the OAuth consumer \(unauthorized_client: Invalid OAuth client credentials\)\. Check the `client-id` and `client-secret` inputs/,
    )
  })
  test("RFC 6749's bad client: 401 invalid_client, or a bare 401 with WWW-Authenticate", () => {
    expect(map(401, { error: 'invalid_client' })).toMatch(/`client-id` and `client-secret`/)
    expect(map(401, {}, 'refresh_token', 'Basic')).toMatch(/`client-id` and `client-secret`/)
  })
  test('refresh token revoked, expired or rotated', () => {
    for (const error of ['invalid_grant', 'invalid_request']) {
      const m = map(400, { error, error_description: 'Invalid refresh_token' })
      expect(m).toMatch(/revoked, expired \(unused for 3 months\), or already rotated/)
      expect(m).toMatch(/bitbucket-oauth login/)
      expect(m).toMatch(/refresh-token-secret/)
    }
  })
  test('a bare invalid_grant with a generic description still says what to do', () => {
    expect(map(400, { error: 'invalid_grant' })).toMatch(/bitbucket-oauth login/)
  })
  test('client_credentials with a public consumer or no callback URL', () => {
    expect(
      map(
        400,
        {
          error: 'invalid_request',
          error_description: 'Cannot use client_credentials with a consumer marked as public',
        },
        'client_credentials',
      ),
    ).toMatch(/private consumer" that has a callback URL/)
    expect(
      map(
        400,
        { error: 'invalid_request', error_description: 'No callback uri defined for the OAuth client.' },
        'client_credentials',
      ),
    ).toMatch(/callback URL/)
  })
  test('authorization code refused', () => {
    expect(map(400, { error: 'invalid_grant' }, 'authorization_code')).toMatch(/run the login again/)
  })
  test('invalid scope', () => {
    expect(map(400, { error: 'invalid_scope' })).toMatch(/Tick the permissions/)
  })
  test('server trouble after retries', () => {
    expect(map(503, { error: 'temporarily_unavailable' })).toMatch(
      /HTTP 503 .* after retries. Bitbucket may be degraded/,
    )
    expect(map(429, {})).toMatch(/HTTP 429 after retries/)
  })
  test('a non-JSON error names status and content type', () => {
    const refusal = { status: 502, json: undefined, contentType: 'text/html', grant: 'refresh_token' } as const
    expect(tokenError(refusal, ACTION_WORDING).message).toMatch(/HTTP 502 with text\/html, not a JSON OAuth error/)
  })
  test('anything else names the status and the error', () => {
    expect(map(400, { error: 'unsupported_grant_type' })).toMatch(/HTTP 400 \(unsupported_grant_type\)/)
  })
})

describe('basicAuthorization', () => {
  test('form-urlencodes id and secret before Base64 (RFC 6749 §2.3.1) and masks the result', () => {
    const masked: string[] = []
    const header = basicAuthorization('a b', 'c:d', new Masker((v) => masked.push(v)))
    expect(Buffer.from(header.slice(6), 'base64').toString()).toBe('a+b:c%3Ad')
    expect(masked).toEqual([header.slice(6)])
  })
})

describe('expires_in', () => {
  test.each([
    [7200, 7200],
    ['7200', 7200],
    [0, 0],
    [MAX_EXPIRES_IN, MAX_EXPIRES_IN],
    [MAX_EXPIRES_IN + 1, undefined],
    [1e20, undefined],
    [-5, undefined],
    [7200.5, undefined],
    [Number.NaN, undefined],
    ['1e3', undefined],
    ['0x10', undefined],
    ['+22', undefined],
    [' 7200', undefined],
    [true, undefined],
    [null, undefined],
  ])('%p → %p', (raw, seconds) => expect(saneExpiresIn(raw)).toBe(seconds))

  test('an absurd value leaves no expiry and is reported inert; the token is still returned', async () => {
    const d = deps()
    nock(SITE)
      .post('/site/oauth2/access_token')
      .reply(200, '{"access_token":"AT-1","token_type":"bearer","expires_in":1e20}', {
        'content-type': 'application/json',
      })
    const token = await requestToken(d, {
      tokenUrl: TOKEN_URL,
      clientId: 'key',
      clientSecret: 'secret',
      grant: { type: 'client_credentials' },
    })
    expect(token).toMatchObject({ accessToken: 'AT-1', expiresIn: undefined, expiresAt: undefined })
    expect(token.unusableExpiresIn).toBe('100000000000000000000')
    nock(SITE).post('/site/oauth2/access_token').reply(200, { access_token: 'AT-2', expires_in: 'soon\n::warning::x' })
    const other = await requestToken(d, {
      tokenUrl: TOKEN_URL,
      clientId: 'key',
      clientSecret: 'secret',
      grant: { type: 'client_credentials' },
    })
    expect(other.unusableExpiresIn).toBe('"soon\\n::warning::x"')
    nock(SITE).post('/site/oauth2/access_token').reply(200, { access_token: 'AT-3' })
    const none = await requestToken(d, {
      tokenUrl: TOKEN_URL,
      clientId: 'key',
      clientSecret: 'secret',
      grant: { type: 'client_credentials' },
    })
    expect(none.unusableExpiresIn).toBeUndefined()
  })
})
