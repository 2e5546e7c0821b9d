/**
 * Turns `--secret NAME` (with --repo/--environment/--organization) and the
 * environment into the SecretTarget that saveSecret writes to. Checked before
 * the browser opens, so that a missing GitHub token does not cost a login.
 * The GitHub token is GH_TOKEN, else GITHUB_TOKEN, else the GitHub CLI's
 * (`gh auth token`) when gh is installed and logged in.
 */
import { ActionError } from '../shared/errors.ts'
import type { SecretTarget } from '../github/secret-target.ts'
import { parseBaseUrl } from '../shared/validate.ts'
import type { SecretRequest } from './args.ts'
import type { GhTokenResult } from './gh-token.ts'
import { githubHost, parseGitHubRemote } from './git-remote.ts'
import { CLI_WORDING } from './wording.ts'

export interface SecretTargetDeps {
  env: NodeJS.ProcessEnv
  /** The current directory's `origin` remote URL, if any. */
  readOriginUrl(): Promise<string | undefined>
  /** The GitHub CLI's token for a host (gh-token.ts). */
  ghAuthToken(host: string): Promise<GhTokenResult>
}

/** The target, and where its GitHub token came from (the messages name it). */
export interface LoginSecretTarget extends SecretTarget {
  githubTokenFrom: 'environment' | 'gh'
}

export async function resolveSecretTarget(request: SecretRequest, deps: SecretTargetDeps): Promise<LoginSecretTarget> {
  const { env } = deps
  const githubApiUrl = parseBaseUrl(env.GITHUB_API_URL || 'https://api.github.com', CLI_WORDING.githubApiUrl)
  const fromEnv = env.GH_TOKEN || env.GITHUB_TOKEN || ''
  const githubToken = fromEnv || (await tokenOfGh(request.name, githubHost(githubApiUrl), deps))

  let repository = request.repository
  if (!request.organization && !repository) {
    const host = githubHost(githubApiUrl)
    const origin = await deps.readOriginUrl()
    repository = origin ? parseGitHubRemote(origin, host) : undefined
    if (!repository) {
      throw new ActionError(
        origin
          ? `The "origin" remote of this directory (${redactRemote(origin)}) is not a ${host} repository: pass --repo OWNER/REPO (or --organization ORG) to say where the secret goes.`
          : `This directory has no git "origin" remote to take the repository from (or git is not installed): pass --repo OWNER/REPO (or --organization ORG) to say where the secret goes.`,
      )
    }
  }
  return {
    name: request.name,
    repository: request.organization ? undefined : repository,
    environment: request.environment,
    organization: request.organization,
    githubToken,
    githubApiUrl,
    githubTokenFrom: fromEnv ? 'environment' : 'gh',
  }
}

/** `gh auth token`, or an error that says how to give the command a GitHub token. */
async function tokenOfGh(secretName: string, host: string, deps: SecretTargetDeps): Promise<string> {
  const gh = await deps.ghAuthToken(host)
  if (gh.token !== undefined) return gh.token
  const cli = gh.notInstalled
    ? 'the GitHub CLI (gh) is not installed'
    : `the GitHub CLI has no token for ${host} (gh auth token: ${gh.detail})`
  const fix = gh.notInstalled ? 'install gh and run `gh auth login`' : `run \`gh auth login --hostname ${host}\``
  throw new ActionError(
    `--secret ${secretName} needs a GitHub token allowed to write Actions secrets: GH_TOKEN and GITHUB_TOKEN are not set, and ${cli}. Either ${fix}, or set GH_TOKEN to a fine-grained token with "Secrets: read and write"; then run the login again.`,
  )
}

/** A remote URL for a message: without any user info (https remotes may embed a token). */
function redactRemote(remote: string): string {
  try {
    const url = new URL(remote)
    url.username = ''
    url.password = ''
    return url.href
  } catch {
    return remote.replace(/\/\/[^@/]*@/, '//')
  }
}
