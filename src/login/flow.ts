/**
 * The authorization-code flow of `bitbucket-oauth login`: listen first, then
 * print (and open) the authorize URL with a random state and a PKCE S256
 * challenge, wait for the redirect, check it, exchange the code with the same
 * redirect_uri, answer the browser with a page that never holds the token,
 * and hand over ONLY the refresh token (stdout or a GitHub secret).
 */
import { ActionError, errorMessage } from '../shared/errors.ts'
import type { HttpClient } from '../net/http.ts'
import type { Masker } from '../shared/mask.ts'
import { requestToken, type Token } from '../bitbucket/oauth.ts'
import { CLOUD } from '../bitbucket/cloud/provider.ts'
import type { Provider } from '../bitbucket/provider.ts'
import { describeSecretTarget, secretPlace } from '../github/secret-target.ts'
import type { SaveSecret } from '../github/secrets.ts'
import type { Callback, CallbackOptions, CallbackServer } from './callback-server.ts'
import { failurePage, successPage } from './pages.ts'
import { createPkce, createState, sameState, type Pkce } from './pkce.ts'
import { oneLine } from './terminal.ts'
import { CLI_WORDING } from './wording.ts'
import { storeSecrets, type SecretPlan } from './store-secrets.ts'
import { workflowStep } from './workflow-step.ts'
import { isoSeconds } from '../shared/format.ts'

export interface LoginRequest {
  clientId: string
  clientSecret: string
  /** Bitbucket Cloud or Data Center: endpoints, client authentication, default scope. */
  provider: Provider
  /** Scopes to ask for; undefined: the provider's default (Cloud: the consumer's permissions). */
  scope?: string
  bitbucketUrl: URL
  port: number
  open: boolean
  timeoutMs: number
  /** Store the token there (and with --store-consumer the consumer) instead of printing it. */
  secret: SecretPlan | undefined
}

export interface LoginDeps {
  http: HttpClient
  masker: Masker
  /** A line for the user on stderr. */
  info(line: string): void
  /** stdout: receives the refresh token and nothing else. */
  output(text: string): void
  /** Whether stdout is a terminal (then a hint about piping goes to stderr). */
  outputIsTerminal: boolean
  openBrowser(url: string): void
  startCallbackServer(port: number, options: CallbackOptions): Promise<CallbackServer>
  saveSecret: SaveSecret
  debug(message: string): void
  createState?: () => string
  createPkce?: () => Pkce
}

export function authorizeUrl(
  bitbucketUrl: URL,
  params: { clientId: string; state: string; redirectUri: string; pkce: Pkce; scope?: string },
  provider: Provider = CLOUD,
): URL {
  const url = provider.authorizeUrl(bitbucketUrl)
  const scope = params.scope ?? provider.defaultLoginScope
  url.search = new URLSearchParams({
    client_id: params.clientId,
    response_type: 'code',
    state: params.state,
    redirect_uri: params.redirectUri,
    code_challenge: params.pkce.challenge,
    code_challenge_method: params.pkce.method,
    ...(scope ? { scope } : {}),
  }).toString()
  return url
}

