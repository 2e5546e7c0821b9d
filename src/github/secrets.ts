/**
 * Writes a GitHub Actions secret (repository, environment or organization)
 * through GitHub's REST API: fetch the scope's public key, seal the value to
 * it (libsodium sealed box, see sealed-box.ts), PUT it.
 *
 *   saveSecret(http, target, value, debug, wording)
 *
 * - `http`: the shared HttpClient (retries 5xx/429/network faults; http only
 *   to loopback hosts, which is how tests point it at emulator/github/).
 * - `target`: a SecretTarget (secret-target.ts): `name`, `repository`
 *   (`owner/repo`, unused for an organization secret), `environment`,
 *   `organization`, `githubToken`, `githubApiUrl` (REST root, e.g.
 *   https://api.github.com or https://ghes.example/api/v3).
 * - `wording`: how the messages name the token, the API root and the secret
 *   name (the action's inputs or the command's options).
 * - An organization secret that exists keeps its visibility and, for
 *   `selected`, its selected repositories; a new one gets `private`.
 * - Failures reject with an ActionError whose message says what the token
 *   lacks (401/403/404) and never contains the token, the value or the
 *   sealed value. The caller adds "the new refresh token was NOT saved".
 */
import { ActionError } from '../shared/errors.ts'
import { HttpError } from '../net/errors.ts'
import type { HttpClient, HttpResponse, Method } from '../net/http.ts'
import { joinUrl } from '../net/url.ts'
import { secretPlace, type SecretTarget } from './secret-target.ts'
import { sealBase64 } from './sealed-box.ts'
import { isoSeconds, parseJsonObject } from '../shared/format.ts'
import { capitalize, type Wording } from '../shared/wording.ts'

export const GITHUB_API_VERSION = '2022-11-28'

type ScopeKind = 'repository' | 'environment' | 'organization'

interface Scope {
  kind: ScopeKind
  /** API path of the scope's secrets collection, e.g. `repos/o/r/actions/secrets`. */
  collection: string
  /** For messages: secretPlace() of the target. */
  label: string
}

/** The names that GitHub's refusals mention. */
export type GitHubWording = Pick<Wording, 'githubToken' | 'githubApiUrl' | 'secretName' | 'githubTokenNote'>

/** Writes `value` to the secret `target`; rejects with an ActionError that says what to fix. */
export type SaveSecret = (
  http: HttpClient,
  target: SecretTarget,
  value: string,
  debug: (m: string) => void,
  wording: GitHubWording,
) => Promise<void>

interface Answer {
  response: HttpResponse
  json: Record<string, unknown> | undefined
}

export type OrgVisibility = 'all' | 'private' | 'selected'

const segment = (s: string) => encodeURIComponent(s)

export function secretScope(target: SecretTarget): Scope {
  const label = secretPlace(target)
  if (target.organization) {
    return { kind: 'organization', collection: `orgs/${segment(target.organization)}/actions/secrets`, label }
  }
  const [owner = '', repo = ''] = (target.repository ?? '').split('/')
  const repoPath = `repos/${segment(owner)}/${segment(repo)}`
  if (target.environment) {
    return { kind: 'environment', collection: `${repoPath}/environments/${segment(target.environment)}/secrets`, label }
  }
  return { kind: 'repository', collection: `${repoPath}/actions/secrets`, label }
}

export const saveSecret: SaveSecret = async (http, target, value, debug, wording) => {
  const scope = secretScope(target)
  const api = new GitHubApi(http, target, scope, wording)

  const key = await api.call('GET', `${scope.collection}/public-key`, 'read the public key of')
  const keyId = key.json?.key_id
  const publicKey = key.json?.key
  if ((typeof keyId !== 'string' && typeof keyId !== 'number') || typeof publicKey !== 'string') {
    throw new ActionError(
      `GitHub's answer for the public key of ${scope.label} has no key_id and key; check that ${wording.githubApiUrl.name} (${target.githubApiUrl.href}) is the GitHub REST API root.`,
    )
  }
  debug(`GitHub secret ${target.name}: public key ${keyId} of ${scope.label}`)

  const body: Record<string, unknown> = {}
  if (scope.kind === 'organization') Object.assign(body, await organizationAccess(api, target.name, debug))

  body.encrypted_value = await sealBase64(value, publicKey)
  body.key_id = String(keyId)
  const put = await api.call(
    'PUT',
    `${scope.collection}/${segment(target.name)}`,
    'write secret ' + target.name + ' of',
    JSON.stringify(body),
  )
  debug(
    `GitHub secret ${target.name} of ${scope.label}: HTTP ${put.response.status} (${put.response.status === 201 ? 'created' : 'updated'})`,
  )
}

