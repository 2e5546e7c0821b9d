/**
 * The authorize endpoint and the authorization_code grant.
 *
 * `GET /site/oauth2/authorize?client_id&response_type=code&state&redirect_uri
 * &code_challenge&code_challenge_method` shows a consent page naming the
 * consumer, with Grant and Deny buttons (a form posted to
 * `/site/oauth2/authorize/decision`). redirect_uri must start with the
 * consumer's callback URL (Bitbucket: else "Invalid redirect_uri"); without it
 * the callback URL is used. Grant redirects to `redirect_uri?code=…&state=…`,
 * Deny to `redirect_uri?error=access_denied&state=…`.
 *
 * Codes are single-use, live CODE_TTL_MS, and are bound to the consumer, the
 * redirect_uri given at authorize (the exchange must send the same one) and
 * the PKCE challenge (S256 or plain; the exchange must send the verifier).
 * Replaying a used code revokes the refresh token it produced (RFC 6749 §4.1.2).
 */
import { createHash } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { sendJson } from '../http/reply.ts'
import type { RequestContext } from '../http/router.ts'
import { consentPage, errorPage } from './authorize-pages.ts'
import { oauthError, tokenAnswer, type GrantHandler } from './oauth.ts'
import type { Site } from './site.ts'
import { randomToken, type EmulatorState } from './state.ts'

export const CODE_TTL_MS = 60_000
/** How long a consent page stays answerable. */
export const CONSENT_TTL_MS = 10 * 60_000

interface Authorization {
  consumer: string
  scopes: string[]
  /** As given at authorize; undefined when the consumer's callback URL was used. */
  redirectUri: string | undefined
  /** Where the browser is sent. */
  target: string
  state: string | undefined
  challenge: string | undefined
  challengeMethod: 'S256' | 'plain' | undefined
  createdAt: number
}

interface IssuedCode extends Authorization {
  issuedAt: number
  used: boolean
  /** The refresh token the code was exchanged for (revoked on replay). */
  refreshToken: string | undefined
}

function withParams(target: string, params: Record<string, string | undefined>): string {
  const url = new URL(target)
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v)
  return url.href
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-length': '0', 'cache-control': 'no-store' })
  res.end()
}

/** Validates an authorize request; an error message for the page, or the authorization. */
function readAuthorizeRequest(query: URLSearchParams, state: EmulatorState): Authorization | string {
  const consumer = state.consumers.get(query.get('client_id') ?? '')
  if (!consumer) return 'Invalid client_id: no OAuth consumer has this key.'
  if (!consumer.callbackUrl) return 'Invalid redirect_uri: the OAuth consumer has no callback URL.'
  const redirectUri = query.get('redirect_uri') ?? undefined
  if (redirectUri !== undefined) {
    let parsed: URL | undefined
    try {
      parsed = new URL(redirectUri)
    } catch {
      parsed = undefined
    }
    if (!parsed || !redirectUri.startsWith(consumer.callbackUrl)) {
      return `Invalid redirect_uri: it must start with the consumer's callback URL (${consumer.callbackUrl}).`
    }
  }
  if (query.get('response_type') !== 'code')
    return `Unsupported response_type "${query.get('response_type') ?? ''}": this emulator knows only "code".`
  const challenge = query.get('code_challenge') ?? undefined
  const method = query.get('code_challenge_method') ?? (challenge ? 'plain' : undefined)
  if (method !== undefined && method !== 'S256' && method !== 'plain')
    return `Unsupported code_challenge_method "${method}".`
  if (method !== undefined && !challenge) return 'code_challenge_method without code_challenge.'
  if (challenge !== undefined && !/^[A-Za-z0-9._~-]{43,128}$/.test(challenge)) return 'Invalid code_challenge.'
  return {
    consumer: consumer.key,
    scopes: consumer.scopes,
    redirectUri,
    target: redirectUri ?? consumer.callbackUrl,
    state: query.get('state') ?? undefined,
    challenge,
    challengeMethod: method as Authorization['challengeMethod'],
    createdAt: state.now(),
  }
}

