/**
 * Git over smart HTTP at `{context}/scm/{key}/{slug}.git/...` (git
 * http-backend over the repositories of ../bitbucket/git-repos.ts), also
 * without the `.git` suffix as Data Center serves it (the go command clones
 * a module `host/scm/KEY/slug.git` from `https://host/scm/KEY/slug`), with
 * `Authorization: Bearer <access token>` only: Basic (`x-token-auth` or any
 * other user) is refused with 401, as a server with Basic disabled does.
 * The key matches ignoring case: `/scm/~alice/dotfiles.git` is the personal
 * repository that the REST API names `~ALICE/dotfiles`.
 */
import { cgiRequestEnv, runCgi } from '../http/cgi.ts'
import type { Router } from '../http/router.ts'
import { isolatedGitEnv, type GitRepos } from '../bitbucket/git-repos.ts'
import { decoded, projectKey } from './rest.ts'
import type { DataCenterState } from './state.ts'

const HTTP_BACKEND = process.env.GIT_HTTP_BACKEND ?? '/usr/lib/git-core/git-http-backend'

export function registerDcGit(router: Router, context: string, state: DataCenterState, repos: GitRepos): void {
  router.add(
    '*',
    new RegExp(`^${context}/scm/([^/]+)/([^/]+?)(?:\\.git)?(/.*)?$`),
    async (req, res, ctx) => {
      const [segment, slugSegment, rest] = ctx.params as [string, string, string]
      const key = projectKey(repos, segment)
      const slug = decoded(slugSegment)
      const token = state.bearer(req.headers.authorization)
      const push = ctx.url.searchParams.get('service') === 'git-receive-pack' || rest === '/git-receive-pack'
      const allowed = token?.scopes.some((s) => (push ? /^(REPO_WRITE|REPO_ADMIN)$/ : /^REPO_/).test(s))
      if (!token || !allowed) {
        req.resume()
        res.writeHead(401, {
          'content-type': 'text/plain; charset=utf-8',
          'www-authenticate': 'Bearer realm="Bitbucket"',
        })
        return void res.end('Authentication required: a Bearer access token.\n')
      }
      if (!repos.has(key, slug)) {
        req.resume()
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        return void res.end('Repository not found\n')
      }
      const env: NodeJS.ProcessEnv = {
        ...isolatedGitEnv(repos.root),
        ...cgiRequestEnv(req, ctx.url),
        GIT_PROJECT_ROOT: repos.root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: `/${key}/${slug}.git${rest ?? ''}`,
        REMOTE_USER: `client-${token.consumer.slice(0, 6)}`,
      }
      if (req.headers['git-protocol']) env.HTTP_GIT_PROTOCOL = String(req.headers['git-protocol'])
      await runCgi({ path: HTTP_BACKEND, label: 'git http-backend', env }, req, res)
    },
    { stream: true },
  )
}
