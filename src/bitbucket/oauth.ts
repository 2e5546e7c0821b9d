/**
 * Bitbucket's OAuth 2.0 token endpoint: the three grants the action and the
 * login command use, and the mapping of each refusal to a message that says
 * what to do, in the caller's wording. Tokens are masked the moment they are
 * parsed.
 */
import { ActionError } from '../shared/errors.ts'
import { HttpError } from '../net/errors.ts'
import type { HttpClient } from '../net/http.ts'
import type { Masker } from '../shared/mask.ts'
import { parseJsonObject, printable } from '../shared/format.ts'
import type { Wording } from '../shared/wording.ts'
import { tickPermissions } from './scopes.ts'

export type Grant =
  | { type: 'refresh_token'; refreshToken: string }
  | { type: 'client_credentials' }
  | { type: 'authorization_code'; code: string; redirectUri?: string; codeVerifier?: string }

export interface TokenRequest {
  tokenUrl: URL
  clientId: string
  clientSecret: string
  grant: Grant
}

export interface Token {
  accessToken: string
  /** As the server sent it (`bearer`). */
  tokenType: string
  /** Seconds, as returned; undefined when the server sent none, or no sane number (see `unusableExpiresIn`). */
  expiresIn: number | undefined
  expiresAt: Date | undefined
  /** An `expires_in` that was sent but is no sane number of seconds, as inert text for a warning. */
  unusableExpiresIn?: string
  /** Granted scopes; empty when the server named none. */
  scopes: string[]
  /** A refresh token the server issued with this answer, if any. */
  refreshToken: string | undefined
}

/** The names and advice that the token endpoint's refusals mention. */
export type OAuthWording = Pick<Wording, 'clientCredentials' | 'bitbucketUrl' | 'secretName' | 'retryAdvice'>

export interface OAuthDeps {
  http: HttpClient
  masker: Masker
  debug: (message: string) => void
  wording: OAuthWording
  now?: () => number
}

/** A refusal of the token endpoint, as tokenError() maps it. */
export interface Refusal {
  status: number
  json: Record<string, unknown> | undefined
  contentType: string
  grant: Grant['type']
  wwwAuthenticate?: string
}

/** For a refresh token that no longer works. */
function loginHint(wording: OAuthWording): string {
  return `Get a new refresh token with the \`bitbucket-oauth login\` command (README: "Getting the first refresh token"), store it in the secret, and set ${wording.secretName.name} so that the action saves every rotated token.`
}

/** For a refresh whose answer was lost: the token may have rotated all the same. */
function spentHint(wording: OAuthWording): string {
  return `If Bitbucket processed the refresh, the stored refresh token was spent: it keeps working for about 10 minutes, so ${wording.retryAdvice} now.`
}

/** HTTP Basic client authentication, RFC 6749 §2.3.1 (id and secret form-urlencoded first). */
export function basicAuthorization(clientId: string, clientSecret: string, masker: Masker): string {
  const encode = (s: string) => new URLSearchParams({ s }).toString().slice(2)
  const credentials = Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')
  masker.add(credentials)
  return `Basic ${credentials}`
}

function grantBody(grant: Grant): URLSearchParams {
  const body = new URLSearchParams({ grant_type: grant.type })
  if (grant.type === 'refresh_token') body.set('refresh_token', grant.refreshToken)
  if (grant.type === 'authorization_code') {
    body.set('code', grant.code)
    if (grant.redirectUri) body.set('redirect_uri', grant.redirectUri)
    if (grant.codeVerifier) body.set('code_verifier', grant.codeVerifier)
  }
  return body
}

export async function requestToken(deps: OAuthDeps, req: TokenRequest): Promise<Token> {
  const what = 'the Bitbucket token endpoint'
  let result
  try {
    result = await deps.http.text(req.tokenUrl, {
      method: 'POST',
      what,
      authorization: basicAuthorization(req.clientId, req.clientSecret, deps.masker),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: grantBody(req.grant).toString(),
      // A refresh spends the refresh token: repeat it only when it cannot have been processed.
      idempotent: false,
    })
  } catch (err) {
    // No token was read: a refresh may still have been processed, and so spent the refresh token.
    if (
      err instanceof HttpError &&
      req.grant.type === 'refresh_token' &&
      (err.status === undefined || err.phase === 'body')
    ) {
      throw new ActionError(`${err.message} ${spentHint(deps.wording)}`, { cause: err })
    }
    throw err
  }
  const { response, text } = result
  const { wording } = deps
  const contentType = response.headers['content-type'] ?? 'no content type'
  const json = parseJsonObject(text)
  // Mask before anything about the answer is logged.
  if (json) {
    if (typeof json.access_token === 'string') deps.masker.add(json.access_token)
    if (typeof json.refresh_token === 'string') deps.masker.add(json.refresh_token)
  }

  if (response.status >= 200 && response.status < 300) {
    if (!json) {
      throw new ActionError(
        `${what} (${response.url.host}) answered HTTP ${response.status} with ${contentType} that is not a JSON token (${text.length} bytes${text.length === 0 ? '' : ', possibly truncated'}). Check that ${wording.bitbucketUrl.name} is the Bitbucket site root (e.g. https://bitbucket.org) and that no proxy rewrites the answer.${req.grant.type === 'refresh_token' ? ` ${spentHint(wording)}` : ''}`,
        { detail: deps.masker.redact(text.slice(0, 200)) },
      )
    }
    return parseToken(json, deps.now?.() ?? Date.now(), what, wording)
  }
  const wwwAuthenticate = response.headers['www-authenticate']
  throw tokenError({ status: response.status, json, contentType, grant: req.grant.type, wwwAuthenticate }, wording)
}

