/**
 * Repositories, refs and archives: `GET /2.0/repositories/{ws}/{repo}`,
 * `.../refs/tags/{name}`, `.../refs/branches/{name}`, `.../commit/{ref}`
 * (Bearer, `repository` scope), and the site's archive route
 * `GET /{ws}/{repo}/get/{ref}.tar.gz`, which without a valid Bearer token
 * redirects (302) to the HTML login page like Bitbucket does.
 *
 * Archives are deterministic: the same commit always has the same bytes, with
 * one top-level folder `{ws}-{repo}-{sha12}/`. Tests add commits from a tree
 * (files, modes, symlinks), as raw entries (hostile archives), or backed by a
 * file on disk (the benchmark's big archives). A repository can redirect its
 * archives to a mirror on another origin (like Bitbucket's signed download
 * URLs), which refuses a forwarded `Authorization` header.
 *
 * Reach the store of an emulator with `archivesOf(emu.state)`; from another
 * process, `POST /_emulator/repositories {"repository":"ws/repo","tag":"v1.0.0"}`
 * seeds a sample repository.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Fault } from '../http/faults.ts'
import type { Router } from '../http/router.ts'
import { send, sendJson } from '../http/router.ts'
import type { AccessToken, EmulatorState } from './state.ts'
import { tarGz, type WriterEntry } from '../tar-writer.ts'
import { execFile } from 'node:child_process'
import type { GitRepos } from './git.ts'

export interface TreeFile {
  path: string
  content: Buffer | string
  /** Default 0o644; 0o755 for executables. */
  mode?: number
}

export interface TreeLink {
  path: string
  target: string
}

export interface Tree {
  files: TreeFile[]
  symlinks?: TreeLink[]
}

export interface Commit {
  hash: string
  /** In-memory archive bytes (built lazily). */
  bytes?: Buffer
  /** Or: the archive is this file. */
  file?: string
  tree?: Tree
  entries?: (top: string) => WriterEntry[]
}

export interface Repository {
  workspace: string
  slug: string
  tags: Map<string, string>
  branches: Map<string, string>
  commits: Map<string, Commit>
  /** Consumer keys allowed to read it; undefined: every consumer. */
  readers?: Set<string>
  /** Answer archive downloads with a 302 to this origin (a mirror). */
  redirectTo?: string
}

export const REPOSITORY_SCOPES = ['repository', 'repository:write', 'repository:admin']

export function topFolder(workspace: string, slug: string, hash: string): string {
  return `${workspace}-${slug}-${hash.slice(0, 12)}`
}

export class ArchiveStore {
  readonly repositories = new Map<string, Repository>()

  repository(fullName: string): Repository {
    const key = fullName.toLowerCase()
    let repo = this.repositories.get(key)
    if (!repo) {
      const [workspace, slug] = fullName.split('/') as [string, string]
      repo = { workspace, slug, tags: new Map(), branches: new Map(), commits: new Map() }
      this.repositories.set(key, repo)
    }
    return repo
  }

  /** Adds a commit with `tree`; its hash is derived from the repository and the tree. */
  addCommit(fullName: string, tree: Tree, refs: { tags?: string[]; branches?: string[] } = {}): string {
    const repo = this.repository(fullName)
    const hash = createHash('sha1')
      .update(fullName)
      .update(JSON.stringify(tree, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v)))
      .digest('hex')
    repo.commits.set(hash, { hash, tree })
    this.#refs(repo, hash, refs)
    return hash
  }

  /** Adds a commit whose archive is made of raw entries (full names, top folder included): hostile archives. */
  addRawCommit(
    fullName: string,
    label: string,
    entries: (top: string) => WriterEntry[],
    refs: { tags?: string[]; branches?: string[] } = {},
  ): string {
    const repo = this.repository(fullName)
    const hash = createHash('sha1').update(`${fullName}\0raw\0${label}`).digest('hex')
    repo.commits.set(hash, { hash, entries })
    this.#refs(repo, hash, refs)
    return hash
  }

  /** Adds a commit whose archive is an existing `.tar.gz` file. */
  addFileCommit(
    fullName: string,
    hash: string,
    file: string,
    refs: { tags?: string[]; branches?: string[] } = {},
  ): string {
    const repo = this.repository(fullName)
    repo.commits.set(hash, { hash, file })
    this.#refs(repo, hash, refs)
    return hash
  }

  #refs(repo: Repository, hash: string, refs: { tags?: string[]; branches?: string[] }): void {
    for (const t of refs.tags ?? []) repo.tags.set(t, hash)
    for (const b of refs.branches ?? []) repo.branches.set(b, hash)
  }

  /** The archive bytes of an in-memory commit (deterministic). */
  archive(fullName: string, hash: string): Buffer {
    const repo = this.repository(fullName)
    const commit = repo.commits.get(hash)
    if (!commit) throw new Error(`no commit ${hash} in ${fullName}`)
    if (commit.file) return fs.readFileSync(commit.file)
    commit.bytes ??= tarGz(archiveEntries(repo, commit), { comment: hash })
    return commit.bytes
  }

  /** Resolves a tag, branch or commit (full or at least 7 hex) to a commit. */
  resolve(repo: Repository, ref: string): Commit | undefined {
    const hash = repo.tags.get(ref) ?? repo.branches.get(ref)
    if (hash) return repo.commits.get(hash)
    if (/^[0-9a-f]{7,40}$/.test(ref)) {
      const matches = [...repo.commits.values()].filter((c) => c.hash.startsWith(ref))
      if (matches.length === 1) return matches[0]
    }
    return undefined
  }
}

