/**
 * Git over smart HTTP: real repositories served by `git http-backend` (CGI)
 * at `{url}/{workspace}/{repo}.git/...`. Like Bitbucket, it takes Basic
 * authentication with the user `x-token-auth` and a valid access token as the
 * password (`repository` scope to read, `repository:write` to push), and
 * answers 401 with `WWW-Authenticate: Basic` otherwise.
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { Router } from './router.ts'
import { sendJson } from './router.ts'
import type { AccessToken, EmulatorState } from './state.ts'

const HTTP_BACKEND = process.env.GIT_HTTP_BACKEND ?? '/usr/lib/git-core/git-http-backend'
const NAME = /^[A-Za-z0-9_.-]+$/

/** Environment for git processes that must ignore the user's and the system's configuration. */
function isolatedGitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C',
  }
}

export interface CreateOptions {
  message?: string
  /** Submodules by path: their URL (as written to .gitmodules) and the commit recorded. */
  submodules?: Record<string, { url: string; commit: string }>
}

/** The bare repositories the emulator serves, under a temporary root of their own. */
export class GitRepos {
  readonly root: string

  constructor(root = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-git-'))) {
    this.root = root
  }

  dir(workspace: string, repo: string): string {
    if (!NAME.test(workspace) || !NAME.test(repo) || workspace.startsWith('.') || repo.startsWith('.'))
      throw new Error(`bad repository name ${workspace}/${repo}`)
    return path.join(this.root, workspace, `${repo}.git`)
  }

  has(workspace: string, repo: string): boolean {
    return NAME.test(workspace) && NAME.test(repo) && fs.existsSync(path.join(this.dir(workspace, repo), 'HEAD'))
  }

  /**
   * Creates a bare repository with one commit on `main` holding `files` (path → content) and
   * `submodules` (path → url and commit of the submodule). Returns the commit hash.
   */
  create(workspace: string, repo: string, files: Record<string, string>, options: CreateOptions = {}): string {
    const bare = this.dir(workspace, repo)
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-git-work-'))
    const env = {
      ...isolatedGitEnv(work),
      GIT_AUTHOR_NAME: 'Emulator',
      GIT_AUTHOR_EMAIL: 'emulator@example.invalid',
      GIT_COMMITTER_NAME: 'Emulator',
      GIT_COMMITTER_EMAIL: 'emulator@example.invalid',
    }
    const git = (args: string[], cwd: string) =>
      execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
    try {
      git(['init', '-q', '-b', 'main'], work)
      for (const [name, content] of Object.entries(files)) {
        const file = path.join(work, name)
        fs.mkdirSync(path.dirname(file), { recursive: true })
        fs.writeFileSync(file, content)
      }
      const submodules = Object.entries(options.submodules ?? {})
      if (submodules.length) {
        const gitmodules = submodules.map(([p, s]) => `[submodule "${p}"]\n\tpath = ${p}\n\turl = ${s.url}\n`).join('')
        fs.writeFileSync(path.join(work, '.gitmodules'), gitmodules)
      }
      git(['add', '-A'], work)
      for (const [p, s] of submodules) git(['update-index', '--add', '--cacheinfo', `160000,${s.commit},${p}`], work)
      git(['commit', '-q', '-m', options.message ?? 'Initial commit'], work)
      fs.mkdirSync(path.dirname(bare), { recursive: true })
      git(['clone', '-q', '--bare', work, bare], this.root)
      return git(['rev-parse', 'HEAD'], bare)
    } finally {
      fs.rmSync(work, { recursive: true, force: true })
    }
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true })
  }
}

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

export function registerGit(router: Router, state: EmulatorState, repos = new GitRepos()): GitRepos {
  router.add(
    '*',
    /^\/([^/]+)\/([^/]+)\.git(\/.*)?$/,
    (req, res, ctx) => serveGit(state, repos, req, res, ctx.params, ctx.url),
    { stream: true },
  )
  return repos
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
    GIT_PROJECT_ROOT: repos.root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: `/${workspace}/${repo}.git${rest ?? ''}`,
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: 'x-token-auth',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
  }
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length']
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding']
  if (req.headers['git-protocol']) env.HTTP_GIT_PROTOCOL = String(req.headers['git-protocol'])

  const child = spawn(HTTP_BACKEND, [], { env, stdio: ['pipe', 'pipe', 'pipe'] })
  child.stdin.on('error', () => {}) // the backend may exit before reading everything
  req.pipe(child.stdin)
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))

  await new Promise<void>((resolve) => {
    let head = Buffer.alloc(0)
    let headersDone = false
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk)
        return
      }
      head = Buffer.concat([head, chunk])
      const crlf = head.indexOf('\r\n\r\n')
      const lf = head.indexOf('\n\n')
      const end = crlf >= 0 && (lf < 0 || crlf <= lf) ? { at: crlf, len: 4 } : lf >= 0 ? { at: lf, len: 2 } : undefined
      if (!end) return
      headersDone = true
      let status = 200
      const headers: Record<string, string> = {}
      for (const line of head.subarray(0, end.at).toString('latin1').split(/\r?\n/)) {
        const colon = line.indexOf(':')
        if (colon < 0) continue
        const name = line.slice(0, colon).trim()
        const value = line.slice(colon + 1).trim()
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500
        else headers[name] = value
      }
      res.writeHead(status, headers)
      res.write(head.subarray(end.at + end.len))
    })
    child.on('close', (code) => {
      if (!headersDone) {
        if (!res.headersSent)
          sendJson(res, 500, {
            type: 'error',
            error: { message: `git http-backend exited with ${code}: ${stderr.trim()}` },
          })
        else res.end()
      } else res.end()
      resolve()
    })
    child.on('error', (err) => {
      if (!res.headersSent)
        sendJson(res, 500, { type: 'error', error: { message: `git http-backend: ${err.message}` } })
      resolve()
    })
  })
}
