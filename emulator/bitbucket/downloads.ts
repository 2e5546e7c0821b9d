/**
 * Repositories' Downloads sections, as shared/bitbucket.md describes them:
 *
 * - `GET /2.0/repositories/{ws}/{repo}/downloads`: the files, newest first,
 *   paginated (`pagelen`, `page`, `values`, `next`), each with `name`,
 *   `size`, `downloads`, `created_on`, `links.self.href`;
 * - `GET /2.0/repositories/{ws}/{repo}/downloads/{name}`: a 302 to a signed,
 *   expiring URL on the storage host (Bearer, `repository` scope);
 * - the storage host: a second server on another loopback address
 *   (127.0.0.2, or 127.0.0.1 on another port where that address is missing)
 *   that serves `/storage/{id}/{name}?Expires=…&Signature=…` without
 *   credentials, refuses any `Authorization` header (400 "Only one auth
 *   mechanism allowed", like S3), refuses an expired or altered signature
 *   (403), and takes `Range` (with `If-Range`) unless told not to. Faults
 *   apply to it too (paths under `/storage/`), and it keeps its own request
 *   log (`downloadsOf(state).storage.requests`).
 *
 * From another process: `POST /_emulator/downloads {"repository":"ws/repo",
 * "name":"app 1.0.zip","content":"...","size":N,"createdOn":"..."}`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import type { Fault } from '../http/faults.ts'
import { send, sendJson } from '../http/reply.ts'
import { Router } from '../http/router.ts'
import type { AccessToken, EmulatorState } from './state.ts'
import { archivesOf, REPOSITORY_SCOPES } from './archive-store.ts'

export interface DownloadFile {
  id: string
  name: string
  /** In memory, or: */
  content?: Buffer
  /** a file on disk (the benchmark's large files). */
  file?: string
  size: number
  /** Of the content; for a file on disk, of its path and size (not read). */
  sha256: string
  /** ISO 8601 with microseconds and an offset, as Bitbucket writes it. */
  createdOn: string
  downloads: number
}

export interface DownloadsRepository {
  workspace: string
  slug: string
  files: DownloadFile[]
  /** Consumer keys allowed to read it; undefined: every consumer. */
  readers?: Set<string>
}

export interface DownloadOptions {
  /** How long a signed URL is valid (on the emulator's clock). */
  ttlMs: number
  /** The storage host takes `Range` requests. */
  acceptRanges: boolean
  /** Largest `pagelen` of the list (Bitbucket: 100). */
  maxPagelen: number
  /** `pagelen` when none is asked for (Bitbucket: 10). */
  defaultPagelen: number
}

export interface Storage {
  /** Where it listens, e.g. http://127.0.0.2:PORT */
  url: string
  /** Every request it received (headers included): proof that no Authorization reached it. */
  requests: Router['requests']
  close(): Promise<void>
}

const toIso = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00')

export class DownloadStore {
  readonly repositories = new Map<string, DownloadsRepository>()
  readonly options: DownloadOptions = { ttlMs: 5 * 60_000, acceptRanges: true, maxPagelen: 100, defaultPagelen: 10 }
  /** The next this many signed URLs are issued already expired. */
  expireNext = 0
  /** The storage host, once the emulator runs. */
  storage: Storage | undefined
  /** The storage host's URL as the redirects name it (a proxy test's public name); default `storage.url`. */
  publicStorageUrl: string | undefined
  readonly key = randomBytes(32)
  readonly #now: () => number
  #seq = 0

  constructor(now: () => number) {
    this.#now = now
  }

  /** The emulator's clock (tests move it). */
  now(): number {
    return this.#now()
  }

  repository(fullName: string): DownloadsRepository {
    const key = fullName.toLowerCase()
    let repo = this.repositories.get(key)
    if (!repo) {
      const [workspace, slug] = fullName.split('/') as [string, string]
      repo = { workspace, slug, files: [] }
      this.repositories.set(key, repo)
    }
    return repo
  }

