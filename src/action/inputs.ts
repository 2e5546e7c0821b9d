/**
 * Reads and validates every input before any network call. Secret inputs are
 * masked first, before anything else can print them.
 */
import os from 'node:os'
import path from 'node:path'
import { ActionError } from '../shared/errors.ts'
import { assertSecureUrl, joinUrl } from '../net/http.ts'
import type { Masker } from '../shared/mask.ts'
import { parseArchives, type ArchiveSpec } from '../archives/spec.ts'
import { parsePackageManagers, type PackageManager } from '../package-managers/names.ts'

export interface SecretTarget {
  name: string
  /** `owner/repo`; set unless the secret is an organization secret. */
  repository: string | undefined
  environment: string | undefined
  organization: string | undefined
  githubToken: string
  githubApiUrl: URL
}

export interface Config {
  clientId: string
  clientSecret: string
  /** Empty: the client_credentials grant. */
  refreshToken: string | undefined
  bitbucketUrl: URL
  tokenUrl: URL
  apiUrl: URL
  exportEnv: string | undefined
  requiredScopes: string[]
  secret: SecretTarget | undefined
  archives: ArchiveSpec[]
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

/** Parses a site or API root; the path is kept, without a trailing slash. */
export function parseBaseUrl(value: string, input: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ActionError(`Input \`${input}\` is not a URL: "${value}".`)
  }
  if (url.username || url.password) throw new ActionError(`Input \`${input}\` must not carry credentials in the URL.`)
  if (url.search || url.hash) throw new ActionError(`Input \`${input}\` must be a plain root URL, without "?" or "#".`)
  assertSecureUrl(url, `input \`${input}\``)
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
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

/** A secret or environment variable name: letters, digits and `_`, not starting with a digit. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** A GitHub `owner/repo`. */
export const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/
/** A GitHub user or organization name. */
export const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/

export function validateSecretName(name: string, input: string): void {
  if (!NAME.test(name) || /^GITHUB_/i.test(name)) {
    throw new ActionError(
      `Input \`${input}\` "${name}" is not a valid GitHub secret name: letters, digits and _ only, not starting with a digit or GITHUB_.`,
    )
  }
}

function readSecretTarget(getInput: GetInput, hasRefreshToken: boolean): SecretTarget | undefined {
  const name = getInput('refresh-token-secret')
  if (!name) return undefined
  validateSecretName(name, 'refresh-token-secret')
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
  if (organization && !OWNER.test(organization)) {
    throw new ActionError(`Input \`secret-organization\` "${organization}" is not an organization name.`)
  }
  let repository: string | undefined = getInput('secret-repository') || undefined
  if (!organization) {
    if (!repository)
      throw new ActionError('Input `secret-repository` is empty: name the `owner/repo` that holds the secret.')
    if (!REPOSITORY.test(repository))
      throw new ActionError(`Input \`secret-repository\` "${repository}" is not of the form owner/repo.`)
  } else {
    repository = undefined
  }
  const githubApiUrl = parseBaseUrl(getInput('github-api-url') || 'https://api.github.com', 'github-api-url')
  return { name, repository, environment, organization, githubToken, githubApiUrl }
}

export function readConfig(getInput: GetInput, env: NodeJS.ProcessEnv): Config {
  const clientId = required(getInput, 'client-id', "the OAuth consumer's Key (Workspace settings → OAuth consumers).")
  const clientSecret = required(getInput, 'client-secret', "the OAuth consumer's Secret.")
  const refreshToken = getInput('refresh-token') || undefined
  const bitbucketUrl = parseBaseUrl(getInput('bitbucket-url') || 'https://bitbucket.org', 'bitbucket-url')
  const apiUrl = parseBaseUrl(getInput('api-url') || 'https://api.bitbucket.org/2.0', 'api-url')
  const exportEnv = getInput('export-env') || undefined
  if (exportEnv && !NAME.test(exportEnv)) {
    throw new ActionError(
      `Input \`export-env\` "${exportEnv}" is not a valid environment variable name (letters, digits, _); leave it empty to export nothing.`,
    )
  }
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd())
  const runnerTemp = path.resolve(env.RUNNER_TEMP || os.tmpdir())
  const packageManagers = parsePackageManagers(getInput('package-managers'), env)
  return {
    clientId,
    clientSecret,
    refreshToken,
    bitbucketUrl,
    tokenUrl: joinUrl(bitbucketUrl, 'site/oauth2/access_token'),
    apiUrl,
    exportEnv,
    requiredScopes: parseScopes(getInput('required-scopes')),
    secret: readSecretTarget(getInput, refreshToken !== undefined),
    archives: parseArchives(getInput('archives'), workspace),
    cache: parseBoolean(getInput, 'cache'),
    gitCredentials: parseBoolean(getInput, 'git-credentials') || packageManagers.length > 0,
    packageManagers,
    workspace,
    runnerTemp,
  }
}
