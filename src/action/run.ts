/**
 * The order of work of the main step (README: "How a run goes"):
 * validate every input → token grant, or reuse of a `sealed-token` → save the
 * rotated refresh token → outputs and export → scope check → archives →
 * downloads → git credentials and package managers → summary.
 * Nothing that can fail after the grant may lose a rotated refresh token.
 */
import { ActionError, errorMessage } from '../shared/errors.ts'
import type { HttpClient } from '../net/http.ts'
import { readConfig, maskSecretInputs, type Config, type GetInput } from './inputs.ts'
import type { Masker } from '../shared/mask.ts'
import { requestToken, type Token } from '../bitbucket/oauth.ts'
import type { Provider } from '../bitbucket/provider.ts'
import type { Providers } from '../bitbucket/providers.ts'
import { describeSecretTarget, type SecretTarget } from '../github/secret-target.ts'
import type { SaveSecret } from '../github/secrets.ts'
import { tokenSummary } from './summary.ts'
import { isoSeconds, printable } from '../shared/format.ts'
import { ACTION_WORDING } from './wording.ts'
import { fallbackWarning, openSealedToken, runContext, sealToken, type RunContext } from './sealed-token.ts'
import type { DownloadResult } from '../downloads/index.ts'

/** The part of @actions/core the main step uses (tests pass their own). */
export interface ActionCore {
  getInput: GetInput
  setOutput(name: string, value: string): void
  exportVariable(name: string, value: string): void
  saveState(name: string, value: string): void
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
  appendSummary(markdown: string): Promise<void>
}

export interface ArchiveResult {
  repository: string
  ref: string
  commit: string
  path: string
  sha256: string
  bytes: number
}

export interface StepContext {
  core: ActionCore
  http: HttpClient
  masker: Masker
  config: Config
  /** The access token (already masked). */
  accessToken: string
  /** The step's environment (only the entry points read process.env). */
  env: NodeJS.ProcessEnv
}

export interface RunDeps {
  core: ActionCore
  masker: Masker
  env: NodeJS.ProcessEnv
  /** The Bitbucket implementations, by `bitbucket-type` (default: all of src/bitbucket/providers.ts). */
  providers?: Providers
  /** Creates the HTTP client once the secrets are masked (its debug lines are redacted). */
  http: HttpClient
  /** Writes the rotated refresh token to the configured GitHub secret. */
  saveSecret: SaveSecret
  /** Downloads and extracts `archives`; resolves with one result a line, in order. */
  fetchArchives(ctx: StepContext): Promise<ArchiveResult[]>
  /** Downloads the `downloads` files; resolves with one result a line, in order. */
  fetchDownloads(ctx: StepContext): Promise<DownloadResult[]>
  /** Makes later steps' git use the token; records in the state what the post step must remove. */
  setupGitCredentials(ctx: StepContext): Promise<void>
  /** Sets later steps' package managers up (`package-managers`), after the git credentials. */
  setupPackageManagers(ctx: StepContext): Promise<void>
  /** The clock (ms since the epoch); tests pass their own. */
  now?: () => number
}

type Grant = { type: 'refresh_token'; refreshToken: string; redirectUri?: string } | { type: 'client_credentials' }

/** The step's token: minted by a grant, or reused from a `sealed-token` of an earlier job of this run. */
interface StepToken {
  token: Token
  mintedAt: Date
  reused: boolean
}

export async function runStep(deps: RunDeps): Promise<void> {
  const { core, masker } = deps
  maskSecretInputs(core.getInput, masker)
  const config = readConfig(core.getInput, deps.env, deps.providers)
  const { provider } = config
  const now = deps.now ?? Date.now
  const run = runContext(deps.env)

  const grant: Grant = config.refreshToken
    ? {
        type: 'refresh_token',
        refreshToken: config.refreshToken,
        redirectUri: provider.refreshSendsRedirectUri ? config.redirectUri : undefined,
      }
    : { type: 'client_credentials' }
  const { token, mintedAt, reused } =
    reuseSealedToken(deps, config, run, grant, now) ?? (await mint(deps, config, grant, now))

  const rotated =
    !reused &&
    grant.type === 'refresh_token' &&
    token.refreshToken !== undefined &&
    token.refreshToken !== config.refreshToken
  const validRefreshToken =
    !reused && grant.type === 'refresh_token' ? (token.refreshToken ?? config.refreshToken) : undefined

  // Save first; whatever happens, the token is output before any failure is raised.
  const save = rotated && config.secret ? await saveRotated(deps, config.secret, token.refreshToken!) : undefined

  setTokenOutputs(core, token, validRefreshToken, rotated)
  setSealedOutput(core, config, run, token, mintedAt)
  exportToken(core, config.exportEnv, token)

  if (save && !save.ok) throw notSaved(config.secret!, save.error, provider)
  if (rotated && !config.secret) core.warning(provider.wording.rotatedUnsaved)

  checkScopes(core, config.requiredScopes, token, provider)

  const ctx: StepContext = { core, http: deps.http, masker, config, accessToken: token.accessToken, env: deps.env }
  const archives = config.archives.length ? await deps.fetchArchives(ctx) : []
  core.setOutput('archives', JSON.stringify(archives))
  const downloads = config.downloads.length ? await deps.fetchDownloads(ctx) : []
  core.setOutput('downloads', JSON.stringify(downloads))

  if (config.gitCredentials) await deps.setupGitCredentials(ctx)
  if (config.packageManagers.length) await deps.setupPackageManagers(ctx)

  await core.appendSummary(
    tokenSummary({
      token,
      grant: grant.type,
      rotated,
      saved: save?.ok === true,
      secret: config.secret,
      exportEnv: config.exportEnv,
      reusedFrom: reused ? mintedAt : undefined,
    }),
  )
}

