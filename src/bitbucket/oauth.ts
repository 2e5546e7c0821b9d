/**
 * Bitbucket's OAuth 2.0 token endpoint: the three grants the action and the
 * login command use, and the mapping of each refusal to a message that says
 * what to do, in the caller's wording. Tokens are masked the moment they are
 * parsed.
 */
import { ActionError } from '../shared/errors.ts'
import { HttpError, isTlsFailure } from '../net/errors.ts'
import type { HttpClient } from '../net/http.ts'
import { classifyNetworkError } from '../net/retry.ts'
import type { Masker } from '../shared/mask.ts'
import { parseJsonObject, printable } from '../shared/format.ts'
import type { Wording } from '../shared/wording.ts'
import { CLOUD } from './cloud/provider.ts'
import type { Provider } from './provider.ts'

export type Grant =
  | { type: 'refresh_token'; refreshToken: string; redirectUri?: string }
  | { type: 'client_credentials' }
  | { type: 'authorization_code'; code: string; redirectUri?: string; codeVerifier?: string }

export interface TokenRequest {
  tokenUrl: URL
  clientId: string
  clientSecret: string
  grant: Grant
  /** Client authentication, extra fields and the wording of refusals (default: Bitbucket Cloud). */
  provider?: Provider
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
function loginHint(wording: OAuthWording, provider: Provider): string {
  const { command, readme } = provider.wording.login
  return `Get a new refresh token with the \`${command}\` command (README: "${readme}"), store it in the secret, and set ${wording.secretName.name} so that the action saves every rotated token.`
}

/** For a refresh whose answer was lost: the token may have rotated all the same. */
function spentHint(wording: OAuthWording, provider: Provider): string {
  return provider.wording.spentRefresh(wording.retryAdvice)
}

/**
 * No token was read: a refresh may still have been processed, and so spent the refresh token (not when the
 * connection was never made or the TLS handshake failed on the server's certificate: then nothing was sent).
 */
function mayHaveSpent(err: unknown): err is HttpError {
  if (!(err instanceof HttpError) || isTlsFailure(err.code) || classifyNetworkError(err) === 'not-sent') return false
  return err.status === undefined || err.phase === 'body'
}

function grantBody(grant: Grant, form: Record<string, string>): URLSearchParams {
  const body = new URLSearchParams({ grant_type: grant.type })
  if (grant.type === 'refresh_token') {
    body.set('refresh_token', grant.refreshToken)
    if (grant.redirectUri) body.set('redirect_uri', grant.redirectUri)
  }
  if (grant.type === 'authorization_code') {
    body.set('code', grant.code)
    if (grant.redirectUri) body.set('redirect_uri', grant.redirectUri)
    if (grant.codeVerifier) body.set('code_verifier', grant.codeVerifier)
  }
  for (const [name, value] of Object.entries(form)) body.set(name, value)
  return body
}

export async function requestToken(deps: OAuthDeps, req: TokenRequest): Promise<Token> {
  const provider = req.provider ?? CLOUD
  const what = `the ${provider.wording.product} token endpoint`
  const client = provider.clientAuthentication(req.clientId, req.clientSecret, deps.masker)
  let result
  try {
    result = await deps.http.text(req.tokenUrl, {
      method: 'POST',
      what,
      authorization: client.authorization,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: grantBody(req.grant, client.form).toString(),
      // A refresh spends the refresh token: repeat it only when it cannot have been processed.
      idempotent: false,
    })
  } catch (err) {
    if (req.grant.type === 'refresh_token' && mayHaveSpent(err)) {
      throw new ActionError(`${err.message} ${spentHint(deps.wording, provider)}`, { cause: err })
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
        `${what} (${response.url.host}) answered HTTP ${response.status} with ${contentType} that is not a JSON token (${text.length} bytes${text.length === 0 ? '' : ', possibly truncated'}). Check that ${wording.bitbucketUrl.name} is ${provider.wording.siteRoot} and that no proxy rewrites the answer.${req.grant.type === 'refresh_token' ? ` ${spentHint(wording, provider)}` : ''}`,
        { detail: deps.masker.redact(text.slice(0, 200)) },
      )
    }
    return parseToken(
      json,
      deps.now?.() ?? Date.now(),
      what,
      `${wording.bitbucketUrl.name} is ${provider.wording.siteRoot}`,
    )
  }
  const wwwAuthenticate = response.headers['www-authenticate']
  throw tokenError(
    { status: response.status, json, contentType, grant: req.grant.type, wwwAuthenticate },
    wording,
    provider,
  )
}

