/**
 * The workflow step that `login --secret` prints (on stderr) once the
 * secrets are stored: the action with the names actually used, ready to
 * paste under a job's `steps:`. Only `github-token` is left for the user: a
 * placeholder secret, with a pointer to README's section on that token.
 */
import type { BitbucketType } from '../bitbucket/provider.ts'
import type { SecretTarget } from '../github/secret-target.ts'
import { DEFAULT_CLIENT_ID_SECRET, DEFAULT_CLIENT_SECRET_SECRET, type ConsumerSecretNames } from './args.ts'

/** The action as a workflow names it. The owner is filled in when the action is published (README says OWNER too). */
export const ACTION_REPOSITORY = 'OWNER/bitbucket-oauth-action'
export const ACTION_USES = `${ACTION_REPOSITORY}@v1`
/** README's section on the token that may write the secret. */
export const WRITER_TOKEN_HELP = `https://github.com/${ACTION_REPOSITORY}#the-token-that-writes-the-secret`
/** The secret the printed step reads `github-token` from: the user creates it. */
export const WRITER_TOKEN_SECRET = 'SECRETS_WRITER_TOKEN'
export const DEFAULT_BITBUCKET_URL = 'https://bitbucket.org'

export interface StepRequest {
  /** The refresh token's secret and where it (and the consumer's) live. */
  target: SecretTarget
  /** The consumer's secret names: the stored ones, or the defaults when the user stores them. */
  consumer: ConsumerSecretNames | undefined
  bitbucketUrl: URL
  /** `datacenter` adds `bitbucket-type`, and `redirect-uri` unless it is the action's default. */
  bitbucketType: BitbucketType
  /** The redirect URI the refresh token was authorized with. */
  redirectUri: string
}

/** The action's `redirect-uri` default (action.yml). */
export const DEFAULT_REDIRECT_URI = 'http://localhost:8976/'

/** A value as a YAML scalar: plain when that reads back as the same string, else double-quoted (JSON's escapes). */
export function yamlScalar(value: string): string {
  const plain =
    /^[A-Za-z0-9_][A-Za-z0-9_./:-]*$/.test(value) &&
    !/:(\s|$)/.test(value) &&
    !/^(true|false|yes|no|on|off|y|n|null|~|[-+]?[0-9._]+(e[-+]?[0-9]+)?|0x[0-9a-f]+|0o[0-7]+)$/i.test(value)
  return plain ? value : JSON.stringify(value)
}

/** The site root as the user would write it: no trailing slash. */
function siteRoot(url: URL): string {
  return url.href.replace(/\/+$/, '')
}

/** The step, as lines indented for a job's `steps:` list (six spaces before `- uses:`). */
export function workflowStep(req: StepRequest): string[] {
  const { target } = req
  const clientId = req.consumer?.clientId ?? DEFAULT_CLIENT_ID_SECRET
  const clientSecret = req.consumer?.clientSecret ?? DEFAULT_CLIENT_SECRET_SECRET
  const secret = (name: string) => `\${{ secrets.${name} }}`
  const lines: string[] = []
  if (target.environment) {
    lines.push(`# The job needs \`environment: ${yamlScalar(target.environment)}\`: these are its secrets.`)
  }
  lines.push(`- uses: ${ACTION_USES}`, '  with:')
  const input = (name: string, value: string) => lines.push(`    ${name}: ${value}`)
  input('client-id', secret(clientId))
  input('client-secret', secret(clientSecret))
  input('refresh-token', secret(target.name))
  input('refresh-token-secret', target.name)
  if (target.organization) input('secret-organization', yamlScalar(target.organization))
  if (target.environment) input('secret-environment', yamlScalar(target.environment))
  if (req.bitbucketType !== 'cloud') input('bitbucket-type', req.bitbucketType)
  if (siteRoot(req.bitbucketUrl) !== DEFAULT_BITBUCKET_URL)
    input('bitbucket-url', yamlScalar(siteRoot(req.bitbucketUrl)))
  // Data Center's refresh sends the redirect URI again: it must be the one the token was authorized with.
  if (req.bitbucketType === 'datacenter' && req.redirectUri !== DEFAULT_REDIRECT_URI)
    input('redirect-uri', yamlScalar(req.redirectUri))
  lines.push(`    # a token that may write the secret ${target.name} (not the workflow's GITHUB_TOKEN): README,`)
  lines.push(`    # "The token that writes the secret", ${WRITER_TOKEN_HELP}`)
  input('github-token', secret(WRITER_TOKEN_SECRET))
  return lines.map((line) => `      ${line}`)
}
