/**
 * What package managers call besides git's `.git` URLs and tar.gz archives,
 * for the repositories served over git (emulator/git.ts):
 *
 * - git's smart HTTP without the `.git` suffix (`/{ws}/{repo}/info/refs`,
 *   `/{ws}/{repo}/git-upload-pack`): the go command clones
 *   `https://bitbucket.org/{ws}/{repo}` for a module `bitbucket.org/{ws}/{repo}`;
 * - what Composer's Bitbucket driver (Composer\Repository\Vcs\GitBitbucketDriver)
 *   reads from `https://api.bitbucket.org/2.0` (Bearer token, `repository`
 *   scope): `repositories/{ws}/{repo}` (clone links, refs links, main
 *   branch, scm), `.../refs/tags` and `.../refs/branches` (one page,
 *   `values[].name` and `values[].target.hash`), `.../src/{commit}/{path}`
 *   (the raw file) and `.../commit/{commit}` (`date`), and the zip archive
 *   `https://bitbucket.org/{ws}/{repo}/get/{commit}.zip` it installs from
 *   (Bearer; anonymous requests are sent to the sign-in page, like the tar.gz).
 *
 * Links name `https://api.bitbucket.org/2.0` and `https://bitbucket.org` when
 * the request came for `api.bitbucket.org` or `bitbucket.org` (through a test's
 * CONNECT proxy), else the emulator's own origin.
 *
 * Repositories that emulator/archives.ts keeps are left to its routes: these
 * routes only match paths of repositories served over git.
 */
import { execFile, execFileSync } from 'node:child_process'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { requireBearer } from './api.ts'
import { serveGit } from './git.ts'
import type { GitRepos } from './git-repos.ts'
import type { Router } from '../http/router.ts'
import { send, sendJson } from '../http/reply.ts'
import type { Site } from './site.ts'

/** A route pattern that matches only when its first two groups name a repository served over git. */
class GitRepoPath extends RegExp {
  readonly #git: GitRepos

  constructor(source: string, git: GitRepos) {
    super(source)
    this.#git = git
  }

  override test(s: string): boolean {
    const m = this.exec(s)
    try {
      return m !== null && this.#git.has(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!))
    } catch {
      return false // a malformed %-escape: not a repository
    }
  }
}

const gitEnv = (home: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '',
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LANG: 'C',
})

/** Adds a lightweight tag `tag` at `ref` (default: the `main` branch) to a repository served over git. */
export function tagGitRepo(git: GitRepos, workspace: string, repo: string, tag: string, ref = 'main'): string {
  const opts = { cwd: git.dir(workspace, repo), env: gitEnv(git.root), encoding: 'utf8' as const }
  execFileSync('git', ['tag', tag, ref], opts)
  return execFileSync('git', ['rev-parse', `${tag}^{commit}`], opts).trim()
}

function gitOut(git: GitRepos, ws: string, repo: string, args: string[]): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      { cwd: git.dir(ws, repo), env: gitEnv(git.root), encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      (err, out) => resolve(err ? undefined : out),
    )
  })
}

/** `{site, api}` roots as the client sees them. */
function roots(req: IncomingMessage): { site: string; api: string } {
  const host = req.headers.host ?? 'localhost'
  if (host === 'api.bitbucket.org' || host === 'bitbucket.org')
    return { site: 'https://bitbucket.org', api: 'https://api.bitbucket.org/2.0' }
  const origin = `${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}://${host}`
  return { site: origin, api: `${origin}/2.0` }
}

function hasRepositoryScope(scopes: string[]): boolean {
  return scopes.some((s) => s.startsWith('repository'))
}

