/**
 * The emulated Data Center's authorization endpoint and the
 * authorization_code grant. `GET {context}/rest/oauth2/latest/authorize`
 * shows a consent page for an incoming application link (redirect_uri must
 * be the link's redirect URL exactly; PKCE S256 or plain); a `scope` beyond
 * the link's redirects at once with `error=invalid_scope` (RFC 6749
 * §4.1.2.1: the client and redirect URI are known good by then); the
 * decision redirects with `code` and `state`, or `error=access_denied`. Codes live CODE_TTL_MS (Data Center: 10 seconds),
 * are single-use, and the exchange must send the same redirect_uri and the
 * PKCE verifier, with the client credentials in the form body (oauth.ts).
 */
import { createHash } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { send, sendJson } from '../http/reply.ts'
import type { RequestContext, Router } from '../http/router.ts'
import { tokenAnswer } from '../bitbucket/oauth.ts'
import { randomToken } from '../bitbucket/state.ts'
import { invalidGrant, type DcGrant } from './oauth.ts'
import type { DataCenterState } from './state.ts'

export const CODE_TTL_MS = 10_000

interface Pending {
  client: string
  redirectUri: string
  state: string | undefined
  scopes: string[]
  challenge: string | undefined
  method: string
}

interface Code extends Pending {
  issuedAt: number
  used: boolean
}

function page(res: ServerResponse, status: number, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bitbucket Data Center (emulated)</title></head><body>${body}</body></html>\n`
  send(res, status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, html)
}

const escape = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** An error that goes back to the client's redirect URI rather than onto a page. */
interface RedirectError {
  redirectUri: string
  state: string | undefined
  error: string
  description: string
}

function readRequest(q: URLSearchParams, state: DataCenterState): Pending | RedirectError | string {
  const link = state.consumers.get(q.get('client_id') ?? '')
  if (!link) return 'Invalid client_id: no incoming application link has this client ID.'
  const redirectUri = q.get('redirect_uri') ?? ''
  if (redirectUri !== link.callbackUrl) return `Invalid redirect_uri: the application link's is ${link.callbackUrl}.`
  if (q.get('response_type') !== 'code') return 'Unsupported response_type: only "code".'
  const scopes = (q.get('scope') ?? 'PUBLIC_REPOS').split(/[\s,]+/).filter(Boolean)
  if (scopes.some((s) => !link.scopes.includes(s)))
    return {
      redirectUri,
      state: q.get('state') ?? undefined,
      error: 'invalid_scope',
      description: `The application link allows ${link.scopes.join(' ')}.`,
    }
  const method = q.get('code_challenge_method') ?? 'plain'
  if (!['S256', 'plain'].includes(method)) return `Unsupported code_challenge_method ${method}.`
  return {
    client: link.key,
    redirectUri,
    state: q.get('state') ?? undefined,
    scopes,
    challenge: q.get('code_challenge') ?? undefined,
    method,
  }
}

function pkceOk(code: Code, verifier: string | null): boolean {
  if (!code.challenge) return true
  if (!verifier) return false
  const computed = code.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier
  return computed === code.challenge
}

function redirectError(res: ServerResponse, e: RedirectError): void {
  const target = new URL(e.redirectUri)
  target.searchParams.set('error', e.error)
  target.searchParams.set('error_description', e.description)
  if (e.state !== undefined) target.searchParams.set('state', e.state)
  res.writeHead(302, { location: target.href, 'content-length': '0' })
  res.end()
}

export function registerDcAuthorize(
  router: Router,
  context: string,
  state: DataCenterState,
  grants: Map<string, DcGrant>,
): void {
  const pending = new Map<string, Pending>()
  const codes = new Map<string, Code>()
  router.add('GET', new RegExp(`^${context}/rest/oauth2/latest/authorize$`), (_req, res, ctx) => {
    const request = readRequest(ctx.url.searchParams, state)
    if (typeof request === 'string') return page(res, 400, `<p class="error">${escape(request)}</p>`)
    if ('error' in request) return redirectError(res, request)
    const id = randomToken(24)
    pending.set(id, request)
    page(
      res,
      200,
      `<h1>Authorize access</h1><p>The application link <strong>${escape(request.client)}</strong> asks for ${request.scopes.map(escape).join(', ')}.</p>
<form method="post" action="${context}/rest/oauth2/latest/authorize/decision"><input type="hidden" name="request" value="${id}">
<button name="decision" value="grant">Allow</button><button name="decision" value="deny">Deny</button></form>`,
    )
  })
  router.add('POST', new RegExp(`^${context}/rest/oauth2/latest/authorize/decision$`), (_req, res, ctx) => {
    const form = new URLSearchParams(ctx.body.toString('utf8'))
    const request = pending.get(form.get('request') ?? '')
    if (!request) return page(res, 400, '<p class="error">Unknown or expired authorization request.</p>')
    pending.delete(form.get('request')!)
    const target = new URL(request.redirectUri)
    if (request.state !== undefined) target.searchParams.set('state', request.state)
    if (form.get('decision') === 'grant') {
      const code = randomToken(32)
      codes.set(code, { ...request, issuedAt: state.now(), used: false })
      target.searchParams.set('code', code)
    } else target.searchParams.set('error', 'access_denied')
    res.writeHead(302, { location: target.href, 'content-length': '0' })
    res.end()
  })
  grants.set('authorization_code', (form, client, res, ctx: RequestContext) => {
    const code = codes.get(form.get('code') ?? '')
    if (!code || code.used || code.client !== client.key || state.now() > code.issuedAt + CODE_TTL_MS)
      return invalidGrant(res, ctx)
    if (form.get('redirect_uri') !== code.redirectUri || !pkceOk(code, form.get('code_verifier')))
      return invalidGrant(res, ctx)
    code.used = true
    const refresh = state.issueDcRefreshToken(client.key, code.redirectUri, code.scopes)
    sendJson(res, 200, tokenAnswer(state, client, code.scopes, 'authorization_code', refresh), ctx.fault)
  })
}
