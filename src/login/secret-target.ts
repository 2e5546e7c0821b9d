/**
 * Turns `--secret NAME` (with --repo/--environment/--organization) and the
 * environment into the SecretTarget that saveSecret writes to. Checked before
 * the browser opens, so that a missing GitHub token does not cost a login.
 */
import { ActionError } from '../shared/errors.ts'
import type { SecretTarget } from '../github/secret-target.ts'
import { parseBaseUrl } from '../shared/validate.ts'
import type { SecretRequest } from './args.ts'
import { githubHost, parseGitHubRemote } from './git-remote.ts'
import { CLI_WORDING } from './wording.ts'

export interface SecretTargetDeps {
  env: NodeJS.ProcessEnv
  /** The current directory's `origin` remote URL, if any. */
  readOriginUrl(): Promise<string | undefined>
}

export async function resolveSecretTarget(request: SecretRequest, deps: SecretTargetDeps): Promise<SecretTarget> {
  const { env } = deps
  const githubToken = env.GH_TOKEN || env.GITHUB_TOKEN || ''
  if (!githubToken) {
    throw new ActionError(
      `--secret ${request.name} needs a GitHub token allowed to write Actions secrets in GH_TOKEN or GITHUB_TOKEN: with the GitHub CLI, run \`GH_TOKEN=$(gh auth token) bitbucket-oauth login --secret ${request.name}\`; or a fine-grained token with "Secrets: read and write".`,
    )
  }
  const githubApiUrl = parseBaseUrl(env.GITHUB_API_URL || 'https://api.github.com', CLI_WORDING.githubApiUrl)

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
  }
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
