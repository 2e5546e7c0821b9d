/**
 * The order of work of the main step (README: "How a run goes"):
 * validate every input → token grant → save the rotated refresh token →
 * outputs and export → scope check → archives → git credentials → summary.
 * Nothing that can fail after the grant may lose a rotated refresh token.
 */
import { ActionError, errorMessage } from '../shared/errors.ts'
import type { HttpClient } from '../net/http.ts'
import { readConfig, maskSecretInputs, type Config, type GetInput } from './inputs.ts'
import type { Masker } from '../shared/mask.ts'
import { requestToken, type Token } from '../bitbucket/oauth.ts'
import { missingScopes, tickPermissions } from '../bitbucket/scopes.ts'
import { describeSecretTarget, type SecretTarget } from '../github/secret-target.ts'
import type { SaveSecret } from '../github/secrets.ts'
import { tokenSummary } from './summary.ts'
import { isoSeconds, printable } from '../shared/format.ts'
import { ACTION_WORDING } from './wording.ts'

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
  /** Creates the HTTP client once the secrets are masked (its debug lines are redacted). */
  http: HttpClient
  /** Writes the rotated refresh token to the configured GitHub secret. */
  saveSecret: SaveSecret
  /** Downloads and extracts `archives`; resolves with one result a line, in order. */
  fetchArchives(ctx: StepContext): Promise<ArchiveResult[]>
  /** Makes later steps' git use the token; records in the state what the post step must remove. */
  setupGitCredentials(ctx: StepContext): Promise<void>
}

export async function runStep(deps: RunDeps): Promise<void> {
  const { core, masker } = deps
  maskSecretInputs(core.getInput, masker)
  const config = readConfig(core.getInput, deps.env)

  const grant = config.refreshToken
    ? ({ type: 'refresh_token', refreshToken: config.refreshToken } as const)
    : ({ type: 'client_credentials' } as const)
  core.info(`Requesting a Bitbucket access token (${grant.type} grant) from ${config.tokenUrl.origin}`)
  const token = await requestToken(
    { http: deps.http, masker, debug: (m) => core.debug(masker.redact(m)), wording: ACTION_WORDING },
    { tokenUrl: config.tokenUrl, clientId: config.clientId, clientSecret: config.clientSecret, grant },
  )

  const rotated =
    grant.type === 'refresh_token' && token.refreshToken !== undefined && token.refreshToken !== config.refreshToken
  const validRefreshToken = grant.type === 'refresh_token' ? (token.refreshToken ?? config.refreshToken) : undefined

  // Save first; whatever happens, the token is output before any failure is raised.
  const save = rotated && config.secret ? await saveRotated(deps, config.secret, token.refreshToken!) : undefined

  setTokenOutputs(core, token, validRefreshToken, rotated)
  if (config.exportEnv) {
    core.exportVariable(config.exportEnv, token.accessToken)
    core.info(`Exported the access token as ${config.exportEnv} for later steps`)
  }
  describeToken(core, token)

  if (save && !save.ok) throw notSaved(config.secret!, save.error)
  if (rotated && !config.secret) {
    core.warning(
      'Bitbucket rotated the refresh token: the one stored in your secret stops working about 10 minutes after this run. Set `refresh-token-secret` and `github-token` so that the action saves the new one (README: "Refresh tokens rotate"), or the next run fails.',
    )
  }

  checkScopes(core, config.requiredScopes, token)

  const ctx: StepContext = { core, http: deps.http, masker, config, accessToken: token.accessToken, env: deps.env }
  const archives = config.archives.length ? await deps.fetchArchives(ctx) : []
  core.setOutput('archives', JSON.stringify(archives))

  if (config.gitCredentials) await deps.setupGitCredentials(ctx)

  await core.appendSummary(
    tokenSummary({
      token,
      grant: grant.type,
      rotated,
      saved: save?.ok === true,
      secret: config.secret,
      exportEnv: config.exportEnv,
    }),
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

function notSaved(secret: SecretTarget, saveError: unknown): ActionError {
  return new ActionError(
    `Bitbucket rotated the refresh token, but the new one was NOT saved to secret ${describeSecretTarget(secret)}: ${errorMessage(saveError)} The stored refresh token stops working within minutes; the new one is in this step's \`refresh-token\` output. Fix the cause and re-run this job within about 10 minutes: the stored token still works until then, and the re-run saves a fresh one. After that, store a new one from \`bitbucket-oauth login\` (README: "Refresh tokens rotate").`,
    { cause: saveError },
  )
}

/** What was minted, in the log: server strings on one line each, so that none can start a workflow command. */
function describeToken(core: ActionCore, token: Token): void {
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

function checkScopes(core: ActionCore, required: string[], token: Token): void {
  if (required.length === 0) return
  if (token.scopes.length === 0) {
    core.warning(
      `Bitbucket named no granted scopes, so \`required-scopes\` (${required.join(' ')}) could not be checked.`,
    )
    return
  }
  const missing = missingScopes(required, token.scopes)
  if (missing.length) {
    throw new ActionError(
      `The token lacks the required scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (granted: ${printable(token.scopes.join(' '), 500)}). ${tickPermissions(missing.length > 1 ? 'them' : 'it')}`,
    )
  }
}
