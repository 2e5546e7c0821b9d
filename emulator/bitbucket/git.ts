/**
 * Git over smart HTTP: real repositories (git-repos.ts) served by
 * `git http-backend` (CGI) at `{url}/{workspace}/{repo}.git/...`. Like
 * Bitbucket, it takes Basic authentication with the user `x-token-auth` and a
 * valid access token as the password (`repository` scope to read,
 * `repository:write` to push), and answers 401 with `WWW-Authenticate: Basic`
 * otherwise.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { cgiRequestEnv, runCgi } from '../http/cgi.ts'
import { sendJson } from '../http/reply.ts'
import { isolatedGitEnv, type GitRepos } from './git-repos.ts'
import type { Site } from './site.ts'
import type { AccessToken, EmulatorState } from './state.ts'

const HTTP_BACKEND = process.env.GIT_HTTP_BACKEND ?? '/usr/lib/git-core/git-http-backend'

/** The access token of a Basic `x-token-auth:<token>` header, if valid now. */
export function basicAccessToken(state: EmulatorState, authorization: string | undefined): AccessToken | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '')
  if (!m) return undefined
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0 || decoded.slice(0, colon) !== 'x-token-auth') return undefined
  return state.validAccessToken(decoded.slice(colon + 1))
}

function unauthorized(res: ServerResponse): void {
  res.writeHead(401, {
    'content-type': 'text/plain; charset=utf-8',
    'www-authenticate': 'Basic realm="Bitbucket.org HTTP"',
  })
  res.end('Authentication required: user x-token-auth with a valid access token as the password.\n')
}

export function registerGit({ router, state, git }: Site): void {
  router.add(
    '*',
    /^\/([^/]+)\/([^/]+)\.git(\/.*)?$/,
    (req, res, ctx) => serveGit(state, git, req, res, ctx.params, ctx.url),
    { stream: true },
  )
}

export async function serveGit(
  state: EmulatorState,
  repos: GitRepos,
  req: IncomingMessage,
  res: ServerResponse,
  params: string[],
  url: URL,
): Promise<void> {
  const [workspace, repo, rest] = params as [string, string, string]
  const token = basicAccessToken(state, req.headers.authorization)
  if (!token) {
    req.resume()
    return unauthorized(res)
  }
  const push = url.searchParams.get('service') === 'git-receive-pack' || rest === '/git-receive-pack'
  const scopes = token.scopes
  const allowed = push
    ? scopes.some((s) => s === 'repository:write' || s === 'repository:admin')
    : scopes.some((s) => s.startsWith('repository'))
  if (!allowed) {
    req.resume()
    return sendJson(res, 403, {
      type: 'error',
      error: { message: `Your credentials lack the scope ${push ? 'repository:write' : 'repository'}.` },
    })
  }
  if (!repos.has(workspace, repo)) {
    req.resume()
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
    return void res.end('Repository not found\n')
  }

  const env: NodeJS.ProcessEnv = {
    ...isolatedGitEnv(repos.root),
    ...cgiRequestEnv(req, url),
    GIT_PROJECT_ROOT: repos.root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: `/${workspace}/${repo}.git${rest ?? ''}`,
    REMOTE_USER: 'x-token-auth',
  }
  if (req.headers['git-protocol']) env.HTTP_GIT_PROTOCOL = String(req.headers['git-protocol'])
  await runCgi({ path: HTTP_BACKEND, label: 'git http-backend', env }, req, res)
}
