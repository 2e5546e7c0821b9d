/**
 * A fake GitHub Actions secrets API on loopback, for tests and the demo. A
 * separate server from the Bitbucket emulator (its own origin, request log
 * and faults). Each scope (repository, environment, organization) holds a
 * real Curve25519 keypair (keys.ts), and the readers OPEN each stored sealed
 * box with the private key, so tests assert the plaintext that was saved.
 *
 *   const gh = await startFakeGitHub()
 *   const repo = gh.addRepository('octo-org/octo-repo', { environments: ['prod'] })
 *   const org = gh.addOrganization('octo-org')
 *   const token = gh.addToken({ repositories: { 'octo-org/octo-repo': 'write' }, organizations: { 'octo-org': 'write' } })
 *   // inputs: 'github-api-url': gh.url, 'github-token': token
 *   gh.repoSecret('octo-org/octo-repo', 'NAME')       // plaintext or undefined
 *   gh.envSecret('octo-org/octo-repo', 'prod', 'NAME')
 *   gh.orgSecret('octo-org', 'NAME')                   // { value, visibility, selectedRepositoryIds }
 *   gh.setOrgSecret('octo-org', 'NAME', 'v', { visibility: 'selected', selectedRepositoryIds: [repo.id] })
 *   gh.router.requests, gh.faults.add({ kind: 'status', status: 502, method: 'PUT', path: /secrets/ })
 *   await gh.close()
 *
 * Endpoints as GitHub's REST API (version 2022-11-28) has them, below
 * `basePath` (default '', e.g. '/api/v3' for a GitHub Enterprise Server
 * layout), one file per scope: repository.ts, environment.ts,
 * organization.ts. Who may call them: permissions.ts; what the secret
 * endpoints check in a PUT: secrets.ts.
 */
import { Faults } from '../http/faults.ts'
import { listen } from '../http/listen.ts'
import { Router } from '../http/router.ts'
import { registerEnvironment } from './environment.ts'
import { sodiumReady } from './keys.ts'
import { registerOrganization } from './organization.ts'
import type { TokenAccess } from './permissions.ts'
import { registerRepository } from './repository.ts'
import type { GitHubSite } from './site.ts'
import {
  GitHubState,
  type FakeOrganization,
  type FakeRepository,
  type OrgSecretView,
  type Visibility,
} from './state.ts'

export interface FakeGitHubOptions {
  host?: string
  port?: number
  /** API root path, e.g. '/api/v3'; default '' (api.github.com layout). */
  basePath?: string
}

export interface FakeGitHub {
  /** API root for `github-api-url`, e.g. http://127.0.0.1:PORT (plus basePath). */
  url: string
  router: Router
  faults: Faults
  /** A token with the given access; returns its value. */
  addToken(access: TokenAccess, value?: string): string
  addRepository(fullName: string, options?: { environments?: string[] }): FakeRepository
  addEnvironment(fullName: string, environment: string): void
  addOrganization(login: string): FakeOrganization
  /** Plaintext of a repository secret (the sealed box opened), or undefined. */
  repoSecret(fullName: string, name: string): string | undefined
  envSecret(fullName: string, environment: string, name: string): string | undefined
  orgSecret(login: string, name: string): OrgSecretView | undefined
  /** Seeds a secret as if set in GitHub's UI (sealed with the scope's key). */
  setRepoSecret(fullName: string, name: string, value: string): void
  setOrgSecret(
    login: string,
    name: string,
    value: string,
    options?: { visibility?: Visibility; selectedRepositoryIds?: number[] },
  ): void
  close(): Promise<void>
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  await sodiumReady()
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')
  const faults = new Faults()
  const router = new Router(faults)
  const state = new GitHubState()
  let url = ''
  const site: GitHubSite = {
    router,
    state,
    path: (pattern) => new RegExp(`^${basePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${pattern}$`),
    url: () => url,
  }
  registerRepository(site)
  registerEnvironment(site)
  registerOrganization(site)

  const server = await listen((req, res) => void router.handle(req, res), options)
  url = `${server.origin}${basePath}`
  return {
    url,
    router,
    faults,
    addToken: (access, value) => state.addToken(access, value),
    addRepository: (fullName, opts) => state.addRepository(fullName, opts),
    addEnvironment: (fullName, environment) => state.addEnvironment(fullName, environment),
    addOrganization: (login) => state.addOrganization(login),
    repoSecret: (fullName, name) => state.repoSecret(fullName, name),
    envSecret: (fullName, environment, name) => state.envSecret(fullName, environment, name),
    orgSecret: (login, name) => state.orgSecret(login, name),
    setRepoSecret: (fullName, name, value) => state.setRepoSecret(fullName, name, value),
    setOrgSecret: (login, name, value, opts) => state.setOrgSecret(login, name, value, opts),
    close: server.close,
  }
}