/** An existing organization secret's visibility (and selected repositories), or `private` for a new one. */
async function organizationAccess(
  api: GitHubApi,
  name: string,
  debug: (m: string) => void,
): Promise<{ visibility: OrgVisibility; selected_repository_ids?: number[] }> {
  const { scope, wording } = api
  const existing = await api.call(
    'GET',
    `${scope.collection}/${segment(name)}`,
    `read secret ${name} of`,
    undefined,
    [404],
  )
  if (existing.response.status === 404) {
    debug(`GitHub secret ${name} does not exist in ${scope.label} yet: it is created with visibility private`)
    return { visibility: 'private' }
  }
  const visibility = existing.json?.visibility
  if (visibility !== 'all' && visibility !== 'private' && visibility !== 'selected') {
    throw new ActionError(
      `GitHub's answer for secret ${name} of ${scope.label} names no visibility (all, private or selected), so it cannot be kept; check ${wording.githubApiUrl.name}.`,
    )
  }
  if (visibility !== 'selected') {
    debug(`GitHub secret ${name} of ${scope.label} exists with visibility ${visibility}: kept`)
    return { visibility }
  }
  const ids: number[] = []
  for (let page = 1; ; page++) {
    const list = await api.call(
      'GET',
      `${scope.collection}/${segment(name)}/repositories?per_page=100&page=${page}`,
      `list the repositories selected for secret ${name} of`,
    )
    const repos = list.json?.repositories
    const total = list.json?.total_count
    if (!Array.isArray(repos)) {
      throw new ActionError(
        `GitHub's answer listing the repositories selected for secret ${name} of ${scope.label} has no repositories; check ${wording.githubApiUrl.name}.`,
      )
    }
    for (const r of repos as { id?: unknown }[]) {
      if (typeof r?.id === 'number') ids.push(r.id)
    }
    if (repos.length === 0 || (typeof total === 'number' ? ids.length >= total : repos.length < 100)) break
  }
  debug(
    `GitHub secret ${name} of ${scope.label} exists with visibility selected (${ids.length} ${ids.length === 1 ? 'repository' : 'repositories'}): kept`,
  )
  return { visibility: 'selected', selected_repository_ids: ids }
}

/** One GitHub REST call with the house headers; non-2xx answers become messages that say what to fix. */
class GitHubApi {
  readonly #http: HttpClient
  readonly #target: SecretTarget
  readonly scope: Scope
  readonly wording: GitHubWording

  constructor(http: HttpClient, target: SecretTarget, scope: Scope, wording: GitHubWording) {
    this.#http = http
    this.#target = target
    this.scope = scope
    this.wording = wording
  }

