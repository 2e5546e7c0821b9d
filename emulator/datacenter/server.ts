/**
 * The Bitbucket Data Center emulator: a real HTTP(S) server on loopback that
 * behaves as a self-hosted Data Center does where the action relies on it,
 * under a context path (default `/bitbucket`): `url` is the base URL users
 * give as `bitbucket-url`.
 *
 *   state.ts   application links, tokens, strict rotation (no grace window)
 *   oauth.ts   `POST {context}/rest/oauth2/latest/token` (form-body client auth)
 *   authorize.ts  the consent page, PKCE, 10-second authorization codes
 *   rest.ts    `{context}/rest/api/latest/projects/{KEY}/repos/{slug}/…` (refs, commits, archive)
 *   git.ts     git over smart HTTP at `{context}/scm/{key}/{slug}.git`, Bearer only
 *
 * Repositories are real git repositories (`dc.git.create(KEY, slug, files)`,
 * then `dc.tag`/`dc.branch`); the HTTP plumbing is ../http/'s.
 */
import { execFileSync } from 'node:child_process'
import { Faults } from '../http/faults.ts'
import { listen, type ListenOptions } from '../http/listen.ts'
import { Router } from '../http/router.ts'
import { GitRepos, isolatedGitEnv } from '../bitbucket/git-repos.ts'
import { registerDcAuthorize } from './authorize.ts'
import { registerDcGit } from './git.ts'
import { registerDcOAuth, type DcGrant } from './oauth.ts'
import { registerDcRest } from './rest.ts'
import { DataCenterState } from './state.ts'

export interface DataCenterOptions extends ListenOptions {
  /** Default `/bitbucket`; '' for none. */
  contextPath?: string
}

export interface DataCenter {
  /** Base URL with the context path, e.g. http://127.0.0.1:PORT/bitbucket */
  url: string
  state: DataCenterState
  router: Router
  faults: Faults
  git: GitRepos
  /** Token grants by grant_type (refresh_token built in). */
  grants: Map<string, DcGrant>
  /** An annotated tag (its object's hash differs from the commit's). */
  tag(key: string, slug: string, name: string, commit: string): void
  branch(key: string, slug: string, name: string, commit: string): void
  close(): Promise<void>
}

export async function startDataCenter(options: DataCenterOptions = {}): Promise<DataCenter> {
  const context = (options.contextPath ?? '/bitbucket').replace(/\/+$/, '')
  const state = new DataCenterState()
  const faults = new Faults()
  const router = new Router(faults)
  const git = new GitRepos()
  const grants = new Map<string, DcGrant>()
  registerDcOAuth(router, context, state, grants)
  registerDcAuthorize(router, context, state, grants)
  registerDcRest(router, context, state, git)
  registerDcGit(router, context, state, git)
  const server = await listen((req, res) => void router.handle(req, res), options)
  const run = (key: string, slug: string, args: string[]) =>
    execFileSync('git', args, {
      cwd: git.dir(key, slug),
      env: {
        ...isolatedGitEnv(git.root),
        GIT_COMMITTER_NAME: 'Emulator',
        GIT_COMMITTER_EMAIL: 'emulator@example.invalid',
      },
    })
  return {
    url: `${server.origin}${context}`,
    state,
    router,
    faults,
    git,
    grants,
    tag: (key, slug, name, commit) => void run(key, slug, ['tag', '-a', '-m', name, name, commit]),
    branch: (key, slug, name, commit) => void run(key, slug, ['branch', '-f', name, commit]),
    close: () => server.close().finally(() => git.dispose()),
  }
}
