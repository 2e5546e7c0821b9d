/**
 * The archive of a commit, `{bitbucket-url}/{ws}/{repo}/get/{commit}.tar.gz`,
 * with the Bearer token (never forwarded to another origin: see http.ts),
 * streamed to a consumer (a temp file, or the extractor) while its SHA-256
 * and size are computed; the whole archive is never held in memory.
 *
 * A redirect to the login page or an HTML answer is an authentication or
 * permission error. A body that breaks off (reset, truncated, stalled) is
 * fetched again with the backoff of retry.ts; the consumer starts over.
 */
import { createHash, type Hash } from 'node:crypto'
import fs from 'node:fs'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ActionError, errorMessage } from '../shared/errors.ts'
import { joinUrl, type HttpClient, type HttpResponse } from '../net/http.ts'
import { backoffDelay, errorCode, shouldRetryError } from '../net/retry.ts'

export interface DownloadDeps {
  http: HttpClient
  bitbucketUrl: URL
  /** `Bearer …` */
  authorization: string
  info(message: string): void
  debug(message: string): void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

export interface ArchiveRef {
  workspace: string
  repo: string
  ref: string
  commit: string
}

export interface Downloaded<T> {
  result: T
  sha256: string
  bytes: number
  attempts: number
}

/** Counts and hashes the bytes passing through. */
export class HashingStream extends Transform {
  readonly #hash: Hash = createHash('sha256')
  bytes = 0

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#hash.update(chunk)
    this.bytes += chunk.length
    cb(null, chunk)
  }

  digest(): string {
    return this.#hash.digest('hex')
  }
}

export function archiveUrl(bitbucketUrl: URL, a: Pick<ArchiveRef, 'workspace' | 'repo' | 'commit'>): URL {
  return joinUrl(
    bitbucketUrl,
    `${encodeURIComponent(a.workspace)}/${encodeURIComponent(a.repo)}/get/${a.commit}.tar.gz`,
  )
}

const SCOPE_HINT =
  'Check that the OAuth consumer has the Repositories: Read permission (scope `repository`) and that its user (or workspace) can read the repository.'

/** Throws unless the response is the archive itself. */
export function checkArchiveResponse(response: HttpResponse, a: ArchiveRef): void {
  const label = `${a.workspace}/${a.repo}@${a.ref}`
  const type = (response.headers['content-type'] ?? '').toLowerCase()
  const login =
    /\/(account\/signin|login|site\/login)\b/.test(response.url.pathname) || /[?&]next=/.test(response.url.search)
  if (response.status >= 300 && response.status < 400) {
    throw new ActionError(
      `The archive download of ${label} was redirected too many times (last to ${response.url.host}); check \`bitbucket-url\` and any proxy.`,
    )
  }
  if (login || (response.status < 300 && type.includes('text/html'))) {
    throw new ActionError(
      `Bitbucket answered the archive download of ${label} with ${login ? 'its login page' : 'an HTML page'} instead of the archive: the token was not accepted for the repository. ${SCOPE_HINT} If \`bitbucket-url\` is not the site that issued the token, fix it.`,
    )
  }
  if (response.status === 401 || response.status === 403) {
    throw new ActionError(
      `Bitbucket refused the archive download of ${label} (HTTP ${response.status} from ${response.url.host}). ${SCOPE_HINT}`,
    )
  }
  if (response.status === 404) {
    throw new ActionError(
      `Bitbucket has no archive for ${label} (commit ${a.commit}, HTTP 404). The commit may have been removed since it was resolved; re-run the job.`,
    )
  }
  if (response.status !== 200) {
    throw new ActionError(
      `The archive download of ${label} answered HTTP ${response.status}. ${response.status >= 500 || response.status === 429 ? 'Bitbucket may be degraded; re-run the job later.' : 'Check `bitbucket-url`.'}`,
    )
  }
}

/**
 * Downloads the archive and hands its body (hashed on the way) to `consume`,
 * once per attempt; retries when the body breaks off. `consume` must start
 * from scratch each time.
 */
export async function downloadArchive<T>(
  deps: DownloadDeps,
  a: ArchiveRef,
  consume: (body: Readable) => Promise<T>,
): Promise<Downloaded<T>> {
  const url = archiveUrl(deps.bitbucketUrl, a)
  const label = `${a.workspace}/${a.repo}@${a.ref}`
  const policy = deps.http.retry
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  let stalls = 0
  for (let attempt = 1; ; attempt++) {
    const response = await deps.http.request(url, {
      what: `the archive of ${label}`,
      authorization: deps.authorization,
      headers: { accept: 'application/x-gzip, application/octet-stream;q=0.9, */*;q=0.1' },
    })
    try {
      checkArchiveResponse(response, a)
    } catch (err) {
      await response.body.dump().catch(() => {})
      throw err
    }
    const hashing = new HashingStream()
    const expected = Number(response.headers['content-length'] ?? NaN)
    // The consumer sees a broken body through its own pipeline; these listeners only keep a
    // late error (after the consumer gave up) from becoming an uncaught exception.
    hashing.on('error', () => {})
    response.body.on('error', (err) => hashing.destroy(err))
    const body = response.body.pipe(hashing)
    try {
      const result = await consume(body)
      if (Number.isFinite(expected) && hashing.bytes !== expected) {
        throw Object.assign(new Error(`got ${hashing.bytes} of ${expected} bytes`), { code: 'TRUNCATED' })
      }
      return { result, sha256: hashing.digest(), bytes: hashing.bytes, attempts: attempt }
    } catch (err) {
      response.body.destroy()
      hashing.destroy()
      if (!shouldRetryError(err, true)) throw err
      const why = describeBreak(err)
      // A stall already cost a full body timeout: one more try at most, so that a server that stops
      // answering ends the step within about two minutes.
      if (errorCode(err) === 'UND_ERR_BODY_TIMEOUT') stalls++
      if (attempt >= policy.attempts || stalls >= 2) {
        throw new ActionError(
          `The archive download of ${label} broke off ${attempt} times (last: ${why}). Check the runner's network and any HTTPS_PROXY setting, then re-run the job.`,
          { cause: err },
        )
      }
      const wait = backoffDelay(policy, attempt, deps.random ?? Math.random)
      deps.debug(
        `${label}: attempt ${attempt} got ${hashing.bytes}${Number.isFinite(expected) ? ` of ${expected}` : ''} bytes: ${errorMessage(err)}`,
      )
      deps.info(`${label}: the download broke off (${why}); trying again in ${(wait / 1000).toFixed(1)} s`)
      await sleep(wait)
    }
  }
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
    case 'Z_BUF_ERROR':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return 'the archive was truncated'
    default:
      return errorMessage(err)
  }
}

/** A consumer that writes the body to `file` (mode 0600), replacing what an earlier attempt left. */
export function toFile(file: string): (body: Readable) => Promise<void> {
  return (body) => pipeline(body, fs.createWriteStream(file, { mode: 0o600, highWaterMark: 1024 * 1024 }))
}