function verifierMatches(auth: Authorization, verifier: string | null): boolean {
  if (!auth.challenge) return true
  if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false
  const computed =
    auth.challengeMethod === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier
  return computed === auth.challenge
}

export function registerAuthorize({ router, state, grants }: Site): void {
  const consents = new Map<string, Authorization>()
  const codes = new Map<string, IssuedCode>()

  router.add('GET', /^\/site\/oauth2\/authorize$/, (_req, res, ctx) => {
    const auth = readAuthorizeRequest(ctx.url.searchParams, state)
    if (typeof auth === 'string') {
      errorPage(res, 400, auth, ctx)
      return
    }
    const requestId = randomToken(24)
    consents.set(requestId, auth)
    consentPage(res, state.consumers.get(auth.consumer)!, requestId, new URL(auth.target), ctx)
  })
  router.add('POST', /^\/site\/oauth2\/authorize\/decision$/, (_req, res, ctx) =>
    decide(state, consents, codes, res, ctx),
  )
  grants.set('authorization_code', authorizationCodeGrant(state, codes))
}

/** The consent page's answer: Deny sends the browser back with an error, Grant with a new code. */
function decide(
  state: EmulatorState,
  consents: Map<string, Authorization>,
  codes: Map<string, IssuedCode>,
  res: ServerResponse,
  ctx: RequestContext,
): void {
  const form = new URLSearchParams(ctx.body.toString('utf8'))
  const requestId = form.get('request') ?? ''
  const auth = consents.get(requestId)
  consents.delete(requestId)
  if (!auth || state.now() > auth.createdAt + CONSENT_TTL_MS) {
    errorPage(
      res,
      400,
      'This authorization request has expired or was already answered. Start again from the application.',
      ctx,
    )
    return
  }
  const decision = form.get('decision')
  if (decision === 'deny') {
    redirect(
      res,
      withParams(auth.target, {
        error: 'access_denied',
        error_description: 'The user denied access.',
        state: auth.state,
      }),
    )
    return
  }
  if (decision !== 'grant') {
    errorPage(res, 400, 'Choose Grant access or Deny.', ctx)
    return
  }
  const code = randomToken(32)
  codes.set(code, { ...auth, issuedAt: state.now(), used: false, refreshToken: undefined })
  redirect(res, withParams(auth.target, { code, state: auth.state }))
}

/** authorization_code: a fresh, unused code of this consumer, with the same redirect_uri and the PKCE verifier. */
function authorizationCodeGrant(state: EmulatorState, codes: Map<string, IssuedCode>): GrantHandler {
  return (form, consumer, res, ctx) => {
    const value = form.get('code') ?? ''
    const issued = codes.get(value)
    if (!issued || issued.consumer !== consumer.key) {
      oauthError(res, 400, 'invalid_grant', 'Invalid authorization code', ctx)
      return
    }
    if (issued.used) {
      if (issued.refreshToken) {
        const token = state.refreshTokens.get(issued.refreshToken)
        if (token) token.revoked = true
      }
      oauthError(res, 400, 'invalid_grant', 'Authorization code already used', ctx)
      return
    }
    issued.used = true
    if (state.now() > issued.issuedAt + CODE_TTL_MS) {
      oauthError(res, 400, 'invalid_grant', 'Authorization code expired', ctx)
      return
    }
    const redirectUri = form.get('redirect_uri') ?? undefined
    if (
      issued.redirectUri !== undefined
        ? redirectUri !== issued.redirectUri
        : redirectUri !== undefined && redirectUri !== issued.target
    ) {
      oauthError(res, 400, 'invalid_grant', 'redirect_uri does not match the one of the authorization request', ctx)
      return
    }
    if (!verifierMatches(issued, form.get('code_verifier'))) {
      oauthError(res, 400, 'invalid_grant', 'Invalid code_verifier', ctx)
      return
    }
    const refresh = state.issueRefreshToken(consumer.key, issued.scopes)
    issued.refreshToken = refresh.value
    sendJson(res, 200, tokenAnswer(state, consumer, issued.scopes, 'authorization_code', refresh.value), ctx.fault)
  }
}
