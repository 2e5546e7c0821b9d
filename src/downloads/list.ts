/**
 * The Downloads section through the REST API, with the Bearer token:
 * `GET {api-url}/repositories/{ws}/{repo}/downloads` (paginated: `values`,
 * `next`) and the messages for its refusals.
 */
import { ActionError } from '../shared/errors.ts'
import { parseJsonObject, shown } from '../shared/format.ts'
import type { HttpClient } from '../net/http.ts'
import { joinUrl } from '../net/url.ts'
import type { DownloadItem } from './match.ts'

export interface ApiDeps {
  http: HttpClient
  apiUrl: URL
  /** `Bearer …` */
  authorization: string
}

export const SCOPE_HINT =
  'The OAuth consumer needs the Repositories: Read permission (scope `repository`), and its user (or workspace) must be able to read the repository.'

/** Pages read at most (100 files each). */
const MAX_PAGES = 1000

function downloadsPath(workspace: string, repo: string): string {
  return `repositories/${encodeURIComponent(workspace)}/${encodeURIComponent(repo)}/downloads`
}

/** `{api-url}/repositories/{ws}/{repo}/downloads/{name}` */
export function fileUrl(apiUrl: URL, workspace: string, repo: string, name: string): URL {
  return joinUrl(apiUrl, `${downloadsPath(workspace, repo)}/${encodeURIComponent(name)}`)
}

/** The API's own error text, shown quoted and made safe, or ''. */
export function apiSaid(json: Record<string, unknown> | undefined): string {
  const error = json?.error as { message?: unknown } | undefined
  return typeof error?.message === 'string' && error.message ? ` ("${shown(error.message.slice(0, 200))}")` : ''
}

/** The message for a 401 or 403 of the API, or undefined for any other status. */
export function refusal(status: number, said: string, full: string, doing: string): ActionError | undefined {
  if (status === 401) {
    return new ActionError(
      `The Bitbucket API refused the access token while ${doing} (HTTP 401${said}). The token may have expired or been revoked, or lacks the scope \`repository\`: ${SCOPE_HINT} Re-run the job, and check that \`api-url\` belongs to the same Bitbucket as \`bitbucket-url\`.`,
    )
  }
  if (status === 403) {
    return new ActionError(
      `The token may not read the Downloads section of ${full} (HTTP 403${said} while ${doing}). ${SCOPE_HINT} Tick the permission on the consumer, then get a new refresh token with \`bitbucket-oauth login\`.`,
    )
  }
  return undefined
}

export function repositoryNotFound(full: string, doing: string): ActionError {
  return new ActionError(
    `Repository ${full} was not found, or the token cannot see it (while ${doing}). Check the spelling of WORKSPACE/REPO; ${SCOPE_HINT}`,
  )
}

function degraded(status: number, said: string, doing: string): ActionError {
  return new ActionError(
    `The Bitbucket API answered HTTP ${status}${said} while ${doing}. ${status >= 500 || status === 429 ? 'Bitbucket may be degraded; re-run the job later.' : 'Check `api-url`.'}`,
  )
}

function item(value: unknown): DownloadItem | undefined {
  if (!value || typeof value !== 'object') return undefined
  const v = value as Record<string, unknown>
  if (typeof v.name !== 'string' || v.name === '') return undefined
  return {
    name: v.name,
    size: typeof v.size === 'number' && Number.isSafeInteger(v.size) && v.size >= 0 ? v.size : undefined,
    createdOn: typeof v.created_on === 'string' ? v.created_on : undefined,
  }
}

/**
 * The files of a repository's Downloads section, in the API's order: every
 * page with `all`, else the first page only (for an error message).
 */
export async function listDownloads(
  deps: ApiDeps,
  workspace: string,
  repo: string,
  options: { all: boolean },
): Promise<DownloadItem[]> {
  const full = `${workspace}/${repo}`
  const doing = `listing the Downloads of ${full}`
  const first = joinUrl(deps.apiUrl, downloadsPath(workspace, repo))
  first.searchParams.set('pagelen', '100')
  const seen = new Set<string>()
  const items: DownloadItem[] = []
  let url: URL | undefined = first
  for (let page = 1; url; page++) {
    if (page > MAX_PAGES)
      throw new ActionError(
        `The Downloads list of ${full} has more than ${MAX_PAGES} pages; name the file exactly instead of with a pattern.`,
      )
    seen.add(url.href)
    const { response, text } = await deps.http.text(url, {
      what: `the Downloads list of ${full}`,
      authorization: deps.authorization,
      headers: { accept: 'application/json' },
    })
    const json = parseJsonObject(text)
    const said = apiSaid(json)
    const refused = refusal(response.status, said, full, doing)
    if (refused) throw refused
    if (response.status === 404) throw repositoryNotFound(full, doing)
    if (response.status !== 200) throw degraded(response.status, said, doing)
    if (!json || !Array.isArray(json.values))
      throw new ActionError(
        `The Bitbucket API answered the Downloads list of ${full} without a list of files; check that \`api-url\` points at the Bitbucket Cloud REST API (https://api.bitbucket.org/2.0).`,
      )
    for (const v of json.values) {
      const it = item(v)
      if (it) items.push(it)
    }
    url = undefined
    if (options.all && typeof json.next === 'string' && json.next) {
      let next: URL
      try {
        next = new URL(json.next, first)
      } catch {
        throw new ActionError(`The Downloads list of ${full} named a next page that is not a URL; check \`api-url\`.`)
      }
      // The token goes only where it was meant to: the next page must be on the API's own origin.
      if (next.origin !== deps.apiUrl.origin)
        throw new ActionError(
          `The Downloads list of ${full} named its next page on another host (${next.host}); the token is not sent there. Check \`api-url\` and any proxy.`,
        )
      if (!seen.has(next.href)) url = next
    }
  }
  return items
}
