/**
 * The heavy stage of one archive: a `.tar.gz` (the download itself, or a
 * file already on disk) hashed and extracted into an empty staging folder.
 * Runs in a worker thread (worker.ts) or, without the worker bundle, here.
 */
import fs from 'node:fs'
import type { HttpClient } from '../http.ts'
import { downloadArchive, HashingStream, type ArchiveRef } from './download.ts'
import { extractTarGz, type ExtractStats } from './extract.ts'

export type StageSource =
  | { kind: 'download'; archive: ArchiveRef; bitbucketUrl: string; authorization: string }
  | { kind: 'file'; file: string }

export interface StageJob {
  source: StageSource
  /** Empty folder to extract into; emptied again before each attempt. */
  staging: string
}

export interface StageResult {
  /** Of the `.tar.gz` bytes read. */
  sha256: string
  bytes: number
  stats: ExtractStats
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
  if (source.kind === 'file') {
    const hashing = new HashingStream()
    const stats = await extractTarGz(fs.createReadStream(source.file, { highWaterMark: 256 * 1024 }).pipe(hashing), emptied(job.staging))
    return { sha256: hashing.digest(), bytes: hashing.bytes, stats }
  }
  const d = await downloadArchive(
    { http: deps.http, bitbucketUrl: new URL(source.bitbucketUrl), authorization: source.authorization, info: deps.info, debug: deps.debug },
    source.archive,
    (body) => extractTarGz(body, emptied(job.staging)),
  )
  return { sha256: d.sha256, bytes: d.bytes, stats: d.result }
}
