/**
 * The heavy stage of one archive: a `.tar.gz` (the download itself, or a
 * file already on disk) hashed and extracted into an empty staging folder.
 * Runs in a worker thread (worker.ts) or, without the worker bundle, here.
 */
import fs from 'node:fs'
import type { HttpClient } from '../../net/http.ts'
import type { BitbucketType } from '../../bitbucket/provider.ts'
import { PROVIDERS } from '../../bitbucket/providers.ts'
import { downloadArchive, HashingStream, toFile, type ArchiveRef } from '../download.ts'
import { extractTarGz, type ExtractStats } from '../extract.ts'

export type StageSource =
  | {
      kind: 'download'
      archive: ArchiveRef
      bitbucketUrl: string
      authorization: string
      /** The archive's URL as the provider builds it (default: Cloud's, from `bitbucketUrl`). */
      url?: string
      /** Whose wording the refusals use (default: Cloud's); a name, as a job crosses to the worker as data. */
      bitbucketType?: BitbucketType
    }
  | { kind: 'file'; file: string }

export type StageJob =
  /**
   * Download and extract as the bytes arrive, into `staging` (emptied again before each attempt);
   * `flat`: the entries sit at the archive's root (no top-level folder to strip).
   */
  | { source: StageSource; staging: string; flat?: boolean }
  /** Download to `file` only (to be checked before anything is extracted). */
  | { source: Extract<StageSource, { kind: 'download' }>; saveTo: string }

export interface StageResult {
  /** Of the `.tar.gz` bytes read. */
  sha256: string
  bytes: number
  /** Undefined for a download saved to a file. */
  stats: ExtractStats | undefined
}

export interface StageDeps {
  http: HttpClient
  info(message: string): void
  debug(message: string): void
}

function emptied(dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { mode: 0o700 })
  return dir
}

export async function runStage(job: StageJob, deps: StageDeps): Promise<StageResult> {
  const source = job.source
  const downloadDeps = (s: Extract<StageSource, { kind: 'download' }>) => ({
    http: deps.http,
    bitbucketUrl: new URL(s.bitbucketUrl),
    url: s.url === undefined ? undefined : new URL(s.url),
    authorization: s.authorization,
    wording: PROVIDERS[s.bitbucketType ?? 'cloud'].wording,
    info: deps.info,
    debug: deps.debug,
  })
  if ('saveTo' in job) {
    const d = await downloadArchive(downloadDeps(job.source), job.source.archive, toFile(job.saveTo))
    return { sha256: d.sha256, bytes: d.bytes, stats: undefined }
  }
  const options = { topFolder: !job.flat }
  if (source.kind === 'file') {
    const hashing = new HashingStream()
    const stats = await extractTarGz(
      fs.createReadStream(source.file, { highWaterMark: 256 * 1024 }).pipe(hashing),
      emptied(job.staging),
      options,
    )
    return { sha256: hashing.digest(), bytes: hashing.bytes, stats }
  }
  const staging = job.staging
  const d = await downloadArchive(downloadDeps(source), source.archive, (body) =>
    extractTarGz(body, emptied(staging), options),
  )
  return { sha256: d.sha256, bytes: d.bytes, stats: d.result }
}
