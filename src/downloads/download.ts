/**
 * One file of a Downloads section into its DEST:
 *
 * `GET {api-url}/repositories/{ws}/{repo}/downloads/{name}` with the Bearer
 * token; Bitbucket answers with a redirect to a signed URL on a storage host,
 * which the HTTP client follows without the token (it never forwards
 * `Authorization` to another origin); its `largeGet` reads the body into one
 * reused buffer. The body streams into a temporary file beside DEST while it
 * is hashed (each chunk copied into the file's write buffer as it comes); the
 * pin is checked; then the file is renamed over DEST, so an existing file is
 * replaced whole and a failure leaves it as it was (the temporary file is
 * removed).
 *
 * A body that breaks off is fetched again, through the API (a fresh signed
 * URL), from where it broke when the storage host takes `Range` (checked with
 * `If-Range` and `Content-Range`), else from the start. A 403 from the
 * storage host means the signed URL expired: a fresh one is asked for.
 * Signed URLs are never printed: messages name the storage host only, and
 * the client's debug lines drop query strings.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { ActionError, errorMessage } from '../shared/errors.ts'
import type { LargeResponse } from '../net/http.ts'
import { errorCode, isStall } from '../net/errors.ts'
import { backoffDelay, shouldRetryError, withRetries, type RetryDecision } from '../net/retry.ts'
import { collectYoung } from './gc.ts'
import { apiSaid, fileUrl, refusal, type ApiDeps } from './list.ts'
import { destProblem } from '../shared/dest-rules.ts'
import { parseJsonObject, shown } from '../shared/format.ts'

export interface FetchDeps extends ApiDeps {
  workspaceDir: string
  info(message: string): void
  debug(message: string): void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

export interface FileJob {
  line: number
  workspace: string
  repo: string
  /** The file's exact name in the Downloads section. */
  name: string
  dest: string
  sha256: string | undefined
}

export interface Fetched {
  sha256: string
  bytes: number
  /** Requests to the file route it took. */
  attempts: number
}

/** The API answered 404 for the file: the caller says which names exist. */
export class UnknownFileError extends ActionError {}

/** Folders this step created for DESTs, so that a failure can remove the empty ones again. */
export class CreatedFolders {
  readonly #dirs: string[] = []