  /** `action` completes "could not ... {scope label}", e.g. "read the public key of". */
  async call(method: Method, path: string, action: string, body?: string, accept: number[] = []): Promise<Answer> {
    const url = joinUrl(this.#target.githubApiUrl, path)
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      'x-github-api-version': GITHUB_API_VERSION,
    }
    if (body !== undefined) headers['content-type'] = 'application/json'
    let result
    try {
      result = await this.#http.text(url, {
        method,
        what: 'the GitHub API',
        authorization: `Bearer ${this.#target.githubToken}`,
        headers,
        body,
        // Writing the same secret twice is harmless.
        idempotent: true,
      })
    } catch (err) {
      if (err instanceof HttpError && err.status !== undefined && err.phase === 'request') {
        throw new ActionError(
          `The GitHub API (${url.host}) kept answering HTTP ${err.status} when asked to ${action} ${this.scope.label}; GitHub may be degraded (https://www.githubstatus.com).`,
          { cause: err },
        )
      }
      throw err
    }
    const { response, text } = result
    const json = parseJsonObject(text)
    if ((response.status >= 200 && response.status < 300) || accept.includes(response.status)) return { response, json }
    throw this.#failure(response, json, action)
  }

  #failure(response: HttpResponse, json: Record<string, unknown> | undefined, action: string): ActionError {
    const status = response.status
    const { scope, wording } = this
    const token = wording.githubToken
    const message = typeof json?.message === 'string' ? json.message.replace(/\s+/g, ' ').slice(0, 200) : undefined
    const said = `HTTP ${status}${message ? `: "${message}"` : ''}`
    const rateLimited =
      (status === 403 || status === 429) &&
      (response.headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message ?? ''))
    if (rateLimited) {
      const reset = Number(response.headers['x-ratelimit-reset'])
      const when = Number.isFinite(reset) && reset > 0 ? ` (it resets at ${isoSeconds(new Date(reset * 1000))})` : ''
      return new ActionError(
        `${capitalize(token)} hit GitHub's API rate limit (${said})${when} when asked to ${action} ${scope.label}.`,
      )
    }
    if (status === 401) {
      return new ActionError(
        `GitHub refused ${token} (${said}): it is invalid, expired or revoked. Create a new one (a fine-grained personal access token with "Secrets: read and write", or a GitHub App token) and update the secret that the workflow passes as \`github-token\`.`,
      )
    }
    if (status === 403)
      return new ActionError(
        `${capitalize(token)} may not ${action} ${scope.label} (${said}). ${permissionHint(scope, this.#target, wording)}`,
      )
    if (status === 404) return new ActionError(notFoundHint(scope, this.#target, said, token))
    if (status === 422) {
      return new ActionError(
        `GitHub refused to ${action} ${scope.label} (${said}). Check ${wording.secretName.name} and the secret's settings in GitHub.`,
      )
    }
    if (status === 429 || status >= 500) {
      return new ActionError(
        `The GitHub API answered ${said} after ${response.attempts} attempts when asked to ${action} ${scope.label}; GitHub may be degraded (https://www.githubstatus.com).`,
      )
    }
    return new ActionError(
      `The GitHub API answered ${said} when asked to ${action} ${scope.label}; check ${wording.githubApiUrl.name} and \`github-token\`.`,
    )
  }
}

function permissionHint(scope: Scope, target: SecretTarget, wording: GitHubWording): string {
  if (scope.kind === 'organization') {
    return `Give it the organization permission "Secrets: read and write" on ${target.organization}: a fine-grained personal access token of an organization owner with resource owner ${target.organization} and Organization permissions → Secrets: Read and write (a classic token needs the admin:org scope), or a GitHub App installed on ${target.organization} with the organization Secrets permission set to Read and write.`
  }
  const extra = scope.kind === 'environment' ? ' and Environments: Read and write' : ''
  const hint = `Give it "Secrets: read and write" on ${target.repository}: a fine-grained personal access token with ${target.repository} under Repository access and Repository permissions → Secrets: Read and write${extra} (a classic token needs the repo scope), or a GitHub App installed on ${target.repository} with the same permission${extra ? 's' : ''}.`
  return wording.githubTokenNote ? `${hint} ${wording.githubTokenNote}` : hint
}

/** `token`: how the messages name the GitHub token ("the `github-token`"). */
function notFoundHint(scope: Scope, target: SecretTarget, said: string, token: string): string {
  switch (scope.kind) {
    case 'organization':
      return `GitHub answered ${said} for ${scope.label}: it does not exist or is not visible to ${token}. Check \`secret-organization\`, and that the token's resource owner is that organization (for a GitHub App: that it is installed there).`
    case 'environment':
      return `GitHub answered ${said} for ${scope.label}: the repository or the environment does not exist, or is not visible to ${token}. Check \`secret-repository\` and \`secret-environment\` (Settings → Environments; the name must match exactly), and that the token may access ${target.repository}.`
    default:
      return `GitHub answered ${said} for ${scope.label}: it does not exist or is not visible to ${token}. Check \`secret-repository\`, and that the token may access it (a fine-grained token must list it under Repository access; a GitHub App must be installed on it).`
  }
}
