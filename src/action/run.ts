/**
 * The order of work of the main step (interface.md, "Behaviour details"):
 * validate every input → token grant → save the rotated refresh token →
 * outputs and export → scope check → archives → git credentials and package
 * managers → summary.
 * Nothing that can fail after the grant may lose a rotated refresh token.
 */
import { ActionError, errorMessage } from '../shared/errors.ts'
import type { HttpClient } from '../net/http.ts'
import { readConfig, maskSecretInputs, type Config, type GetInput, type SecretTarget } from './inputs.ts'
import type { Masker } from '../shared/mask.ts'
import { requestToken, type Token } from '../bitbucket/oauth.ts'
import { missingScopes } from '../bitbucket/scopes.ts'
import { tokenSummary } from './summary.ts'
import { isoSeconds } from '../shared/format.ts'

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
}

export interface RunDeps {
  core: ActionCore
  masker: Masker
  env: NodeJS.ProcessEnv
  /** Creates the HTTP client once the secrets are masked (its debug lines are redacted). */
  http: HttpClient
  /** Writes the rotated refresh token to the configured GitHub secret. */
  saveSecret(http: HttpClient, target: SecretTarget, value: string, debug: (m: string) => void): Promise<void>
  /** Downloads and extracts `archives`; resolves with one result a line, in order. */
  fetchArchives(ctx: StepContext): Promise<ArchiveResult[]>
  /** Makes later steps' git use the token; records in the state what the post step must remove. */
  setupGitCredentials(ctx: StepContext): Promise<void>
  /** Sets later steps' package managers up (`package-managers`), after the git credentials. */
  setupPackageManagers(ctx: StepContext): Promise<void>
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
    { http: deps.http, masker, debug: (m) => core.debug(masker.redact(m)) },
    { tokenUrl: config.tokenUrl, clientId: config.clientId, clientSecret: config.clientSecret, grant },
  )

  const rotated =
    grant.type === 'refresh_token' && token.refreshToken !== undefined && token.refreshToken !== config.refreshToken
  const validRefreshToken = grant.type === 'refresh_token' ? (token.refreshToken ?? config.refreshToken) : undefined

  // Save first; whatever happens, the token is output before any failure is raised.
  let saveError: unknown
  let saved = false
  if (rotated && config.secret) {
    try {
      await deps.saveSecret(deps.http, config.secret, token.refreshToken!, (m) => core.debug(masker.redact(m)))
      saved = true
      core.info(`Saved the rotated refresh token to secret ${describeSecret(config.secret)}`)
    } catch (err) {
      saveError = err
    }
  }

  setTokenOutputs(core, token, validRefreshToken, rotated)
  if (config.exportEnv) {
    core.exportVariable(config.exportEnv, token.accessToken)
    core.info(`Exported the access token as ${config.exportEnv} for later steps`)
  }
  core.info(
    `Got a ${token.tokenType} token${token.expiresAt ? ` valid until ${isoSeconds(token.expiresAt)}` : ''}` +
      `${token.scopes.length ? ` with scopes: ${token.scopes.join(' ')}` : ''}`,
  )

  if (saveError) {
    throw new ActionError(
      `Bitbucket rotated the refresh token, but the new one was NOT saved to secret ${describeSecret(config.secret!)}: ${errorMessage(saveError)} The stored refresh token stops working within minutes; the new one is in this step's \`refresh-token\` output. Fix the cause and re-run this job within about 10 minutes: the stored token still works until then, and the re-run saves a fresh one. After that, store a new one from \`bitbucket-oauth login\` (README: "Refresh tokens rotate").`,
      { cause: saveError },
    )
  }
  if (rotated && !config.secret) {
    core.warning(
      'Bitbucket rotated the refresh token: the one stored in your secret stops working about 10 minutes after this run. Set `refresh-token-secret` and `github-token` so that the action saves the new one (README: "Refresh tokens rotate"), or the next run fails.',
    )
  }

  checkScopes(core, config.requiredScopes, token)

  const ctx: StepContext = { core, http: deps.http, masker, config, accessToken: token.accessToken }
  const archives = config.archives.length ? await deps.fetchArchives(ctx) : []
  core.setOutput('archives', JSON.stringify(archives))

  if (config.gitCredentials) await deps.setupGitCredentials(ctx)
  if (config.packageManagers.length) await deps.setupPackageManagers(ctx)

  await core.appendSummary(
    tokenSummary({ token, grant: grant.type, rotated, saved, secret: config.secret, exportEnv: config.exportEnv }),
  )
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
      `The token lacks the required scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (granted: ${token.scopes.join(' ')}). Tick ${missing.length > 1 ? 'them' : 'it'} in the OAuth consumer's permissions, then get a new refresh token with \`bitbucket-oauth login\`.`,
    )
  }
}

export function describeSecret(target: SecretTarget): string {
  if (target.organization) return `${target.name} of organization ${target.organization}`
  if (target.environment) return `${target.name} of environment ${target.environment} in ${target.repository}`
  return `${target.name} in ${target.repository}`
}