  /** Creates the missing folders above `file`, one by one, remembering each. */
  ensureParent(file: string): void {
    const missing: string[] = []
    for (let dir = path.dirname(file); !fs.existsSync(dir); dir = path.dirname(dir)) {
      missing.unshift(dir)
      if (path.dirname(dir) === dir) break
    }
    for (const dir of missing) {
      try {
        fs.mkdirSync(dir)
        this.#dirs.push(dir)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
    }
  }

  /** Removes every folder it created that is empty now, deepest first. */
  removeEmpty(): void {
    for (const dir of [...this.#dirs].sort((a, b) => b.length - a.length)) {
      try {
        fs.rmdirSync(dir)
      } catch {
        // Not empty (a file landed there) or already gone: keep it.
      }
    }
  }
}

/** The temporary file's write buffer. */
const STAGE_BYTES = 256 << 10
/** Storage-host refusals (expired signed URLs) in a row before giving up. */
const MAX_REFUSALS = 3

/**
 * The temporary file: written, hashed, and counted; what was written is
 * exactly what was hashed. Chunks are copied into one write buffer as they
 * come (the HTTP client may reuse a chunk's memory once `push` returns), and
 * the buffer is written out whenever it is full.
 */
class Sink {
  readonly fd: number
  readonly file: string
  #hash: Hash = createHash('sha256')
  readonly #stage = Buffer.allocUnsafe(STAGE_BYTES)
  #staged = 0
  /** Bytes in the file. */
  written = 0
  /** A write failed: the disk, not the network; never retried. */
  failure: unknown

  constructor(file: string) {
    this.file = file
    const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants
    this.fd = fs.openSync(file, O_WRONLY | O_CREAT | O_EXCL | (O_NOFOLLOW ?? 0), 0o666)
  }

  push(chunk: Buffer): void {
    this.#hash.update(chunk)
    for (let at = 0; at < chunk.length;) {
      const n = chunk.copy(this.#stage, this.#staged, at)
      this.#staged += n
      at += n
      if (this.#staged === STAGE_BYTES) this.flush()
    }
  }

  flush(): void {
    try {
      for (let at = 0; at < this.#staged;)
        at += fs.writeSync(this.fd, this.#stage, at, this.#staged - at, this.written + at)
      this.written += this.#staged
      this.#staged = 0
    } catch (err) {
      this.failure = err
      throw err
    }
  }

  /** Back to an empty file: the next attempt starts over. */
  reset(): void {
    fs.ftruncateSync(this.fd, 0)
    this.#hash = createHash('sha256')
    this.#staged = 0
    this.written = 0
  }

  digest(): string {
    return this.#hash.digest('hex')
  }

  close(): void {
    fs.closeSync(this.fd)
  }
}

/** `bytes START-END/TOTAL` */
function parseContentRange(value: string | undefined): { start: number; end: number; total: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/i.exec(value?.trim() ?? '')
  if (!m) return undefined
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return Number.isSafeInteger(total) && start <= end && end < total ? { start, end, total } : undefined
}

function describeBreak(err: unknown): string {
  switch (errorCode(err)) {
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return 'the connection was reset or closed early'
    case 'UND_ERR_BODY_TIMEOUT':
      return 'the download stalled'
    case 'TRUNCATED':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return 'the file was cut short'
    default:
      return errorMessage(err)
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`
}

/** The temporary file beside `dest`: hidden, unique, short enough for any file system. */
export function tempPathFor(dest: string): string {
  const base = path.basename(dest).slice(0, 100)
  return path.join(path.dirname(dest), `.${base}.partial-${randomBytes(6).toString('hex')}`)
}

/** An error for an answer that is not the file (after the client's own retries). */
async function notTheFile(response: LargeResponse, job: FileJob, fromStorage: boolean): Promise<ActionError> {
  const full = `${job.workspace}/${job.repo}`
  const label = `${full}/${shown(job.name)}`
  const status = response.status
  // A storage host's error body may quote the signature: never read into a message.
  const said = fromStorage ? '' : apiSaid(parseJsonObject(await response.text().catch(() => '')))
  if (!fromStorage) {
    const refused = refusal(status, said, full, `fetching ${shown(job.name)}`)
    if (refused) return refused
    if (status === 404) return new UnknownFileError(`${full} has no file named "${shown(job.name)}"${said}.`)
  } else {
    await response.discard()
    const host = response.url.host
    if (status === 400)
      return new ActionError(
        `The storage host ${host} refused the download of ${label} (HTTP 400). Its signed URLs must be fetched without credentials; a proxy that adds an Authorization header would cause this. Check HTTPS_PROXY and any proxy rules.`,
      )
    if (status === 404 || status === 410)
      return new ActionError(
        `The storage host ${host} has no file behind the signed URL of ${label} (HTTP ${status}): it may have been deleted or replaced just now. Re-run the job.`,
      )
  }
  if (status >= 300 && status < 400)
    return new ActionError(
      `The download of ${label} was redirected too many times (last to ${response.url.host}); check \`api-url\` and any proxy.`,
    )
  const where = fromStorage ? `The storage host ${response.url.host}` : 'The Bitbucket API'
  return new ActionError(
    `${where} answered HTTP ${status}${said} to the download of ${label}. ${status >= 500 || status === 429 ? 'It may be degraded; re-run the job later.' : 'Check `api-url` and any proxy.'}`,
  )
}

/** An attempt that asks again at once: the signed URL had expired, or the storage host sent the wrong range. */
class AskAgain extends Error {}

/**
 * The state of one file's attempts: what was received, and whether the
 * storage host can resume. The attempts run in the one retry loop
 * (`withRetries`); what they may cost is counted here: breaks of the body (up
 * to the client's retry attempts, at most two stalls), expired signed URLs in
 * a row (MAX_REFUSALS).
 */
class Transfer {
  readonly #deps: FetchDeps
  readonly #job: FileJob
  readonly #sink: Sink
  readonly #url: URL
  readonly #label: string
  attempts = 0
  #breaks = 0
  #stalls = 0
  #refusals = 0
  /** The last break used up the breaks allowed. */
  #exhausted = false
  /** The whole file's size, from the first full answer. */
  #total: number | undefined
  /** ETag (strong) or Last-Modified of that answer, for `If-Range`. */
  #validator: string | undefined
  #canResume = false

  constructor(deps: FetchDeps, job: FileJob, sink: Sink) {
    this.#deps = deps
    this.#job = job
    this.#sink = sink
    this.#url = fileUrl(deps.apiUrl, job.workspace, job.repo, job.name)
    this.#label = `${job.workspace}/${job.repo}/${shown(job.name)}`
  }

  /** Attempts until the whole file is in the temporary file, or it is given up. */
  run(): Promise<void> {
    const deps = this.#deps
    return withRetries((n) => this.#attempt(n), {
      // The limits are the breaks, stalls and refusals counted by `decide`, not the number of attempts.
      policy: { ...deps.http.retry, attempts: Number.MAX_SAFE_INTEGER },
      label: this.#label,
      debug: deps.debug,
      sleep: deps.sleep,
      random: deps.random,
      decide: (err) => this.#decide(err),
      giveUp: (err) => this.#giveUp(err),
      onRetry: (err, _n, waitMs) => this.#announce(err, waitMs),
    })
  }

  async #attempt(n: number): Promise<void> {
    this.attempts = n
    const sink = this.#sink
    const from = this.#canResume && sink.written > 0 && sink.written < this.#total! ? sink.written : 0
    if (from === 0 && sink.written > 0) sink.reset()
    const response = await this.#request(from)
    await this.#accept(response, from)
    try {
      await response.consume((chunk) => sink.push(chunk), collectYoung)
      sink.flush()
      if (this.#total !== undefined && sink.written !== this.#total)
        throw Object.assign(new Error(`got ${sink.written} of ${this.#total} bytes`), { code: 'TRUNCATED' })
    } catch (err) {
      await response.discard()
      if (!sink.failure) sink.flush()
      throw err
    }
  }

  /** After a failed attempt: at once after AskAgain, after the backoff after a break, else never. */
  #decide(err: unknown): RetryDecision {
    if (err instanceof AskAgain) return { retry: true, why: err.message, waitMs: 0 }
    if (this.#sink.failure || err instanceof ActionError || !shouldRetryError(err, true)) return { retry: false }
    this.#breaks++
    // A stall already cost a full body window: one more try at most, so that a storage host that
    // stops answering ends the step within about two minutes.
    if (isStall(err)) this.#stalls++
    this.#exhausted = this.#breaks >= this.#deps.http.retry.attempts || this.#stalls >= 2
    if (this.#exhausted) return { retry: false }
    const waitMs = backoffDelay(this.#deps.http.retry, this.#breaks, this.#deps.random ?? Math.random)
    return { retry: true, why: describeBreak(err), waitMs }
  }

  #giveUp(err: unknown): unknown {
    if (!this.#exhausted) return err
    return new ActionError(
      `The download of ${this.#label} broke off ${this.#breaks} times (last: ${describeBreak(err)}). Check the runner's network and any HTTPS_PROXY setting, then re-run the job.`,
      { cause: err },
    )
  }

  /** Before the wait after a break: where it broke, and from where the next attempt goes on. */
  #announce(err: unknown, waitMs: number): void {
    if (err instanceof AskAgain) return
    const written = this.#sink.written
    const of = this.#total !== undefined ? ` of ${formatBytes(this.#total)}` : ''
    const next = this.#canResume && written > 0 ? `resuming from byte ${written}` : 'starting over'
    this.#deps.debug(`${this.#label}: attempt ${this.attempts} broke off after ${written} bytes: ${errorMessage(err)}`)
    this.#deps.info(
      `${this.#label}: the download broke off at ${formatBytes(written)}${of} (${describeBreak(err)}); ${next} in ${(waitMs / 1000).toFixed(1)} s`,
    )
  }

  /** The file route, followed to the storage host; AskAgain after an expired signed URL. */
  async #request(from: number): Promise<LargeResponse> {
    const headers: Record<string, string> = { accept: '*/*' }
    if (from > 0) {
      headers.range = `bytes=${from}-`
      if (this.#validator) headers['if-range'] = this.#validator
    }
    const response = await this.#deps.http.largeGet(this.#url, {
      what: `the Downloads section of ${this.#job.workspace}/${this.#job.repo}`,
      authorization: this.#deps.authorization,
      headers,
    })
    const fromStorage = response.url.origin !== this.#url.origin
    if (response.status === 200 || response.status === 206) {
      this.#refusals = 0
      return response
    }
    if (!fromStorage || response.status !== 403) throw await notTheFile(response, this.#job, fromStorage)
    await response.discard()
    if (++this.#refusals >= MAX_REFUSALS)
      throw new ActionError(
        `The storage host ${response.url.host} refused the signed download URL of ${this.#label} ${this.#refusals} times (HTTP 403: the URL had expired by the time it was used). Re-run the job; if it persists, check the runner's clock and any proxy that holds requests back.`,
      )
    this.#deps.info(
      `${this.#label}: the storage host refused the signed URL (HTTP 403: it has expired); asking Bitbucket for a fresh one`,
    )
    throw new AskAgain('the signed URL had expired')
  }

  /** Checks that the answer continues (206) or restarts (200) the file as expected; AskAgain if not. */
  async #accept(response: LargeResponse, from: number): Promise<void> {
    if (response.status === 206) {
      const range = parseContentRange(response.headers['content-range'])
      if (from && range && range.start === from && range.total === this.#total && range.end === range.total - 1) return
      await response.discard()
      this.#deps.debug(`${this.#label}: the storage host answered the range request with another range; starting over`)
      this.#canResume = false
      this.#sink.reset()
      if (++this.#breaks >= this.#deps.http.retry.attempts)
        throw new ActionError(
          `The storage host ${response.url.host} kept answering the download of ${this.#label} with the wrong part of the file; re-run the job.`,
        )
      throw new AskAgain('the storage host sent another range')
    }
    if (this.#sink.written > 0) {
      this.#deps.debug(`${this.#label}: the storage host sent the whole file again; starting over`)
      this.#sink.reset()
    }
    const length = Number(response.headers['content-length'] ?? NaN)
    this.#total = Number.isSafeInteger(length) && length >= 0 ? length : undefined
    const etag = response.headers.etag
    this.#validator = etag && !etag.startsWith('W/') ? etag : response.headers['last-modified']
    this.#canResume = /\bbytes\b/i.test(response.headers['accept-ranges'] ?? '') && this.#total !== undefined
  }
}

/**
 * Downloads `job.name` into `job.dest` (see the top of this file). `folders`
 * creates DEST's missing parents; removing them again on failure is the
 * caller's (several files may share a new folder).
 */
export async function downloadFile(deps: FetchDeps, job: FileJob, folders: CreatedFolders): Promise<Fetched> {
  const label = `${job.workspace}/${job.repo}/${shown(job.name)}`
  const rel = () => shown(path.relative(deps.workspaceDir, job.dest))
  const problem = destProblem(job.dest, deps.workspaceDir, 'file')
  if (problem) throw new ActionError(`DEST ${rel()} ${problem}.`)

  folders.ensureParent(job.dest)
  const sink = new Sink(tempPathFor(job.dest))
  let moved = false
  try {
    const transfer = new Transfer(deps, job, sink)
    await transfer.run()
    const sha256 = sink.digest()
    const bytes = sink.written
    sink.close()
    if (job.sha256 && job.sha256 !== sha256)
      throw new ActionError(
        `The file ${label} has sha256 ${sha256}, but line ${job.line} pins ${job.sha256}; nothing was written. If the file was replaced on purpose, update the pin; otherwise do not trust it.`,
      )
    const late = destProblem(job.dest, deps.workspaceDir, 'file')
    if (late) throw new ActionError(`DEST ${rel()} ${late} (it changed during the download); nothing was written.`)
    fs.renameSync(sink.file, job.dest)
    moved = true
    return { sha256, bytes, attempts: transfer.attempts }
  } finally {
    if (!moved) {
      try {
        sink.close()
      } catch {
        // already closed
      }
      fs.rmSync(sink.file, { force: true })
    }
  }
}
