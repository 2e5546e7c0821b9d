/**
 * The site's archive route, `GET /{ws}/{repo}/get/{ref}.tar.gz` (the archive
 * of a tag, branch or commit, as the action downloads it), and the login page
 * it sends strangers to: without a valid Bearer token with a `repository`
 * scope and read access, it redirects (302) to the HTML login page like
 * Bitbucket does. Archives come from the archive store (archive-store.ts), or
 * from `git archive` for a repository served over git (git-repos.ts); a
 * repository with `redirectTo` sends the download to a mirror (mirror.ts).
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import type { ServerResponse } from 'node:http'
import type { Fault } from '../http/faults.ts'
import { send } from '../http/reply.ts'
import { canRead, hasRepositoryScope, topFolder, type ArchiveStore, type Commit } from './archive-store.ts'
import type { Site } from './site.ts'

export function registerArchives({ router, state, archives: store, git }: Site): void {
  router.add('GET', /^\/account\/signin\/?$/, (_req, res, ctx) => {
    send(
      res,
      200,
      { 'content-type': 'text/html; charset=utf-8' },
      '<!DOCTYPE html><html><head><title>Log in to continue - Log in with Atlassian account</title></head><body><form>Log in</form></body></html>',
      ctx.fault,
    )
  })

  router.add('GET', /^\/([^/]+)\/([^/]+)\/get\/(.+)\.tar\.gz$/, (req, res, ctx) => {
    const [ws, slug, ref] = ctx.params as [string, string, string]
    const token = state.bearer(req.headers.authorization)
    const repo = store.repositories.get(`${ws}/${slug}`.toLowerCase())
    if (!repo && token && hasRepositoryScope(token) && git.has(ws, slug)) {
      // A repository served over git (git.ts): its archive, as Bitbucket makes it, by `git archive`.
      serveGitArchive(git.dir(ws, slug), ws, slug, ref, res)
      return
    }
    if (!token || !hasRepositoryScope(token) || !canRead(repo, token)) {
      // Bitbucket does not answer 401 here: it sends the browser to log in.
      res.writeHead(302, {
        location: `/account/signin/?next=${encodeURIComponent(ctx.url.pathname)}`,
        'content-length': '0',
      })
      res.end()
      return
    }
    const commit = store.resolve(repo!, ref)
    if (!commit) {
      send(res, 404, { 'content-type': 'text/html; charset=utf-8' }, '<html><body>Not found</body></html>', ctx.fault)
      return
    }
    if (repo!.redirectTo) {
      res.writeHead(302, {
        location: `${repo!.redirectTo}/signed/${ws}/${slug}/${commit.hash}.tar.gz?signature=emulated`,
        'content-length': '0',
      })
      res.end()
      return
    }
    serveArchive(store, `${ws}/${slug}`, commit, res, ctx.fault)
  })
}

/** `git archive` of a bare repository, gzipped, under Bitbucket's `{ws}-{repo}-{sha12}/` folder. */
function serveGitArchive(bare: string, ws: string, slug: string, ref: string, res: ServerResponse): void {
  const opts = { cwd: bare, encoding: 'buffer' as const, maxBuffer: 64 * 1024 * 1024 }
  execFile('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], opts, (err, out) => {
    if (err)
      return send(res, 404, { 'content-type': 'text/html; charset=utf-8' }, '<html><body>Not found</body></html>')
    const hash = out.toString().trim()
    execFile(
      'git',
      ['archive', '--format=tar.gz', `--prefix=${topFolder(ws, slug, hash)}/`, hash],
      opts,
      (archiveErr, tgz) => {
        if (archiveErr) return send(res, 500, { 'content-type': 'text/plain' }, 'git archive failed')
        send(res, 200, { 'content-type': 'application/x-gzip' }, tgz)
      },
    )
  })
}

export function serveArchive(
  store: ArchiveStore,
  fullName: string,
  commit: Commit,
  res: ServerResponse,
  fault: Fault | undefined,
): void {
  const repo = store.repository(fullName)
  const headers = {
    'content-type': 'application/x-gzip',
    'content-disposition': `attachment; filename="${topFolder(repo.workspace, repo.slug, commit.hash)}.tar.gz"`,
  }
  if (!commit.file) {
    send(res, 200, headers, store.archive(fullName, commit.hash), fault)
    return
  }
  const size = fs.statSync(commit.file).size
  res.writeHead(200, { ...headers, 'content-length': String(size) })
  const end = fault?.kind === 'truncate' ? Math.floor(size * (fault.fraction ?? 0.5)) : size
  const stream = fs.createReadStream(commit.file, { start: 0, end: Math.max(0, end - 1), highWaterMark: 256 * 1024 })
  stream.pipe(res, { end: end === size })
  stream.on('end', () => {
    if (end !== size) setTimeout(() => res.destroy(), 20)
  })
  stream.on('error', () => res.destroy())
}
