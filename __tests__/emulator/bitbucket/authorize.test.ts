/** The emulator's authorize endpoint and authorization_code grant behave as Bitbucket (and RFC 6749/7636) say. */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { startFixture, type Fixture } from '../../helpers/emulator.ts'
import { consent, get } from '../../helpers/login.ts'
import { createPkce } from '../../../src/login/pkce.ts'

let fx: Fixture
beforeEach(async () => {
  fx = await startFixture()
})
afterEach(async () => {
  await fx.emu.close()
})

const REDIRECT = 'http://localhost:8976/'

function authorizeUrl(params: Record<string, string | undefined>): string {
  const url = new URL(`${fx.emu.url}/site/oauth2/authorize`)
  const all: Record<string, string | undefined> = {
    client_id: fx.consumer.key,
    response_type: 'code',
    state: 'st-1',
    ...params,
  }
  for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v)
  return url.href
}

async function exchange(
  form: Record<string, string | undefined>,
  secret = fx.consumer.secret,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const body = new URLSearchParams()
  body.set('grant_type', 'authorization_code')
  for (const [k, v] of Object.entries(form)) if (v !== undefined) body.set(k, v)
  const res = await fetch(`${fx.emu.url}/site/oauth2/access_token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${fx.consumer.key}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: body.toString(),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

async function grantedCode(params: Record<string, string | undefined> = {}): Promise<{ code: string; location: URL }> {
  const location = new URL(await consent(authorizeUrl({ redirect_uri: REDIRECT, ...params }), 'grant'))
  return { code: location.searchParams.get('code')!, location }
}

describe('authorize endpoint', () => {
  test('shows a consent page naming the consumer and its permissions', async () => {
    const page = await get(authorizeUrl({ redirect_uri: REDIRECT }))
    expect(page.status).toBe(200)
    expect(page.text).toContain(`OAuth consumer ${fx.consumer.key}`)
    expect(page.text).toMatch(/<code>repository<\/code>, <code>account<\/code>/)
    expect(page.text).toMatch(/<button[^>]*value="grant"[^>]*>Grant access<\/button>/)
    expect(page.text).toMatch(/<button[^>]*value="deny"[^>]*>Deny<\/button>/)
  })

  test.each([
    ['an unknown client_id', { client_id: 'nope' }, /Invalid client_id/],
    ['a redirect_uri outside the callback URL', { redirect_uri: 'http://localhost:9999/' }, /Invalid redirect_uri/],
    [
      'a redirect_uri on another host',
      { redirect_uri: 'http://evil.example/?x=http://localhost:8976' },
      /Invalid redirect_uri/,
    ],
    ['response_type=token', { redirect_uri: REDIRECT, response_type: 'token' }, /Unsupported response_type/],
    [
      'an unknown challenge method',
      { redirect_uri: REDIRECT, code_challenge: 'a'.repeat(43), code_challenge_method: 'S512' },
      /Unsupported code_challenge_method/,
    ],
  ])('refuses %s with an error page', async (_what, params, message) => {
    const page = await get(authorizeUrl(params))
    expect(page.status).toBe(400)
    expect(page.text).toMatch(message)
    expect(page.location).toBeUndefined()
  })

  test('Grant redirects to redirect_uri with code and state; a path below the callback URL is accepted', async () => {
    const { location } = await grantedCode({ redirect_uri: 'http://localhost:8976/cb?keep=1' })
    expect(location.origin + location.pathname).toBe('http://localhost:8976/cb')
    expect(location.searchParams.get('keep')).toBe('1')
    expect(location.searchParams.get('code')).toMatch(/^\S{20,}$/)
    expect(location.searchParams.get('state')).toBe('st-1')
  })

  test('without redirect_uri the consumer callback URL is used', async () => {
    const location = new URL(await consent(authorizeUrl({}), 'grant'))
    expect(location.origin).toBe('http://localhost:8976')
    const r = await exchange({ code: location.searchParams.get('code')! })
    expect(r.status).toBe(200)
  })

  test('Deny redirects with error=access_denied and the state', async () => {
    const location = new URL(await consent(authorizeUrl({ redirect_uri: REDIRECT }), 'deny'))
    expect(location.searchParams.get('error')).toBe('access_denied')
    expect(location.searchParams.get('state')).toBe('st-1')
    expect(location.searchParams.has('code')).toBe(false)
  })

  test('a consent form answers once', async () => {
    const page = await get(authorizeUrl({ redirect_uri: REDIRECT }))
    const request = /name="request" value="([^"]+)"/.exec(page.text)![1]!
    const post = () =>
      fetch(`${fx.emu.url}/site/oauth2/authorize/decision`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ request, decision: 'grant' }).toString(),
      })
    expect((await post()).status).toBe(302)
    const again = await post()
    expect(again.status).toBe(400)
    expect(await again.text()).toMatch(/expired or was already answered/)
  })
})

describe('authorization_code grant', () => {
  test('issues an access token and a working refresh token', async () => {
    const pkce = createPkce()
    const { code } = await grantedCode({ code_challenge: pkce.challenge, code_challenge_method: 'S256' })
    const r = await exchange({ code, redirect_uri: REDIRECT, code_verifier: pkce.verifier })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({
      token_type: 'bearer',
      expires_in: 7200,
      scope: 'repository account',
      state: 'authorization_code',
    })
    expect(fx.emu.state.validAccessToken(r.json.access_token as string)).toBeDefined()
    expect(fx.emu.state.acceptsRefreshToken(r.json.refresh_token as string)).toBe(true)
  })

  test('a code is single-use; a replay revokes the refresh token it gave', async () => {
    const { code } = await grantedCode()
    const first = await exchange({ code, redirect_uri: REDIRECT })
    expect(first.status).toBe(200)
    const second = await exchange({ code, redirect_uri: REDIRECT })
    expect(second).toEqual({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'Authorization code already used' },
    })
    expect(fx.emu.state.acceptsRefreshToken(first.json.refresh_token as string)).toBe(false)
  })

  test.each([
    [
      'a wrong code_verifier',
      (v: string) => ({ code_verifier: v.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }),
      'Invalid code_verifier',
    ],
    ['no code_verifier', () => ({ code_verifier: undefined }), 'Invalid code_verifier'],
    [
      'another redirect_uri',
      () => ({ redirect_uri: 'http://localhost:8976/other' }),
      'redirect_uri does not match the one of the authorization request',
    ],
    [
      'no redirect_uri',
      () => ({ redirect_uri: undefined }),
      'redirect_uri does not match the one of the authorization request',
    ],
  ])('refuses %s (and spends the code)', async (_what, change, description) => {
    const pkce = createPkce()
    const { code } = await grantedCode({ code_challenge: pkce.challenge, code_challenge_method: 'S256' })
    const r = await exchange({ code, redirect_uri: REDIRECT, code_verifier: pkce.verifier, ...change(pkce.verifier) })
    expect(r).toEqual({ status: 400, json: { error: 'invalid_grant', error_description: description } })
    const retry = await exchange({ code, redirect_uri: REDIRECT, code_verifier: pkce.verifier })
    expect(retry.json.error_description).toBe('Authorization code already used')
  })

  test('an expired code, another consumer or an unknown code are refused', async () => {
    const { code } = await grantedCode()
    fx.emu.state.advance(61_000)
    expect((await exchange({ code, redirect_uri: REDIRECT })).json.error_description).toBe('Authorization code expired')

    const other = fx.emu.state.addConsumer()
    const { code: code2 } = await grantedCode()
    const res = await fetch(`${fx.emu.url}/site/oauth2/access_token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${other.key}:${other.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: code2, redirect_uri: REDIRECT }).toString(),
    })
    expect(await res.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' })
    expect((await exchange({ code: 'made-up', redirect_uri: REDIRECT })).json.error_description).toBe(
      'Invalid authorization code',
    )
  })

  test('a wrong client secret is refused before the code is looked at', async () => {
    const { code } = await grantedCode()
    const r = await exchange({ code, redirect_uri: REDIRECT }, 'wrong')
    expect(r).toEqual({
      status: 400,
      json: { error: 'unauthorized_client', error_description: 'Invalid OAuth client credentials' },
    })
    expect((await exchange({ code, redirect_uri: REDIRECT })).status).toBe(200)
  })
})