/** The token of a `sealed-token` input that opens for this run; otherwise a warning, and undefined. */
function reuseSealedToken(
  deps: RunDeps,
  config: Config,
  run: RunContext | undefined,
  grant: Grant,
  now: () => number,
): StepToken | undefined {
  if (!config.sealedToken) return undefined
  const opened = openSealedToken(
    config.sealedToken,
    { clientId: config.clientId, clientSecret: config.clientSecret, repository: run?.repository, runId: run?.runId },
    now(),
    (secret) => deps.masker.add(secret),
  )
  if (!opened.ok) {
    deps.core.warning(fallbackWarning(opened, `the ${grant.type} grant`, now()))
    return undefined
  }
  deps.core.info(
    `Reusing the access token from the \`sealed-token\` input, minted by an earlier job of this run at ${isoSeconds(opened.mintedAt)}: no request to the token endpoint, no rotation`,
  )
  return { token: opened.token, mintedAt: opened.mintedAt, reused: true }
}

/** A new token from the token endpoint. */
async function mint(deps: RunDeps, config: Config, grant: Grant, now: () => number): Promise<StepToken> {
  const { core, masker } = deps
  core.info(`Requesting a Bitbucket access token (${grant.type} grant) from ${config.tokenUrl.origin}`)
  const token = await requestToken(
    { http: deps.http, masker, debug: (m) => core.debug(masker.redact(m)), wording: ACTION_WORDING, now },
    {
      tokenUrl: config.tokenUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      grant,
      provider: config.provider,
    },
  )
  return { token, mintedAt: new Date(now()), reused: false }
}

/** The `sealed-token` output, sealed afresh (a new nonce) after a grant and after a reuse alike. */
function setSealedOutput(
  core: ActionCore,
  config: Config,
  run: RunContext | undefined,
  token: Token,
  mintedAt: Date,
): void {
  if (!run) {
    core.info('No `sealed-token` output: GITHUB_REPOSITORY and GITHUB_RUN_ID do not name a workflow run.')
    return
  }
  const stepSecrets = [config.clientId, config.clientSecret, config.refreshToken, config.secret?.githubToken]
  const avoid = [...stepSecrets, token.accessToken, token.refreshToken].filter((v): v is string => !!v)
  core.setOutput(
    'sealed-token',
    sealToken({ clientId: config.clientId, clientSecret: config.clientSecret, ...run }, token, mintedAt, avoid),
  )
}

/** Writes the rotated refresh token to its secret; a failure is returned, to be raised after the outputs are set. */
async function saveRotated(
  deps: RunDeps,
  secret: SecretTarget,
  refreshToken: string,
): Promise<{ ok: true } | { ok: false; error: unknown }> {
  const { core, masker } = deps
  try {
    await deps.saveSecret(deps.http, secret, refreshToken, (m) => core.debug(masker.redact(m)), ACTION_WORDING)
    core.info(`Saved the rotated refresh token to secret ${describeSecretTarget(secret)}`)
    return { ok: true }
  } catch (error) {
    return { ok: false, error }
  }
}

function notSaved(secret: SecretTarget, saveError: unknown, provider: Provider): ActionError {
  return new ActionError(
    `${provider.wording.product} rotated the refresh token, but the new one was NOT saved to secret ${describeSecretTarget(secret)}: ${errorMessage(saveError)} ${provider.wording.notSaved}`,
    { cause: saveError },
  )
}

/** The token for later steps (`export-env`), and one line saying what it is. */
function exportToken(core: ActionCore, exportEnv: string | undefined, token: Token): void {
  if (exportEnv) {
    core.exportVariable(exportEnv, token.accessToken)
    core.info(`Exported the access token as ${exportEnv} for later steps`)
  }
  // Server strings on one line each, so that none can start a workflow command.
  core.info(
    `Got a ${printable(token.tokenType, 40)} token${token.expiresAt ? ` valid until ${isoSeconds(token.expiresAt)}` : ''}` +
      `${token.scopes.length ? ` with scopes: ${printable(token.scopes.join(' '), 500)}` : ''}`,
  )
  if (token.unusableExpiresIn !== undefined) {
    core.warning(
      `Bitbucket stated the token's lifetime as expires_in ${token.unusableExpiresIn}, which is no sane number of seconds: the outputs \`expires-in\` and \`expires-at\` are left empty. The token itself is unaffected.`,
    )
  }
}

function setTokenOutputs(core: ActionCore, token: Token, refreshToken: string | undefined, rotated: boolean): void {
  core.setOutput('access-token', token.accessToken)
  core.setOutput('token-type', token.tokenType)
  core.setOutput('expires-in', token.expiresIn === undefined ? '' : String(token.expiresIn))
  core.setOutput('expires-at', token.expiresAt ? isoSeconds(token.expiresAt) : '')
  core.setOutput('scopes', token.scopes.join(' '))
  core.setOutput('refresh-token', refreshToken ?? '')
  core.setOutput('refresh-token-rotated', String(rotated))
}

function checkScopes(core: ActionCore, required: string[], token: Token, provider: Provider): void {
  if (required.length === 0) return
  if (token.scopes.length === 0) {
    core.warning(
      `Bitbucket named no granted scopes, so \`required-scopes\` (${required.join(' ')}) could not be checked.`,
    )
    return
  }
  const missing = provider.missingScopes(required, token.scopes)
  if (missing.length) {
    throw new ActionError(
      `The token lacks the required scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (granted: ${printable(token.scopes.join(' '), 500)}). ${provider.wording.tickPermissions(missing.length > 1 ? 'them' : 'it')}`,
    )
  }
}