/** The longest lifetime taken as stated: ten years (Bitbucket's tokens live two hours). */
export const MAX_EXPIRES_IN = 10 * 365 * 24 * 3600

/** `expires_in` as whole seconds from 0 to MAX_EXPIRES_IN (a number, or a string of digits); undefined otherwise. */
export function saneExpiresIn(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : NaN
  return Number.isInteger(n) && n >= 0 && n <= MAX_EXPIRES_IN ? n : undefined
}

function parseToken(json: Record<string, unknown>, now: number, what: string, check: string): Token {
  if (typeof json.access_token !== 'string' || json.access_token.length === 0) {
    throw new ActionError(
      `${what} answered without an access_token (fields: ${Object.keys(json).join(', ') || 'none'}). Check that ${check}.`,
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
export function tokenError(refusal: Refusal, wording: OAuthWording, provider: Provider = CLOUD): ActionError {
  const { product, client, clientFix } = provider.wording
  const { status, json, contentType, grant, wwwAuthenticate } = refusal
  const code = typeof json?.error === 'string' ? json.error : undefined
  const description = typeof json?.error_description === 'string' ? json.error_description : undefined
  const said = code ? ` (${code}${description ? `: ${description}` : ''})` : ''
  const desc = (description ?? '').toLowerCase()

  if (!json) {
    return new ActionError(
      `The ${product} token endpoint answered HTTP ${status} with ${contentType}, not a JSON OAuth error. Check that ${wording.bitbucketUrl.name} is ${provider.wording.siteRoot}.`,
    )
  }
  if (
    code === 'invalid_client' ||
    code === 'unauthorized_client' ||
    (status === 401 && !code) ||
    (status === 401 && wwwAuthenticate)
  ) {
    return new ActionError(`${product} refused ${client}${said}. Check ${wording.clientCredentials}: ${clientFix}.`)
  }
  if (grant === 'client_credentials' && (desc.includes('public') || desc.includes('callback'))) {
    return new ActionError(
      `Bitbucket refused the client_credentials grant${said}. It works only for a consumer marked "This is a private consumer" that has a callback URL: edit the consumer, or pass a \`refresh-token\` instead.`,
    )
  }
  if (grant === 'refresh_token' && (code === 'invalid_grant' || code === 'invalid_request')) {
    return new ActionError(
      `${product} refused the refresh token${said}: ${provider.wording.refusedRefresh(loginHint(wording, provider))}`,
    )
  }
  if (grant === 'authorization_code' && (code === 'invalid_grant' || code === 'invalid_request')) {
    return new ActionError(
      `${product} refused the authorization code${said}. Codes are single-use and short-lived, and the redirect URI must match ${provider.wording.login.callbackUrl}; run the login again.`,
    )
  }
  if (code === 'invalid_scope') {
    return new ActionError(
      `${product} refused the requested scopes${said}. ${provider.wording.tickPermissions('the permissions the workflow needs', grant === 'authorization_code' ? 'run the login again' : undefined)}`,
    )
  }
  if (status === 429 || status >= 500) {
    return new ActionError(
      `The ${product} token endpoint answered HTTP ${status}${said} after retries. ${product} may be degraded; ${wording.retryAdvice} later.`,
    )
  }
  return new ActionError(
    `The ${product} token endpoint answered HTTP ${status}${said}. Check the settings of ${client} and the inputs.`,
  )
}
