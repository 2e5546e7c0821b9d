/**
 * Who may do what. `Authorization: Bearer T` or `token T`; an unknown token
 * gets 401 "Bad credentials". A token's access per repository (its
 * environments included) or organization: 'write' (read and write secrets),
 * 'read' (PUT: 403), 'none' (visible, secrets: 403); one not listed, or that
 * does not exist: 404, as GitHub hides what a token may not see.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { badCredentials, forbidden, notFound } from './replies.ts'
import type { GitHubState } from './state.ts'

export type Access = 'write' | 'read' | 'none'

export interface TokenAccess {
  /** `owner/repo` → access (environments of the repository included). */
  repositories?: Record<string, Access>
  organizations?: Record<string, Access>
}

function tokenOf(state: GitHubState, req: IncomingMessage): TokenAccess | undefined {
  const m = /^(?:Bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? '')
  return m ? state.tokens.get(m[1]!) : undefined
}

/**
 * Whether the request's token may read (or `write`) the secrets of the
 * repository or organization `name` (undefined: it does not exist); answers
 * 401/403/404 and returns false when refused.
 */
export function allowed(
  state: GitHubState,
  req: IncomingMessage,
  res: ServerResponse,
  kind: 'repositories' | 'organizations',
  name: string | undefined,
  write: boolean,
): boolean {
  const token = tokenOf(state, req)
  if (!token) {
    badCredentials(res)
    return false
  }
  const table = token[kind] ?? {}
  const access =
    name === undefined ? undefined : Object.entries(table).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]
  if (access === undefined) {
    notFound(res)
    return false
  }
  if (access === 'none' || (write && access !== 'write')) {
    forbidden(res)
    return false
  }
  return true
}