/** Text from the callback's query, safe for a terminal line: no control characters, bounded. */
function clean(value: string | null, max = 200): string {
  const text = oneLine(value ?? '')
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/** What the redirect says, checked: the code to exchange, or an ActionError naming the provider's fixes. */
export function checkCallback(
  params: URLSearchParams,
  expectedState: string,
  port: number,
  provider: Provider = CLOUD,
): string {
  const { product, tickPermissions, login } = provider.wording
  const error = params.get('error')
  if (error !== null) {
    const code = clean(error, 60)
    const description = clean(params.get('error_description'))
    const said = `error=${code}${description ? `: ${description}` : ''}`
    if (code === 'access_denied') {
      throw new ActionError(
        `Access was denied in the browser (${said}), so no token was issued. Run bitbucket-oauth login again and click "Grant access".`,
      )
    }
    if (code === 'invalid_scope') {
      throw new ActionError(
        `${product} refused the authorization (${said}). ${tickPermissions('the permissions the workflow needs', 'run the login again')}`,
      )
    }
    if (code === 'server_error' || code === 'temporarily_unavailable') {
      throw new ActionError(`${product} could not authorize now (${said}). Run the login again in a few minutes.`)
    }
    throw new ActionError(
      `${product} refused the authorization (${said}). Check ${login.checkClient(`http://localhost:${port}`)}, then run the login again.`,
    )
  }
  if (!sameState(expectedState, params.get('state'))) {
    throw new ActionError(
      'The callback carried a wrong state, so its code was not used: it did not come from the authorize URL of this login (an old browser tab, or another login running?). Run bitbucket-oauth login again and open the URL it prints.',
    )
  }
  const code = params.get('code')
  if (!code)
    throw new ActionError(
      'The callback carried no authorization code. Run bitbucket-oauth login again and open the URL it prints.',
    )
  return code
}

export async function login(req: LoginRequest, deps: LoginDeps): Promise<void> {
  const state = (deps.createState ?? createState)()
  const pkce = (deps.createPkce ?? createPkce)()
  const server = await deps.startCallbackServer(req.port, {
    state,
    ignored: (line) => deps.info(line),
    callbackUrl: req.provider.wording.login.callbackUrl,
  })
  try {
    const url = authorizeUrl(
      req.bitbucketUrl,
      { clientId: req.clientId, state, redirectUri: server.redirectUri, pkce, scope: req.scope },
      req.provider,
    )
    const where = server.addresses.map((a) => (a.includes(':') ? `[${a}]` : a)).join(' and ')
    deps.info(`Listening for Bitbucket's redirect on ${server.redirectUri} (${where}).`)
    deps.info('Open this URL in a browser and grant access:')
    deps.info('')
    deps.info(`  ${url.href}`)
    deps.info('')
    if (req.open) {
      deps.info('Opening it in your browser (use --no-open to skip this).')
      deps.openBrowser(url.href)
    }
    const seconds = Number((req.timeoutMs / 1000).toFixed(1))
    deps.info(`Waiting up to ${seconds} s for the browser to come back...`)

    const callback = await server.wait(req.timeoutMs)
    if (!callback) {
      throw new ActionError(
        `No answer from the browser within ${seconds} s, so no token was issued. Open the printed URL and click "Grant access" in time (or raise --timeout); if ${req.provider.wording.login.redirectRefused}, set ${req.provider.wording.login.callbackUrl} to http://localhost:${req.port}.`,
      )
    }
    const token = await finish(req, deps, callback, state, pkce, server.redirectUri)
    report(req, deps, token, server.redirectUri)
  } finally {
    await server.close()
  }
}

/** Checks the callback, exchanges the code, stores the token when asked; always answers the browser. */
async function finish(
  req: LoginRequest,
  deps: LoginDeps,
  callback: Callback,
  state: string,
  pkce: Pkce,
  redirectUri: string,
): Promise<Token & { refreshToken: string }> {
  let code: string
  try {
    code = checkCallback(callback.params, state, req.port, req.provider)
  } catch (err) {
    await callback.respond(400, failurePage(errorMessage(err)))
    throw err
  }
  deps.masker.add(code)
  try {
    // At once: Data Center's codes live 10 seconds.
    deps.info('Got the authorization code; exchanging it for tokens...')
    const token = await requestToken(
      { http: deps.http, masker: deps.masker, debug: deps.debug, wording: CLI_WORDING },
      {
        tokenUrl: req.provider.tokenUrl(req.bitbucketUrl),
        clientId: req.clientId,
        clientSecret: req.clientSecret,
        grant: { type: 'authorization_code', code, redirectUri, codeVerifier: pkce.verifier },
        provider: req.provider,
      },
    )
    const refreshToken = token.refreshToken
    if (!refreshToken) {
      throw new ActionError(
        `${req.provider.wording.product} answered the code exchange without a refresh token, so there is nothing to store. Check that ${CLI_WORDING.bitbucketUrl.name} is ${req.provider.wording.login.siteRoot}.`,
      )
    }
    if (req.secret) {
      const values = { refreshToken, clientId: req.clientId, clientSecret: req.clientSecret }
      await storeSecrets(req.secret, values, { http: deps.http, saveSecret: deps.saveSecret, debug: deps.debug })
    }
    await callback.respond(200, successPage(req.secret ? storedWhere(req.secret) : 'the terminal has it'))
    return { ...token, refreshToken }
  } catch (err) {
    await callback.respond(502, failurePage(deps.masker.redact(errorMessage(err))))
    throw err
  }
}

function report(
  req: LoginRequest,
  deps: LoginDeps,
  token: Token & { refreshToken: string },
  redirectUri: string,
): void {
  deps.info(
    token.scopes.length
      ? `Granted scopes: ${clean(token.scopes.join(' '), 500)}`
      : 'Bitbucket named no granted scopes.',
  )
  if (token.expiresAt)
    deps.info(
      `The access token issued with it (not shown) expires at ${isoSeconds(token.expiresAt)}; the action mints fresh ones from the refresh token.`,
    )
  deps.info(req.provider.wording.rotationNote)
  if (req.secret) {
    reportStored(req, deps, req.secret, redirectUri)
    return
  }
  if (deps.outputIsTerminal)
    deps.info(
      'The refresh token follows on stdout; --secret BITBUCKET_REFRESH_TOKEN would store it as a GitHub secret instead.',
    )
  deps.output(`${token.refreshToken}\n`)
}

/** For the browser's page: where the secrets went. */
function storedWhere(plan: SecretPlan): string {
  const { owned, id, secret } = plan.credentials
  const consumer = plan.consumer
    ? `, with ${owned(`${id} and ${secret}`)} as ${plan.consumer.clientId} and ${plan.consumer.clientSecret}`
    : ''
  return `it is stored as GitHub secret ${describeSecretTarget(plan.target)}${consumer}`
}

/** What was stored, and the workflow step that uses it, on stderr. */
function reportStored(req: LoginRequest, deps: LoginDeps, plan: SecretPlan, redirectUri: string): void {
  const { target, consumer } = plan
  deps.info(`Stored the refresh token as GitHub secret ${describeSecretTarget(target)}.`)
  if (consumer) {
    const { owned, id, secret } = plan.credentials
    deps.info(
      `Stored ${owned(id)} as GitHub secret ${consumer.clientId} and its ${secret} as ${consumer.clientSecret}, in the same place.`,
    )
  }
  const where = target.organization
    ? `a repository of organization ${target.organization} that may use its secrets`
    : `repository ${target.repository}`
  deps.info('')
  deps.info(`Paste this step into a workflow of ${where}, under the job's steps:`)
  deps.info('')
  const step = { target, consumer, bitbucketUrl: req.bitbucketUrl, bitbucketType: req.provider.type, redirectUri }
  for (const line of workflowStep(step)) deps.info(line)
  deps.info('')
  if (!consumer) {
    deps.info(
      `It reads the consumer's Key and Secret from the secrets BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET of ${secretPlace(target)}: store them there (or run the login with --store-consumer next time).`,
    )
  }
}
