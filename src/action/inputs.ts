/**
 * Reads and validates every input before any network call. Secret inputs are
 * masked first, before anything else can print them.
 */
import os from 'node:os'
import path from 'node:path'
import { ActionError } from '../shared/errors.ts'
import { joinUrl } from '../net/url.ts'
import type { Masker } from '../shared/mask.ts'
import { parseArchives, type ArchiveSpec } from '../archives/spec.ts'
import type { SecretTarget } from '../github/secret-target.ts'
import {
  isVariableName,
  parseBaseUrl,
  validateOrganization,
  validateRepository,
  validateSecretName,
} from '../shared/validate.ts'
import { input } from '../shared/wording.ts'
import { ACTION_WORDING } from './wording.ts'
import { parseDownloads, type DownloadSpec } from '../downloads/spec.ts'
import { parsePackageManagers, type PackageManager } from '../package-managers/names.ts'

export interface Config {
  clientId: string
  clientSecret: string
  /** Empty: the client_credentials grant. */
  refreshToken: string | undefined
  /** A `sealed-token` output of an earlier job of this run (opened by sealed-token.ts, before any request). */
  sealedToken: string | undefined
  bitbucketUrl: URL
  tokenUrl: URL
  apiUrl: URL
  exportEnv: string | undefined
  requiredScopes: string[]
  secret: SecretTarget | undefined
  archives: ArchiveSpec[]
  downloads: DownloadSpec[]
  cache: boolean
  gitCredentials: boolean
  /** `package-managers`: each implies `gitCredentials`. */
  packageManagers: PackageManager[]
  workspace: string
  runnerTemp: string
}

export type GetInput = (name: string) => string

const SECRET_INPUTS = ['client-secret', 'refresh-token', 'github-token'] as const

/** Masks the secret inputs; call before anything is logged. */
export function maskSecretInputs(getInput: GetInput, masker: Masker): void {
  for (const name of SECRET_INPUTS) masker.add(getInput(name))
}

function required(getInput: GetInput, name: string, hint: string): string {
  const value = getInput(name)
  if (!value) throw new ActionError(`Input \`${name}\` is required: ${hint}`)
  return value
}

export function parseBoolean(getInput: GetInput, name: string): boolean {
  const value = getInput(name)
  if (value === '' || /^(false|False|FALSE)$/.test(value)) return false
  if (/^(true|True|TRUE)$/.test(value)) return true
  throw new ActionError(`Input \`${name}\` must be true or false, got "${value}".`)
}

export function parseScopes(value: string): string[] {
  return [...new Set(value.split(/[\s,]+/).filter(Boolean))]
}

function readSecretTarget(getInput: GetInput, hasRefreshToken: boolean): SecretTarget | undefined {
  const name = getInput('refresh-token-secret')
  if (!name) return undefined
  validateSecretName(name, ACTION_WORDING.secretName)
  if (!hasRefreshToken) {
    throw new ActionError(
      'Input `refresh-token-secret` needs a `refresh-token`: without one the client_credentials grant is used, which issues no refresh token to save.',
    )
  }
  const githubToken = required(
    getInput,
    'github-token',
    'with `refresh-token-secret` the action writes the rotated refresh token to a secret, which needs a fine-grained PAT with "Secrets: read and write" or a GitHub App token (README: "Refresh tokens rotate").',
  )
  const environment = getInput('secret-environment') || undefined
  const organization = getInput('secret-organization') || undefined
  if (environment && organization) {
    throw new ActionError(
      'Inputs `secret-environment` and `secret-organization` exclude each other: a secret belongs to an environment or to an organization, not both.',
    )
  }
  if (organization) validateOrganization(organization, input('secret-organization'))
  let repository: string | undefined = getInput('secret-repository') || undefined
  if (!organization) {
    if (!repository)
      throw new ActionError('Input `secret-repository` is empty: name the `owner/repo` that holds the secret.')
    validateRepository(repository, input('secret-repository'), 'owner/repo')
  } else {
    repository = undefined
  }
  const githubApiUrl = parseBaseUrl(getInput('github-api-url') || 'https://api.github.com', ACTION_WORDING.githubApiUrl)
  return { name, repository, environment, organization, githubToken, githubApiUrl }
}

export function readConfig(getInput: GetInput, env: NodeJS.ProcessEnv): Config {
  const clientId = required(getInput, 'client-id', "the OAuth consumer's Key (Workspace settings → OAuth consumers).")
  const clientSecret = required(getInput, 'client-secret', "the OAuth consumer's Secret.")
  const refreshToken = getInput('refresh-token') || undefined
  const bitbucketUrl = parseBaseUrl(getInput('bitbucket-url') || 'https://bitbucket.org', ACTION_WORDING.bitbucketUrl)
  const apiUrl = parseBaseUrl(getInput('api-url') || 'https://api.bitbucket.org/2.0', input('api-url'))
  const exportEnv = getInput('export-env') || undefined
  if (exportEnv && !isVariableName(exportEnv)) {
    throw new ActionError(
      `Input \`export-env\` "${exportEnv}" is not a valid environment variable name (letters, digits, _); leave it empty to export nothing.`,
    )
  }
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd())
  const runnerTemp = path.resolve(env.RUNNER_TEMP || os.tmpdir())
  const archives = parseArchives(getInput('archives'), workspace)
  const packageManagers = parsePackageManagers(getInput('package-managers'), env)
  return {
    clientId,
    clientSecret,
    refreshToken,
    sealedToken: getInput('sealed-token') || undefined,
    bitbucketUrl,
    tokenUrl: joinUrl(bitbucketUrl, 'site/oauth2/access_token'),
    apiUrl,
    exportEnv,
    requiredScopes: parseScopes(getInput('required-scopes')),
    secret: readSecretTarget(getInput, refreshToken !== undefined),
    archives,
    downloads: parseDownloads(
      getInput('downloads'),
      workspace,
      archives.map((a) => ({ what: `archives line ${a.line}`, dest: a.dest })),
    ),
    cache: parseBoolean(getInput, 'cache'),
    gitCredentials: parseBoolean(getInput, 'git-credentials') || packageManagers.length > 0,
    packageManagers,
    workspace,
    runnerTemp,
  }
}
