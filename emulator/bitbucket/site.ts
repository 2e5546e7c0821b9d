/**
 * What every concern of the Bitbucket emulator receives: each file registers
 * its routes with a `register…(site)` function, called from server.ts. A new
 * concern (say the Downloads section, or Composer's REST endpoints) is a new
 * file with its own register function; what it needs from the outside comes
 * in through here and EmulatorOptions (server.ts).
 */
import type { Router } from '../http/router.ts'
import type { ArchiveStore } from './archive-store.ts'
import type { GitRepos } from './git-repos.ts'
import type { GrantHandler } from './oauth.ts'
import type { EmulatorState } from './state.ts'

export interface Site {
  router: Router
  /** OAuth consumers, tokens and the clock. */
  state: EmulatorState
  /** OAuth grants beyond refresh_token and client_credentials, by grant_type (authorize.ts adds authorization_code). */
  grants: Map<string, GrantHandler>
  /** Repositories served over git's smart HTTP protocol (`git.create(ws, repo, files)`). */
  git: GitRepos
  /** Repositories, refs and commits whose archives the site serves (also `archivesOf(state)`). */
  archives: ArchiveStore
}
