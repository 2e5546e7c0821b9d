/**
 * The Bitbucket emulator: a real HTTP(S) server on loopback that behaves as
 * Bitbucket Cloud does where the action relies on it. Site and REST API share
 * one origin: the site root is `url`, the API root `${url}/2.0`.
 *
 * Each concern is a file that registers its routes (`register…(site)`, with
 * the router and the shared stores in `site`, site.ts):
 *
 *   control.ts     `/_emulator/*`: faults, clock, options, consumers, sample repositories
 *   oauth.ts       `POST /site/oauth2/access_token`: refresh_token and client_credentials grants
 *   api.ts         `GET /2.0/user`, and the Bearer check of the REST API
 *   authorize.ts   the consent page and the authorization_code grant (pages: authorize-pages.ts)
 *   git.ts         git over smart HTTP (`/{ws}/{repo}.git/...`; repositories: git-repos.ts)
 *   refs.ts        `GET /2.0/repositories/{ws}/{repo}`, its refs and commits (store: archive-store.ts)
 *   archives.ts    `GET /{ws}/{repo}/get/{ref}.tar.gz` and the login page it redirects to
 *   mirror.ts      a second origin serving archives like signed download URLs (`startMirror`)
 *   package-managers.ts  what Composer's Bitbucket driver reads (repository, refs, src, zips) and
 *                  git without the `.git` suffix (go), for repositories served over git
 *   downloads.ts   the Downloads sections (`/2.0/repositories/{ws}/{repo}/downloads…`) and the
 *                  storage host their files redirect to (signed URLs on a second loopback address)
 *
 * A new concern is a new file with its register function, added to
 * `registerSite` below; options it needs go in EmulatorOptions and reach it
 * through `site` (a Data Center layout under a context path such as
 * `/bitbucket` would be such an option). Routes match in the order they were
 * added, so the order below matters only where patterns overlap.
 */
import { Faults } from '../http/faults.ts'
import { listen, type ListenOptions } from '../http/listen.ts'
import { Router } from '../http/router.ts'
import { registerApi } from './api.ts'
import { archivesOf } from './archive-store.ts'
import { registerArchives } from './archives.ts'
import { registerAuthorize } from './authorize.ts'
import { registerControl } from './control.ts'
import { registerDownloads } from './downloads.ts'
import { registerGit } from './git.ts'
import { GitRepos } from './git-repos.ts'
import { registerOAuth } from './oauth.ts'
import { registerPackageManagerRoutes } from './package-managers.ts'
import { registerRefs } from './refs.ts'
import type { Site } from './site.ts'
import { EmulatorState, type StateOptions } from './state.ts'

export interface EmulatorOptions extends Partial<StateOptions>, ListenOptions {}

export interface Emulator extends Site {
  /** Site root, e.g. http://127.0.0.1:PORT */
  url: string
  /** REST API root: `${url}/2.0` */
  apiUrl: string
  faults: Faults
  close(): Promise<void>
}

function registerSite(site: Site): void {
  registerControl(site)
  registerOAuth(site)
  registerApi(site)
  registerAuthorize(site)
  registerGit(site)
  // Before the refs' and archives' routes: Composer's endpoints and git without `.git`, for repositories served over git.
  registerPackageManagerRoutes(site)
  registerRefs(site)
  registerArchives(site)
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = new EmulatorState(options)
  const faults = new Faults()
  const site: Site = {
    router: new Router(faults),
    state,
    grants: new Map(),
    git: new GitRepos(),
    archives: archivesOf(state),
  }
  registerSite(site)
  const storage = await registerDownloads(site.router, state, { tls: options.tls })
  const server = await listen((req, res) => void site.router.handle(req, res), options)
  return {
    ...site,
    url: server.origin,
    apiUrl: `${server.origin}/2.0`,
    faults,
    close: () =>
      server
        .close()
        .finally(() => site.git.dispose())
        .finally(() => storage.close()),
  }
}
