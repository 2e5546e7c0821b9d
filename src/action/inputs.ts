/**
 * Reads and validates every input before any network call. Secret inputs are
 * masked first, before anything else can print them.
 */
import os from 'node:os'
import path from 'node:path'
import { ActionError } from '../shared/errors.ts'
import type { Provider } from '../bitbucket/provider.ts'
import { PROVIDERS, parseBitbucketType, type Providers } from '../bitbucket/providers.ts'
import type { Masker } from '../shared/mask.ts'
import { archiveClaims, parseArchives, type ArchiveSpec } from '../archives/spec.ts'
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
  /** Bitbucket Cloud or Data Center (`bitbucket-type`): what differs between them. */
  provider: Provider
  clientId: string
  clientSecret: string
  /** Empty: the client_credentials grant. */
  refreshToken: string | undefined
  /** A `sealed-token` output of an earlier job of this run (opened by sealed-token.ts, before any request). */
  sealedToken: string | undefined
  bitbucketUrl: URL
  tokenUrl: URL
  apiUrl: URL
  /** Sent again with every refresh where the provider asks for it (Data Center). */
  redirectUri: string
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

/** The redirect URI a Data Center refresh token was authorized with (sent again with each refresh). */
function readRedirectUri(getInput: GetInput): string {
  const value = getInput('redirect-uri') || 'http://localhost:8976/'
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || !/^https?:$/.test(url.protocol)) {
    throw new ActionError(
      `Input \`redirect-uri\` "${value}" is not an http(s) URL: give the redirect URL of the incoming application link that the refresh token was authorized with (by default http://localhost:8976/).`,
    )
  }
  return value
}

/** What Data Center cannot do, refused before any request. */
function checkProvider(getInput: GetInput, provider: Provider, refreshToken: string | undefined): void {
  if (!refreshToken && !provider.clientCredentials) {
    throw new ActionError(
      'Input `refresh-token` is empty, and Bitbucket Data Center has no client_credentials grant: get a refresh token with `bitbucket-oauth login --bitbucket-type datacenter --bitbucket-url URL` (README: "Bitbucket Data Center") and pass it from a secret.',
    )
  }
  if (getInput('downloads') && !provider.downloads) {
    throw new ActionError(
      'Input `downloads` cannot be used with `bitbucket-type: datacenter`: Bitbucket Data Center has no Downloads section. Publish the files elsewhere (e.g. as archives of a repository, with `archives`), or drop `downloads`.',
    )
  }
}

export function readConfig(getInput: GetInput, env: NodeJS.ProcessEnv, providers: Providers = PROVIDERS): Config {
  const provider = providers[parseBitbucketType(getInput('bitbucket-type'), input('bitbucket-type'))]
  const clientId = required(getInput, 'client-id', provider.wording.clientFields.id)
  const clientSecret = required(getInput, 'client-secret', provider.wording.clientFields.secret)
  const refreshToken = getInput('refresh-token') || undefined
  checkProvider(getInput, provider, refreshToken)
  const bitbucketUrl = parseBaseUrl(getInput('bitbucket-url') || 'https://bitbucket.org', ACTION_WORDING.bitbucketUrl)
  const apiUrl = provider.apiUrl(bitbucketUrl, getInput('api-url'))
  const exportEnv = getInput('export-env') || undefined
  if (exportEnv && !isVariableName(exportEnv)) {
    throw new ActionError(
      `Input \`export-env\` "${exportEnv}" is not a valid environment variable name (letters, digits, _); leave it empty to export nothing.`,
    )
  }
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd())
  const runnerTemp = path.resolve(env.RUNNER_TEMP || os.tmpdir())
  const archives = parseArchives(getInput('archives'), workspace, provider.wording.archiveOwner)
  const packageManagers = parsePackageManagers(getInput('package-managers'), env)
  return {
    provider,
    clientId,
    clientSecret,
    refreshToken,
    sealedToken: getInput('sealed-token') || undefined,
    bitbucketUrl,
    tokenUrl: provider.tokenUrl(bitbucketUrl),
    apiUrl,
    redirectUri: readRedirectUri(getInput),
    exportEnv,
    requiredScopes: parseScopes(getInput('required-scopes')),
    secret: readSecretTarget(getInput, refreshToken !== undefined),
    archives,
    downloads: parseDownloads(getInput('downloads'), workspace, archiveClaims(archives)),
    cache: parseBoolean(getInput, 'cache'),
    gitCredentials: parseBoolean(getInput, 'git-credentials') || packageManagers.length > 0,
    packageManagers,
    workspace,
    runnerTemp,
  }
}
