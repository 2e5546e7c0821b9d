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
import { errorCode, isStall } from '../net/errors.ts'
import type { HttpClient, HttpResponse } from '../net/http.ts'
import { shouldRetryError, withRetries } from '../net/retry.ts'
import { joinUrl } from '../net/url.ts'
import { CLOUD } from '../bitbucket/cloud/provider.ts'
import type { ProviderWording } from '../bitbucket/provider.ts'
import { archiveLabel } from './spec.ts'

export interface DownloadDeps {
  http: HttpClient
  bitbucketUrl: URL
  /** The archive's URL when the provider builds it (default: Cloud's, `archiveUrl`). */
  url?: URL
  /** `Bearer …` */
  authorization: string
  /** Names the provider and its fixes in refusals (default: Cloud's). */
  wording?: ProviderWording
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

/** Throws unless the response is the archive itself; `wording` names the provider and its fixes. */
export function checkArchiveResponse(
  response: HttpResponse,
  a: ArchiveRef,
  wording: ProviderWording = CLOUD.wording,
): void {
  const { product, archiveAccess, archiveMissing, archiveInput } = wording
  const label = archiveLabel(a)
  const type = (response.headers['content-type'] ?? '').toLowerCase()
  const login =
    /\/(account\/signin|login|site\/login)\b/.test(response.url.pathname) || /[?&]next=/.test(response.url.search)
  if (response.status >= 300 && response.status < 400) {
    throw new ActionError(
      `The archive download of ${label} was redirected too many times (last to ${response.url.host}); check ${archiveInput} and any proxy.`,
    )
  }
  if (login || (response.status < 300 && type.includes('text/html'))) {
    throw new ActionError(
      `${product} answered the archive download of ${label} with ${login ? 'its login page' : 'an HTML page'} instead of the archive: the token was not accepted for the repository. ${archiveAccess} If ${archiveInput} is not the site that issued the token, fix it.`,
    )
  }
  if (response.status === 401 || response.status === 403) {
    throw new ActionError(
      `${product} refused the archive download of ${label} (HTTP ${response.status} from ${response.url.host}). ${archiveAccess}`,
    )
  }
  if (response.status === 404) {
    throw new ActionError(`${product} has no archive for ${label} (commit ${a.commit}, HTTP 404). ${archiveMissing}`)
  }
  if (response.status !== 200) {
    throw new ActionError(
      `The archive download of ${label} answered HTTP ${response.status}. ${response.status >= 500 || response.status === 429 ? `${product} may be degraded; re-run the job later.` : `Check ${archiveInput}.`}`,
    )
  }
}

/**
 * Downloads the archive and hands its body (hashed on the way) to `consume`,
 * once per attempt; retries when the body breaks off (a stall once only).
 * `consume` must start from scratch each time.
 */
export async function downloadArchive<T>(
  deps: DownloadDeps,
  a: ArchiveRef,
  consume: (body: Readable) => Promise<T>,
): Promise<Downloaded<T>> {
  const label = archiveLabel(a)
  let stalls = 0
  /** What the failed attempt received, for the debug line. */
  let got = ''
  const attempt = async (n: number): Promise<Downloaded<T>> => {
    const response = await fetchArchiveResponse(deps, a)
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
      return { result, sha256: hashing.digest(), bytes: hashing.bytes, attempts: n }
    } catch (err) {
      response.body.destroy()
      hashing.destroy()
      got = `attempt ${n} got ${hashing.bytes}${Number.isFinite(expected) ? ` of ${expected}` : ''} bytes`
      throw err
    }
  }
  return withRetries(attempt, {
    policy: deps.http.retry,
    label,
    debug: deps.debug,
    sleep: deps.sleep,
    random: deps.random,
    // Only a body that broke off is fetched again: a refusal, an unsafe archive or a failed request is final.
    decide: (err) => {
      if (err instanceof ActionError || !shouldRetryError(err, true)) return { retry: false }
      // A stall already cost a full body timeout: one more try at most, so that a server that stops
      // answering ends the step within about two minutes.
      if (isStall(err) && ++stalls >= 2) return { retry: false }
      return { retry: true, why: `${got}: ${errorMessage(err)}` }
    },
    onRetry: (err, _n, waitMs) =>
      deps.info(
        `${label}: the download broke off (${describeBreak(err)}); trying again in ${(waitMs / 1000).toFixed(1)} s`,
      ),
    giveUp: (err, attempts) =>
      err instanceof ActionError || !shouldRetryError(err, true)
        ? err
        : new ActionError(
            `The archive download of ${label} broke off ${attempts} times (last: ${describeBreak(err)}). Check the runner's network and any HTTPS_PROXY setting, then re-run the job.`,
            { cause: err },
          ),
  })
}

/** The answer to the archive's URL, once it is known to be the archive (its body not read yet). */
async function fetchArchiveResponse(deps: DownloadDeps, a: ArchiveRef): Promise<HttpResponse> {
  const response = await deps.http.request(deps.url ?? archiveUrl(deps.bitbucketUrl, a), {
    what: `the archive of ${archiveLabel(a)}`,
    authorization: deps.authorization,
    headers: { accept: 'application/x-gzip, application/octet-stream;q=0.9, */*;q=0.1' },
  })
  try {
    checkArchiveResponse(response, a, deps.wording)
  } catch (err) {
    await response.body.dump().catch(() => {})
    throw err
  }
  return response
}

function describeBreak(err: unknown): string {
  switch (errorCode(err)) {
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return 'the connection was reset or closed early'
    case 'UND_ERR_BODY_TIMEOUT':
    case 'BODY_TOO_SLOW':
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