function archiveEntries(repo: Repository, commit: Commit): WriterEntry[] {
  const top = topFolder(repo.workspace, repo.slug, commit.hash)
  if (commit.entries) return commit.entries(top)
  const tree = commit.tree!
  const entries: WriterEntry[] = [{ name: `${top}/`, type: 'directory' }]
  const dirs = new Set<string>()
  const all = [...tree.files.map((f) => f.path), ...(tree.symlinks ?? []).map((l) => l.path)].sort()
  for (const p of all) {
    const parts = p.split('/')
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'))
  }
  for (const d of [...dirs].sort()) entries.push({ name: `${top}/${d}/`, type: 'directory' })
  for (const f of [...tree.files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    entries.push({ name: `${top}/${f.path}`, type: 'file', data: f.content, mode: f.mode ?? 0o644 })
  }
  for (const l of tree.symlinks ?? []) entries.push({ name: `${top}/${l.path}`, type: 'symlink', linkname: l.target })
  return entries
}

/** A small repository tree: nested folders, an executable, a symlink, a binary file. */
export function sampleTree(seed: string): Tree {
  const binary = createHash('sha512').update(seed).digest()
  return {
    files: [
      { path: 'README.md', content: `# ${seed}\n\nA sample repository served by the emulator.\n` },
      {
        path: 'package.json',
        content:
          JSON.stringify({ name: seed.replace(/[^a-z0-9-]/gi, '-').toLowerCase(), version: '1.0.0' }, null, 2) + '\n',
      },
      { path: 'src/index.js', content: `export const name = ${JSON.stringify(seed)}\n` },
      { path: 'src/lib/deep/nested/util.js', content: 'export const answer = 42\n' },
      { path: 'bin/run.sh', content: '#!/bin/sh\necho "hello from the archive"\n', mode: 0o755 },
      { path: 'assets/data.bin', content: Buffer.concat([binary, binary, Buffer.from([0, 1, 2, 255])]) },
      { path: 'docs/a file with spaces.txt', content: 'spaces are fine\n' },
      { path: `docs/${'long-name-'.repeat(12)}end.txt`, content: 'a name longer than 100 bytes\n' },
    ],
    symlinks: [{ path: 'docs/readme-link.md', target: '../README.md' }],
  }
}

const stores = new WeakMap<EmulatorState, ArchiveStore>()

/** The archive store of an emulator (tests: `archivesOf(emu.state)`). */
export function archivesOf(state: EmulatorState): ArchiveStore {
  let store = stores.get(state)
  if (!store) {
    store = new ArchiveStore()
    stores.set(state, store)
  }
  return store
}

function notFound(res: ServerResponse, message: string, fault?: Fault): void {
  sendJson(res, 404, { type: 'error', error: { message } }, fault)
}

const NO_ACCESS =
  'You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated.'

function canRead(repo: Repository | undefined, token: AccessToken): boolean {
  return repo !== undefined && (!repo.readers || repo.readers.has(token.consumer))
}

function hasRepositoryScope(token: AccessToken): boolean {
  return token.scopes.some((s) => REPOSITORY_SCOPES.includes(s))
}

export function registerArchives(router: Router, state: EmulatorState, git?: GitRepos): ArchiveStore {
  const store = archivesOf(state)

  /** Bearer + scope + access, or an answer (401/403/404) and undefined. */
  const api = (
    req: IncomingMessage,
    res: ServerResponse,
    ws: string,
    slug: string,
    fault?: Fault,
  ): Repository | undefined => {
    const token = state.bearer(req.headers.authorization)
    if (!token) {
      sendJson(res, 401, { type: 'error', error: { message: 'Access token expired or invalid.' } }, fault, {
        'www-authenticate': 'Bearer realm="api.bitbucket.org"',
      })
      return undefined
    }
    if (!hasRepositoryScope(token)) {
      sendJson(
        res,
        403,
        {
          type: 'error',
          error: {
            message: 'Your credentials lack one or more required privilege scopes.',
            detail: { granted: token.scopes, required: ['repository'] },
          },
        },
        fault,
      )
      return undefined
    }
    const repo = store.repositories.get(`${ws}/${slug}`.toLowerCase())
    if (!canRead(repo, token)) {
      notFound(res, NO_ACCESS, fault)
      return undefined
    }
    return repo
  }

  const REPO = '\\/2\\.0\\/repositories\\/([^/]+)\\/([^/]+)'
  router.add('GET', new RegExp(`^${REPO}$`), (req, res, ctx) => {
    const [ws, slug] = ctx.params as [string, string]
    const repo = api(req, res, ws, slug, ctx.fault)
    if (!repo) return
    sendJson(
      res,
      200,
      { type: 'repository', full_name: `${repo.workspace}/${repo.slug}`, slug: repo.slug, is_private: true },
      ctx.fault,
    )
  })
  for (const kind of ['tags', 'branches'] as const) {
    router.add('GET', new RegExp(`^${REPO}\\/refs\\/${kind}\\/(.+)$`), (req, res, ctx) => {
      const [ws, slug, name] = ctx.params as [string, string, string]
      const repo = api(req, res, ws, slug, ctx.fault)
      if (!repo) return
      const hash = repo[kind].get(name)
      if (!hash) return notFound(res, `${kind === 'tags' ? 'Tag' : 'Branch'} "${name}" not found`, ctx.fault)
      sendJson(
        res,
        200,
        { type: kind === 'tags' ? 'tag' : 'branch', name, target: { type: 'commit', hash } },
        ctx.fault,
      )
    })
  }
  router.add('GET', new RegExp(`^${REPO}\\/commit\\/([^/]+)$`), (req, res, ctx) => {
    const [ws, slug, ref] = ctx.params as [string, string, string]
    const repo = api(req, res, ws, slug, ctx.fault)
    if (!repo) return
    // Bitbucket resolves a hash or a prefix here; names are not relied upon (bitbucket.md: unsure).
    const commit = /^[0-9a-f]{7,40}$/.test(ref) ? store.resolve(repo, ref) : undefined
    if (!commit) return notFound(res, `Commit not found`, ctx.fault)
    sendJson(res, 200, { type: 'commit', hash: commit.hash }, ctx.fault)
  })

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
    if (!repo && token && hasRepositoryScope(token) && git?.has(ws, slug)) {
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

  router.add('POST', /^\/_emulator\/repositories$/, (_req, res, ctx) => {
    const body = JSON.parse(ctx.body.toString('utf8') || '{}') as { repository?: string; tag?: string; branch?: string }
    const name = body.repository ?? 'acme/shared-lib'
    if (!/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/.test(name))
      return sendJson(res, 400, { error: 'repository must be ws/repo' })
    const tag = body.tag ?? 'v1.0.0'
    const commit = store.addCommit(name, sampleTree(`${name}@${tag}`), {
      tags: [tag],
      branches: body.branch ? [body.branch] : [],
    })
    sendJson(res, 200, { repository: name, tag, commit, files: sampleTree(`${name}@${tag}`).files.map((f) => f.path) })
  })

  return store
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

function serveArchive(
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

export interface Mirror {
  url: string
  /** Requests it received: path and whether an Authorization header came with it. */
  requests: { path: string; authorization: boolean }[]
  close(): Promise<void>
}

/**
 * A second loopback server (another origin) serving the archives of `store`
 * at `/signed/{ws}/{repo}/{hash}.tar.gz`, like a signed download URL: it
 * needs no credentials and refuses a forwarded `Authorization` header (400).
 */
export async function startMirror(store: ArchiveStore): Promise<Mirror> {
  const requests: Mirror['requests'] = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://mirror')
    requests.push({ path: url.pathname, authorization: req.headers.authorization !== undefined })
    const m = /^\/signed\/([^/]+)\/([^/]+)\/([0-9a-f]{40})\.tar\.gz$/.exec(url.pathname)
    if (req.headers.authorization) {
      send(
        res,
        400,
        { 'content-type': 'application/xml' },
        '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>',
      )
      return
    }
    const repo = m ? store.repositories.get(`${m[1]}/${m[2]}`.toLowerCase()) : undefined
    const commit = repo?.commits.get(m![3]!)
    if (!commit) {
      send(res, 404, { 'content-type': 'text/plain' }, 'not found')
      return
    }
    serveArchive(store, `${m![1]}/${m![2]}`, commit, res, undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
