/**
 * `POST /site/oauth2/access_token`: the refresh_token and client_credentials
 * grants, and those in `site.grants` (authorize.ts adds authorization_code),
 * with Bitbucket's error shapes (or RFC 6749's with `strictErrors`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendJson } from '../http/reply.ts'
import type { RequestContext } from '../http/router.ts'
import type { Site } from './site.ts'
import type { Consumer, EmulatorState } from './state.ts'

export type GrantHandler = (form: URLSearchParams, consumer: Consumer, res: ServerResponse, ctx: RequestContext) => void

/** Decodes HTTP Basic client credentials (RFC 6749 §2.3.1: each part form-urlencoded). */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '')
  if (!m) return undefined
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
  const i = decoded.indexOf(':')
  if (i < 0) return undefined
  const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '))
  try {
    return { id: unform(decoded.slice(0, i)), secret: unform(decoded.slice(i + 1)) }
  } catch {
    return undefined
  }
}

export function oauthError(
  res: ServerResponse,
  status: number,
  error: string,
  description: string,
  ctx?: RequestContext,
  headers?: Record<string, string>,
): void {
  sendJson(res, status, { error, error_description: description }, ctx?.fault, headers)
}

export function tokenAnswer(
  state: EmulatorState,
  consumer: Consumer,
  scopes: string[],
  grant: string,
  refreshToken: string | undefined,
): Record<string, unknown> {
  const access = state.issueAccessToken(consumer.key, scopes)
  const body: Record<string, unknown> = {
    access_token: access.value,
    token_type: 'bearer',
    expires_in: state.options.accessTtlSec,
    state: grant,
  }
  const scope = scopes.join(' ')
  if (state.options.scopeField === 'scope' || state.options.scopeField === 'both') body.scope = scope
  if (state.options.scopeField === 'scopes' || state.options.scopeField === 'both') body.scopes = scope
  if (refreshToken) body.refresh_token = refreshToken
  return { ...body, ...state.options.tokenAnswerOverrides }
}

/** refresh_token: a live refresh token of this consumer; a new one when rotation is on. */
function refreshTokenGrant(state: EmulatorState): GrantHandler {
  return (form, consumer, res, ctx) => {
    const value = form.get('refresh_token') ?? ''
    const token = state.refreshTokens.get(value)
    const problem = state.refreshTokenProblem(token, consumer.key)
    if (problem || !token) {
      oauthError(res, 400, 'invalid_grant', 'Invalid refresh_token', ctx)
      return
    }
    const now = state.now()
    token.firstUsedAt ??= now
    token.lastUsedAt = now
    const next = state.options.rotate ? state.issueRefreshToken(consumer.key, token.scopes).value : token.value
    sendJson(res, 200, tokenAnswer(state, consumer, token.scopes, 'refresh_token', next), ctx.fault)
  }
}

/** client_credentials: private consumers with a callback URL only; no refresh token. */
function clientCredentialsGrant(state: EmulatorState): GrantHandler {
  return (_form, consumer, res, ctx) => {
    if (!consumer.private) {
      oauthError(
        res,
        400,
        'invalid_request',
        'Cannot use client_credentials with a consumer marked as public. Calls for auto generated consumers should use urls configured in the consumer.',
        ctx,
      )
      return
    }
    if (!consumer.callbackUrl) {
      oauthError(res, 400, 'invalid_request', 'No callback uri defined for the OAuth client.', ctx)
      return
    }
    sendJson(res, 200, tokenAnswer(state, consumer, consumer.scopes, 'client_credentials', undefined), ctx.fault)
  }
}

/** The consumer of the request's Basic client credentials, or an error answer and undefined. */
function authenticateClient(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): Consumer | undefined {
  const creds = basicCredentials(req.headers.authorization)
  const consumer = creds ? state.consumers.get(creds.id) : undefined
  if (consumer && consumer.secret === creds?.secret) return consumer
  if (state.options.strictErrors) {
    oauthError(res, 401, 'invalid_client', 'Client authentication failed', ctx, {
      'www-authenticate': 'Basic realm="oauth"',
    })
  } else {
    oauthError(res, 400, 'unauthorized_client', 'Invalid OAuth client credentials', ctx)
  }
  return undefined
}

export function registerOAuth({ router, state, grants }: Site): void {
  const builtIn = new Map([
    ['refresh_token', refreshTokenGrant(state)],
    ['client_credentials', clientCredentialsGrant(state)],
  ])
  router.add('POST', /^\/site\/oauth2\/access_token$/, (req, res, ctx) => {
    const consumer = authenticateClient(state, req, res, ctx)
    if (!consumer) return
    const form = new URLSearchParams(ctx.body.toString('utf8'))
    const grant = form.get('grant_type') ?? ''
    const handler = builtIn.get(grant) ?? grants.get(grant)
    if (handler) {
      handler(form, consumer, res, ctx)
      return
    }
    oauthError(res, 400, 'unsupported_grant_type', `Unsupported grant type: ${grant}`, ctx)
  })
}