  /** Adds (or replaces) a file; `createdOn` defaults to now, one second after the previous file. */
  add(
    fullName: string,
    name: string,
    content: Buffer | string | { file: string },
    options: { createdOn?: string | Date } = {},
  ): DownloadFile {
    const repo = this.repository(fullName)
    repo.files = repo.files.filter((f) => f.name !== name)
    const seq = ++this.#seq
    const createdOn =
      options.createdOn instanceof Date
        ? toIso(options.createdOn.getTime())
        : (options.createdOn ?? toIso(this.#now() + seq * 1000))
    const id = `${createHash('sha1').update(`${fullName}\0${name}\0${seq}`).digest('hex').slice(0, 24)}`
    let file: DownloadFile
    if (typeof content === 'object' && !Buffer.isBuffer(content)) {
      const size = fs.statSync(content.file).size
      const sha256 = createHash('sha256').update(`${content.file}:${size}`).digest('hex')
      file = { id, name, file: content.file, size, sha256, createdOn, downloads: 0 }
    } else {
      const buf = Buffer.isBuffer(content) ? content : Buffer.from(content)
      const sha256 = createHash('sha256').update(buf).digest('hex')
      file = { id, name, content: buf, size: buf.length, sha256, createdOn, downloads: 0 }
    }
    repo.files.push(file)
    return file
  }

  remove(fullName: string, name: string): void {
    const repo = this.repository(fullName)
    repo.files = repo.files.filter((f) => f.name !== name)
  }

  /** Newest first (by `created_on`, then name descending), like Bitbucket's list. */
  listed(repo: DownloadsRepository): DownloadFile[] {
    return [...repo.files].sort((a, b) =>
      a.createdOn !== b.createdOn ? (a.createdOn < b.createdOn ? 1 : -1) : a.name < b.name ? 1 : -1,
    )
  }

  byId(id: string): DownloadFile | undefined {
    for (const repo of this.repositories.values()) {
      const f = repo.files.find((x) => x.id === id)
      if (f) return f
    }
    return undefined
  }

  sign(path: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${path}\n${expires}`).digest('base64url')
  }

  /** The signed URL of `file`: valid for `ttlMs` (or already expired, see `expireNext`). */
  signedUrl(file: DownloadFile): string {
    if (!this.storage) throw new Error('the storage host is not running')
    const path = `/storage/${file.id}/${encodeURIComponent(file.name)}`
    const expires =
      this.expireNext > 0
        ? (this.expireNext--, Math.floor(this.#now() / 1000) - 1)
        : Math.ceil((this.#now() + this.options.ttlMs) / 1000)
    const query = new URLSearchParams({
      'response-content-disposition': `attachment; filename="${file.name}"`,
      AWSAccessKeyId: 'EMULATED',
      Expires: String(expires),
      Signature: this.sign(path, expires),
    })
    return `${this.publicStorageUrl ?? this.storage.url}${path}?${query}`
  }
}

const stores = new WeakMap<EmulatorState, DownloadStore>()

/** The Downloads sections of an emulator (tests: `downloadsOf(emu.state)`). */
export function downloadsOf(state: EmulatorState): DownloadStore {
  let store = stores.get(state)
  if (!store) {
    store = new DownloadStore(() => state.now())
    stores.set(state, store)
  }
  return store
}

function hasRepositoryScope(token: AccessToken): boolean {
  return token.scopes.some((s) => REPOSITORY_SCOPES.includes(s))
}

function origin(req: IncomingMessage): string {
  return `${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`
}

/** Registers the API routes and starts the storage host; close it with the emulator. */
export async function registerDownloads(
  router: Router,
  state: EmulatorState,
  options: { tls?: { key: string | Buffer; cert: string | Buffer } } = {},
): Promise<Storage> {
  const store = downloadsOf(state)

  /** Bearer + scope + access, or an answer (401/403/404) and undefined. */
  const api = (req: IncomingMessage, res: ServerResponse, ws: string, slug: string, fault?: Fault) => {
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
    const key = `${ws}/${slug}`.toLowerCase()
    const archived = archivesOf(state).repositories.get(key)
    const repo = store.repositories.get(key) ?? (archived ? store.repository(`${ws}/${slug}`) : undefined)
    const readers = store.repositories.get(key)?.readers ?? archived?.readers
    if (!repo || (readers && !readers.has(token.consumer))) {
      sendJson(
        res,
        404,
        {
          type: 'error',
          error: {
            message:
              'You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated.',
          },
        },
        fault,
      )
      return undefined
    }
    return repo
  }

  const REPO = '\\/2\\.0\\/repositories\\/([^/]+)\\/([^/]+)\\/downloads'
  router.add('GET', new RegExp(`^${REPO}\\/?$`), (req, res, ctx) => {
    const [ws, slug] = ctx.params as [string, string]
    const repo = api(req, res, ws, slug, ctx.fault)
    if (!repo) return
    const asked = Number(ctx.url.searchParams.get('pagelen') ?? store.options.defaultPagelen)
    const pagelen = Math.max(1, Math.min(store.options.maxPagelen, Number.isFinite(asked) ? asked : 10))
    const page = Math.max(1, Number(ctx.url.searchParams.get('page') ?? 1) || 1)
    const all = store.listed(repo)
    const base = `${origin(req)}/2.0/repositories/${encodeURIComponent(repo.workspace)}/${encodeURIComponent(repo.slug)}/downloads`
    const values = all.slice((page - 1) * pagelen, page * pagelen).map((f) => ({
      type: 'repository_download',
      name: f.name,
      size: f.size,
      downloads: f.downloads,
      created_on: f.createdOn,
      user: { type: 'user', display_name: 'Emulated User' },
      links: { self: { href: `${base}/${encodeURIComponent(f.name)}` } },
    }))
    const body: Record<string, unknown> = { pagelen, size: all.length, page, values }
    if (page * pagelen < all.length) body.next = `${base}?pagelen=${pagelen}&page=${page + 1}`
    sendJson(res, 200, body, ctx.fault)
  })
  router.add('GET', new RegExp(`^${REPO}\\/([^/]+)$`), (req, res, ctx) => {
    const [ws, slug, name] = ctx.params as [string, string, string]
    const repo = api(req, res, ws, slug, ctx.fault)
    if (!repo) return
    const file = repo.files.find((f) => f.name === name)
    if (!file) return sendJson(res, 404, { type: 'error', error: { message: 'No such file' } }, ctx.fault)
    file.downloads++
    res.writeHead(302, { location: store.signedUrl(file), 'content-length': '0' })
    res.end()
  })
  router.add('POST', /^\/_emulator\/downloads$/, (_req, res, ctx) => {
    const body = JSON.parse(ctx.body.toString('utf8') || '{}') as {
      repository?: string
      name?: string
      content?: string
      size?: number
      createdOn?: string
    }
    const repository = body.repository ?? 'acme/app'
    if (!/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/.test(repository) || !body.name)
      return sendJson(res, 400, { error: 'repository must be ws/repo, and name is required' })
    const content =
      body.content ??
      createHash('sha512')
        .update(body.name)
        .digest()
        .toString('hex')
        .repeat(Math.ceil((body.size ?? 1024) / 128))
        .slice(0, body.size ?? 1024)
    const f = store.add(repository, body.name, content, body.createdOn ? { createdOn: body.createdOn } : {})
    sendJson(res, 200, { repository, name: f.name, size: f.size, sha256: f.sha256, created_on: f.createdOn })
  })

  const storage = await startStorage(store, router.faults, options.tls)
  store.storage = storage
  return storage
}

function s3Error(res: ServerResponse, status: number, code: string, message: string, fault?: Fault): void {
  send(
    res,
    status,
    { 'content-type': 'application/xml' },
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    fault,
  )
}

async function startStorage(
  store: DownloadStore,
  faults: Router['faults'],
  tls: { key: string | Buffer; cert: string | Buffer } | undefined,
): Promise<Storage> {
  const router = new Router(faults)
  router.add('GET', /^\/storage\/([0-9a-f]+)\/([^/]+)$/, (req, res, ctx) => {
    const [id] = ctx.params as [string]
    if (req.headers.authorization !== undefined)
      return s3Error(
        res,
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      )
    const expires = Number(ctx.url.searchParams.get('Expires'))
    const given = Buffer.from(ctx.url.searchParams.get('Signature') ?? '')
    const wanted = Buffer.from(store.sign(ctx.url.pathname, expires))
    if (!Number.isSafeInteger(expires) || given.length !== wanted.length || !timingSafeEqual(given, wanted))
      return s3Error(
        res,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      )
    if (expires * 1000 < store.now()) return s3Error(res, 403, 'AccessDenied', 'Request has expired')
    const file = store.byId(id)
    if (!file) return s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.')
    serveFile(req, res, file, store.options.acceptRanges, ctx.fault)
  })
  const listener = (req: IncomingMessage, res: ServerResponse) => void router.handle(req, res)
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener)
  let host = '127.0.0.2'
  try {
    await listen(server, host)
  } catch {
    // No 127.0.0.2 here (macOS has only 127.0.0.1 on lo0): another port is another origin all the same.
    host = '127.0.0.1'
    await listen(server, host)
  }
  const { port } = server.address() as AddressInfo
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${port}`,
    requests: router.requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function listen(server: http.Server, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/** The file, whole or the asked range; a `truncate` fault cuts it short. */
function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: DownloadFile,
  ranges: boolean,
  fault?: Fault,
): void {
  const etag = `"${file.sha256.slice(0, 32)}"`
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    etag,
    'last-modified': new Date(Date.parse(file.createdOn.replace(/(\.\d{3})\d+/, '$1'))).toUTCString(),
    'content-disposition': `attachment; filename="${encodeURIComponent(file.name)}"`,
  }
  if (ranges) headers['accept-ranges'] = 'bytes'
  let start = 0
  let end = file.size - 1
  let status = 200
  const range = ranges ? /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '') : null
  const ifRange = req.headers['if-range']
  if (range && (ifRange === undefined || ifRange === etag)) {
    start = Number(range[1])
    end = range[2] ? Math.min(Number(range[2]), file.size - 1) : file.size - 1
    if (start >= file.size || start > end) {
      res.writeHead(416, { 'content-range': `bytes */${file.size}`, 'content-length': '0' })
      res.end()
      return
    }
    status = 206
    headers['content-range'] = `bytes ${start}-${end}/${file.size}`
  }
  const length = end - start + 1
  res.writeHead(status, { ...headers, 'content-length': String(length) })
  const cut = fault?.kind === 'truncate' ? Math.floor(length * (fault.fraction ?? 0.5)) : length
  if (file.content) {
    res.write(file.content.subarray(start, start + cut))
    if (cut === length) res.end()
    else setTimeout(() => res.destroy(), 20)
    return
  }
  if (cut === 0) {
    setTimeout(() => res.destroy(), 20)
    return
  }
  const stream = fs.createReadStream(file.file!, { start, end: start + cut - 1, highWaterMark: 256 * 1024 })
  stream.pipe(res, { end: cut === length })
  stream.on('end', () => {
    if (cut !== length) setTimeout(() => res.destroy(), 20)
  })
  stream.on('error', () => res.destroy())
}
