/** The Data Center emulator's OAuth provider: 10-second codes, strict rotation, redirect_uri on refresh, form-body clients. */
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { startDataCenter, type DataCenter } from '../../../emulator/datacenter/server.ts'
import type { Consumer } from '../../../emulator/bitbucket/state.ts'

let dc: DataCenter
let link: Consumer
const REDIRECT = 'http://localhost:8976/'
beforeEach(async () => {
  dc = await startDataCenter()
  link = dc.state.addApplicationLink()
})
afterEach(() => dc.close())

async function token(form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${dc.url}/rest/oauth2/latest/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  })
  return { status: res.status, json: (await res.json()) as Record<string, string> }
}

const client = () => ({ client_id: link.key, client_secret: link.secret })

async function code(verifier: string): Promise<string> {
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const q = new URLSearchParams({
    client_id: link.key,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'REPO_READ',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  const page = await (await fetch(`${dc.url}/rest/oauth2/latest/authorize?${q}`)).text()
  const request = /name="request" value="([^"]+)"/.exec(page)![1]!
  const res = await fetch(`${dc.url}/rest/oauth2/latest/authorize/decision`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request, decision: 'grant' }).toString(),
  })
  return new URL(res.headers.get('location')!).searchParams.get('code')!
}

test('a code lives 10 seconds and needs the PKCE verifier', async () => {
  const verifier = 'v'.repeat(43)
  const late = await code(verifier)
  dc.state.advance(10_001)
  expect(
    (
      await token({
        grant_type: 'authorization_code',
        code: late,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
        ...client(),
      })
    ).json.error,
  ).toBe('invalid_grant')
  const wrong = await code(verifier)
  expect(
    (
      await token({
        grant_type: 'authorization_code',
        code: wrong,
        redirect_uri: REDIRECT,
        code_verifier: 'x'.repeat(43),
        ...client(),
      })
    ).json.error,
  ).toBe('invalid_grant')
  const good = await code(verifier)
  const r = await token({
    grant_type: 'authorization_code',
    code: good,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    ...client(),
  })
  expect(r.status).toBe(200)
  expect(r.json.scope).toBe('REPO_READ')
})

test('refresh: redirect_uri required, no grace window, a replay ends the chain, Basic alone refused', async () => {
  const first = dc.state.issueDcRefreshToken(link.key)
  expect((await token({ grant_type: 'refresh_token', refresh_token: first, ...client() })).json.error).toBe(
    'invalid_grant',
  )
  const basic = `Basic ${Buffer.from(`${link.key}:${link.secret}`).toString('base64')}`
  expect(
    (
      await token(
        { grant_type: 'refresh_token', refresh_token: first, redirect_uri: REDIRECT },
        { authorization: basic },
      )
    ).status,
  ).toBe(401)
  const r1 = await token({ grant_type: 'refresh_token', refresh_token: first, redirect_uri: REDIRECT, ...client() })
  expect(r1.status).toBe(200)
  const second = r1.json.refresh_token!
  expect(dc.state.acceptsRefreshToken(first)).toBe(false)
  expect(dc.state.acceptsRefreshToken(second)).toBe(true)
  expect(
    (await token({ grant_type: 'refresh_token', refresh_token: first, redirect_uri: REDIRECT, ...client() })).json
      .error,
  ).toBe('invalid_grant')
  expect(dc.state.acceptsRefreshToken(second)).toBe(false)
  expect((await token({ grant_type: 'client_credentials', ...client() })).json.error).toBe('unsupported_grant_type')
})

test("a scope beyond the link's goes back to the redirect URI as error=invalid_scope, with the state", async () => {
  const q = new URLSearchParams({
    client_id: link.key,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'REPO_WRITE',
    state: 'S1',
  })
  const res = await fetch(`${dc.url}/rest/oauth2/latest/authorize?${q}`, { redirect: 'manual' })
  expect(res.status).toBe(302)
  const location = new URL(res.headers.get('location')!)
  expect(location.origin + location.pathname).toBe('http://localhost:8976/')
  expect(location.searchParams.get('error')).toBe('invalid_scope')
  expect(location.searchParams.get('state')).toBe('S1')
  expect(location.searchParams.get('error_description')).toBe('The application link allows REPO_READ.')
  // A wrong redirect URI is never redirected to: a page.
  const bad = await fetch(
    `${dc.url}/rest/oauth2/latest/authorize?${new URLSearchParams({ ...Object.fromEntries(q), redirect_uri: 'http://evil.example/' })}`,
    { redirect: 'manual' },
  )
  expect(bad.status).toBe(400)
})
