/**
 * The REST API of the emulated Data Center below `{context}/rest/api/latest`,
 * read from the real git repositories it serves (../bitbucket/git-repos.ts):
 * a repository, its tags (`latestCommit` is the peeled commit, `hash` the tag
 * object), its branches (`filterText` matches partially; pages of at most 25
 * with `isLastPage`/`nextPageStart`), commits, and the archive endpoint
 * (`git archive`: zip, the default, or tar.gz; entries at the root unless
 * `prefix`). Bearer tokens with a
 * `REPO_*` scope only; errors in Data Center's `{errors: [{message}]}` shape.
 * Project keys match ignoring case; `~USERSLUG` is a personal project.
 */
import { execFileSync } from 'node:child_process'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { send, sendJson } from '../http/reply.ts'
import type { RequestContext, Router } from '../http/router.ts'
import { isolatedGitEnv, type GitRepos } from '../bitbucket/git-repos.ts'
import type { AccessToken } from '../bitbucket/state.ts'
import type { DataCenterState } from './state.ts'

const PAGE_MAX = 25

export function dcError(res: ServerResponse, status: number, message: string, ctx?: RequestContext): void {
  sendJson(res, status, { errors: [{ context: null, message, exceptionName: null }] }, ctx?.fault)
}

/** The Bearer token of the request if it may read repositories, or a 401 answer and undefined. */
export function readToken(state: DataCenterState, req: IncomingMessage, res: ServerResponse): AccessToken | undefined {
  const token = state.bearer(req.headers.authorization)
  if (token && token.scopes.some((s) => /^(REPO_(READ|WRITE|ADMIN)|PROJECT_ADMIN|SYSTEM_ADMIN)$/.test(s))) return token
  res.setHeader('www-authenticate', 'Bearer realm="Bitbucket"')
  dcError(res, 401, 'Authentication failed. Please check your credentials and try again.')
  return undefined
}

function git(repos: GitRepos, key: string, slug: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: repos.dir(key, slug),
      env: isolatedGitEnv(repos.root),
      encoding: 'utf8',
    }).trim()
  } catch {
    return undefined
  }
}

function branches(repos: GitRepos, key: string, slug: string, filter: string): Record<string, unknown>[] {
  const out = git(repos, key, slug, ['for-each-ref', 'refs/heads', '--format=%(refname:short) %(objectname)']) ?? ''
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ') as [string, string])
    .filter(([name]) => name.toLowerCase().includes(filter.toLowerCase()))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, hash]) => ({ id: `refs/heads/${name}`, displayId: name, type: 'BRANCH', latestCommit: hash }))
}

function page(url: URL, values: unknown[]): Record<string, unknown> {
  const start = Number(url.searchParams.get('start') ?? 0) || 0
  const limit = Math.min(Number(url.searchParams.get('limit') ?? PAGE_MAX) || PAGE_MAX, PAGE_MAX)
  const slice = values.slice(start, start + limit)
  const isLastPage = start + limit >= values.length
  return {
    size: slice.length,
    limit,
    start,
    isLastPage,
    values: slice,
    ...(isLastPage ? {} : { nextPageStart: start + limit }),
  }
}

type RepoHandler = (key: string, slug: string, rest: string, res: ServerResponse, ctx: RequestContext) => void

function serveRepo(repos: GitRepos): RepoHandler {
  return (key, slug, rest, res, ctx) => {
    if (!repos.has(key, slug)) return dcError(res, 404, `Repository ${key}/${slug} does not exist.`, ctx)
    const run = (args: string[]) => git(repos, key, slug, args)
    let m: RegExpExecArray | null
    if (rest === '') {
      const project = { key: key.toUpperCase(), type: key.startsWith('~') ? 'PERSONAL' : 'NORMAL' }
      return sendJson(res, 200, { slug, name: slug, project }, ctx.fault)
    }
    if ((m = /^\/tags\/(.+)$/.exec(rest))) {
      const hash = run(['rev-parse', '--verify', '--quiet', `refs/tags/${m[1]}`])
      const latestCommit = run(['rev-parse', '--verify', '--quiet', `refs/tags/${m[1]}^{commit}`])
      if (!hash || !latestCommit) return dcError(res, 404, `Tag ${m[1]} does not exist.`, ctx)
      return sendJson(
        res,
        200,
        { id: `refs/tags/${m[1]}`, displayId: m[1], type: 'TAG', latestCommit, hash },
        ctx.fault,
      )
    }
    if (rest === '/branches')
      return sendJson(
        res,
        200,
        page(ctx.url, branches(repos, key, slug, ctx.url.searchParams.get('filterText') ?? '')),
        ctx.fault,
      )
    if ((m = /^\/commits\/([0-9a-f]{4,40})$/.exec(rest))) {
      const id = run(['rev-parse', '--verify', '--quiet', `${m[1]}^{commit}`])
      if (!id) return dcError(res, 404, `Commit ${m[1]} does not exist.`, ctx)
      return sendJson(res, 200, { id, displayId: id.slice(0, 11) }, ctx.fault)
    }
    if (rest === '/archive') return serveArchive(repos, key, slug, res, ctx)
    dcError(res, 404, `No route for ${rest}`, ctx)
  }
}

function serveArchive(repos: GitRepos, key: string, slug: string, res: ServerResponse, ctx: RequestContext): void {
  const at = ctx.url.searchParams.get('at') ?? 'HEAD'
  const format = ctx.url.searchParams.get('format') ?? 'zip'
  if (!['tar.gz', 'tgz', 'zip'].includes(format))
    return dcError(res, 400, `The emulator serves zip and tar.gz only, not ${format}.`, ctx)
  const zip = format === 'zip'
  const prefix = ctx.url.searchParams.get('prefix')
  const args = [
    'archive',
    `--format=${zip ? 'zip' : 'tar.gz'}`,
    ...(prefix ? [`--prefix=${prefix.replace(/\/?$/, '/')}`] : []),
    at,
  ]
  let bytes: Buffer
  try {
    bytes = execFileSync('git', args, {
      cwd: repos.dir(key, slug),
      env: isolatedGitEnv(repos.root),
      maxBuffer: 256 << 20,
    })
  } catch {
    return dcError(res, 404, `Commit ${at} does not exist.`, ctx)
  }
  send(
    res,
    200,
    {
      'content-type': zip ? 'application/zip' : 'application/octet-stream',
      'content-disposition': `attachment; filename="${slug}.${zip ? 'zip' : 'tar.gz'}"`,
    },
    bytes,
    ctx.fault,
  )
}

/** A path segment percent-decoded (as the server reads it), or as it is when it does not decode. */
export function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/**
 * A project key from a URL as the repositories store it: Data Center matches
 * project keys ignoring case, so `~ALICE` (the REST API's form of a personal
 * project) and `~alice` (the clone URL's) name the same one.
 */
export function projectKey(repos: GitRepos, segment: string): string {
  return repos.ownerIgnoringCase(decoded(segment))
}

export function registerDcRest(router: Router, context: string, state: DataCenterState, repos: GitRepos): void {
  const handle = serveRepo(repos)
  router.add(
    'GET',
    new RegExp(`^${context}/rest/api/latest/projects/([^/]+)/repos/([^/]+)(/.*)?$`),
    (req, res, ctx) => {
      if (!readToken(state, req, res)) return
      const [key, slug, rest] = ctx.params as [string, string, string]
      handle(projectKey(repos, key), decoded(slug), rest ?? '', res, ctx)
    },
  )
}