/** The longest lifetime taken as stated: ten years (Bitbucket's tokens live two hours). */
export const MAX_EXPIRES_IN = 10 * 365 * 24 * 3600

/** `expires_in` as whole seconds from 0 to MAX_EXPIRES_IN (a number, or a string of digits); undefined otherwise. */
export function saneExpiresIn(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : NaN
  return Number.isInteger(n) && n >= 0 && n <= MAX_EXPIRES_IN ? n : undefined
}

function parseToken(json: Record<string, unknown>, now: number, what: string, wording: OAuthWording): Token {
  if (typeof json.access_token !== 'string' || json.access_token.length === 0) {
    throw new ActionError(
      `${what} answered without an access_token (fields: ${Object.keys(json).join(', ') || 'none'}). Check that ${wording.bitbucketUrl.name} points at Bitbucket Cloud.`,
    )
  }
  const expiresRaw = json.expires_in
  const expiresIn = saneExpiresIn(expiresRaw)
  const unusable = expiresRaw !== undefined && expiresRaw !== null && expiresIn === undefined
  const scopeRaw = typeof json.scope === 'string' ? json.scope : typeof json.scopes === 'string' ? json.scopes : ''
  return {
    accessToken: json.access_token,
    tokenType: typeof json.token_type === 'string' ? json.token_type : 'bearer',
    expiresIn,
    expiresAt: expiresIn === undefined ? undefined : new Date(now + expiresIn * 1000),
    scopes: scopeRaw.split(/[\s,]+/).filter(Boolean),
    refreshToken:
      typeof json.refresh_token === 'string' && json.refresh_token.length > 0 ? json.refresh_token : undefined,
    ...(unusable ? { unusableExpiresIn: printable(JSON.stringify(expiresRaw), 40) } : {}),
  }
}

/** Maps a refusal from the token endpoint to what the user should do. */
export function tokenError(refusal: Refusal, wording: OAuthWording): ActionError {
  const { status, json, contentType, grant, wwwAuthenticate } = refusal
  const code = typeof json?.error === 'string' ? json.error : undefined
  const description = typeof json?.error_description === 'string' ? json.error_description : undefined
  const said = code ? ` (${code}${description ? `: ${description}` : ''})` : ''
  const desc = (description ?? '').toLowerCase()

  if (!json) {
    return new ActionError(
      `The Bitbucket token endpoint answered HTTP ${status} with ${contentType}, not a JSON OAuth error. Check that ${wording.bitbucketUrl.name} is the Bitbucket site root (e.g. https://bitbucket.org).`,
    )
  }
  if (
    code === 'invalid_client' ||
    code === 'unauthorized_client' ||
    (status === 401 && !code) ||
    (status === 401 && wwwAuthenticate)
  ) {
    return new ActionError(
      `Bitbucket refused the OAuth consumer${said}. Check ${wording.clientCredentials}: they must be the consumer's Key and Secret (Workspace settings → OAuth consumers).`,
    )
  }
  if (grant === 'client_credentials' && (desc.includes('public') || desc.includes('callback'))) {
    return new ActionError(
      `Bitbucket refused the client_credentials grant${said}. It works only for a consumer marked "This is a private consumer" that has a callback URL: edit the consumer, or pass a \`refresh-token\` instead.`,
    )
  }
  if (grant === 'refresh_token' && (code === 'invalid_grant' || code === 'invalid_request')) {
    return new ActionError(
      `Bitbucket refused the refresh token${said}: it was revoked, expired (unused for 3 months), or already rotated by an earlier run (a used refresh token keeps working only about 10 minutes). ${loginHint(wording)}`,
    )
  }
  if (grant === 'authorization_code' && (code === 'invalid_grant' || code === 'invalid_request')) {
    return new ActionError(
      `Bitbucket refused the authorization code${said}. Codes are single-use and short-lived, and the redirect URI must match the consumer's callback URL; run the login again.`,
    )
  }
  if (code === 'invalid_scope') {
    return new ActionError(
      `Bitbucket refused the requested scopes${said}. ${tickPermissions('the permissions the workflow needs', grant === 'authorization_code' ? 'run the login again' : undefined)}`,
    )
  }
  if (status === 429 || status >= 500) {
    return new ActionError(
      `The Bitbucket token endpoint answered HTTP ${status}${said} after retries. Bitbucket may be degraded; ${wording.retryAdvice} later.`,
    )
  }
  return new ActionError(
    `The Bitbucket token endpoint answered HTTP ${status}${said}. Check the consumer's settings and the inputs.`,
  )
}