export function registerPackageManagerRoutes({ router, state, git }: Site): void {
  const route = (method: string, source: string, handler: Parameters<Router['add']>[2], stream = false) =>
    router.add(method, new GitRepoPath(source, git), handler, { stream })

  // Git without the `.git` suffix.
  route(
    '*',
    '^\\/([^/]+)\\/([^/]+?)(\\/info\\/refs|\\/git-upload-pack|\\/git-receive-pack)$',
    (req, res, ctx) => serveGit(state, git, req, res, ctx.params, ctx.url),
    true,
  )

  /** Bearer with a `repository` scope, or an answer (401/403) and false. */
  const allowed = (req: IncomingMessage, res: ServerResponse): boolean => {
    const token = requireBearer(state, req, res)
    if (!token) return false
    if (!hasRepositoryScope(token.scopes)) {
      sendJson(res, 403, {
        type: 'error',
        error: { message: 'Your credentials lack one or more required privilege scopes.' },
      })
      return false
    }
    return true
  }

  const REPO = '^\\/2\\.0\\/repositories\\/([^/]+)\\/([^/]+)'
  route('GET', `${REPO}$`, async (req, res, ctx) => {
    if (!allowed(req, res)) return
    const [ws, repo] = ctx.params as [string, string]
    const { site, api } = roots(req)
    const head = (await gitOut(git, ws, repo, ['symbolic-ref', '--short', 'HEAD']))?.toString().trim() || 'main'
    const self = `${api}/repositories/${ws}/${repo}`
    sendJson(res, 200, {
      type: 'repository',
      full_name: `${ws}/${repo}`,
      name: repo,
      slug: repo,
      scm: 'git',
      is_private: true,
      has_issues: false,
      website: null,
      mainbranch: { type: 'branch', name: head },
      links: {
        self: { href: self },
        html: { href: `${site}/${ws}/${repo}` },
        branches: { href: `${self}/refs/branches` },
        tags: { href: `${self}/refs/tags` },
        clone: [
          { name: 'https', href: `${site.replace('://', '://x-token-auth@')}/${ws}/${repo}.git` },
          { name: 'ssh', href: `git@${new URL(site).hostname}:${ws}/${repo}.git` },
        ],
      },
    })
  })

  for (const kind of ['tags', 'branches'] as const) {
    route('GET', `${REPO}\\/refs\\/${kind}\\/?$`, async (req, res, ctx) => {
      if (!allowed(req, res)) return
      const [ws, repo] = ctx.params as [string, string]
      const out = await gitOut(git, ws, repo, [
        'for-each-ref',
        '--format=%(refname:short)%09%(objectname)%09%(*objectname)%09%(creatordate:iso-strict)',
        kind === 'tags' ? 'refs/tags' : 'refs/heads',
      ])
      const values = (out?.toString() ?? '')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [name, object, peeled, date] = line.split('\t') as [string, string, string, string]
          const target = { type: 'commit', hash: peeled || object, date }
          return kind === 'tags' ? { type: 'tag', name, target } : { type: 'branch', name, target, heads: [target] }
        })
      sendJson(res, 200, { pagelen: 100, size: values.length, page: 1, values })
    })
  }

  route('GET', `${REPO}\\/src\\/([^/]+)\\/(.+)$`, async (req, res, ctx) => {
    if (!allowed(req, res)) return
    const [ws, repo, commit, file] = ctx.params as [string, string, string, string]
    const out = await gitOut(git, ws, repo, ['show', `${commit}:${file}`])
    if (out === undefined) return sendJson(res, 404, { type: 'error', error: { message: 'No such file or directory' } })
    send(res, 200, { 'content-type': 'text/plain; charset=utf-8' }, out)
  })

  route('GET', `${REPO}\\/commit\\/([^/]+)$`, async (req, res, ctx) => {
    if (!allowed(req, res)) return
    const [ws, repo, ref] = ctx.params as [string, string, string]
    const out = await gitOut(git, ws, repo, ['log', '-1', '--format=%H%x09%cI', `${ref}^{commit}`, '--'])
    if (out === undefined) return sendJson(res, 404, { type: 'error', error: { message: 'Commit not found' } })
    const [hash, date] = out.toString().trim().split('\t') as [string, string]
    sendJson(res, 200, { type: 'commit', hash, date })
  })

  route('GET', '^\\/([^/]+)\\/([^/]+)\\/get\\/(.+)\\.zip$', async (req, res, ctx) => {
    const [ws, repo, ref] = ctx.params as [string, string, string]
    const token = state.bearer(req.headers.authorization)
    if (!token || !hasRepositoryScope(token.scopes)) {
      // Like the tar.gz: Bitbucket sends a browser without credentials to its sign-in page.
      res.writeHead(302, {
        location: `/account/signin/?next=${encodeURIComponent(ctx.url.pathname)}`,
        'content-length': '0',
      })
      res.end()
      return
    }
    const hash = (await gitOut(git, ws, repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]))
      ?.toString()
      .trim()
    if (!hash)
      return send(res, 404, { 'content-type': 'text/html; charset=utf-8' }, '<html><body>Not found</body></html>')
    const zip = await gitOut(git, ws, repo, [
      'archive',
      '--format=zip',
      `--prefix=${ws}-${repo}-${hash.slice(0, 12)}/`,
      hash,
    ])
    if (!zip) return send(res, 500, { 'content-type': 'text/plain' }, 'git archive failed')
    send(res, 200, { 'content-type': 'application/zip' }, zip)
  })
}
