/**
 * What each scope's routes receive (repository.ts, environment.ts,
 * organization.ts): the router, the state, and where the API root is.
 */
import type { Router } from '../http/router.ts'
import type { GitHubState } from './state.ts'

/** One path segment of a route pattern, captured. */
export const SEG = '([^/]+)'

export interface GitHubSite {
  router: Router
  state: GitHubState
  /** The route pattern of `pattern` below the API root, e.g. path(`/orgs/${SEG}/actions/secrets/public-key`). */
  path(pattern: string): RegExp
  /** The API root URL (known once the server listens). */
  url(): string
}
