/**
 * Running the stage of stage.ts in a worker thread (worker.ts), and the
 * messages between it and the main thread. Falls back to the main thread when
 * the worker bundle is not there (running from source).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { ActionError } from '../errors.ts'
import { UnsafeArchiveError, type ExtractStats } from './extract.ts'
import { runStage, type StageDeps, type StageJob, type StageResult } from './stage.ts'
import { TarFormatError } from './tar.ts'

export type WorkerMessage =
  | { type: 'info' | 'debug'; message: string }
  | { type: 'done'; sha256: string; bytes: number; stats: ExtractStats }
  | { type: 'error'; name: string; message: string; code: string | undefined; detail: string | undefined }

/** Heap limits of the worker: small, so that garbage is collected early (BENCHMARKS.md). */
const LIMITS = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 }

/** The worker bundle next to the main one (`dist/archive-worker/index.js`), if present. */
export function workerScript(): string | undefined {
  try {
    const here = path.dirname(fileURLToPath(import.meta.url))
    const script = path.join(here, '..', 'archive-worker', 'index.js')
    return fs.existsSync(script) ? script : undefined
  } catch {
    return undefined
  }
}

/** Rebuilds an error the worker reported, with the class the caller's messages depend on. */
function revive(m: Extract<WorkerMessage, { type: 'error' }>): Error {
  if (m.name === 'UnsafeArchiveError') return new UnsafeArchiveError(m.message)
  if (m.name === 'TarFormatError') return new TarFormatError(m.message, m.code)
  if (m.name === 'ActionError' || m.name === 'HttpError') return new ActionError(m.message, { detail: m.detail })
  return Object.assign(new Error(m.message), { code: m.code, stack: m.detail })
}

/** Runs the stage in a worker thread when the worker bundle is there, else in this thread. */
export function stage(job: StageJob, deps: StageDeps): Promise<StageResult> {
  const script = workerScript()
  if (!script) return runStage(job, deps)
  const src = job.source
  deps.debug(src.kind === 'file' ? `extracting ${src.file} in a worker thread` : `downloading and extracting ${src.archive.workspace}/${src.archive.repo}@${src.archive.ref} in a worker thread`)
  return runWorker(script, job, deps)
}

function runWorker(script: string, job: StageJob, log: { info(m: string): void; debug(m: string): void }): Promise<StageResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: job, resourceLimits: LIMITS, env: process.env, stdout: false, stderr: false })
    let settled = false
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'info':
          log.info(m.message)
          break
        case 'debug':
          log.debug(m.message)
          break
        case 'done':
          settled = true
          resolve({ sha256: m.sha256, bytes: m.bytes, stats: m.stats })
          break
        case 'error':
          settled = true
          reject(revive(m))
          break
      }
    })
    worker.on('error', (err) => {
      if (!settled) reject(err)
      settled = true
    })
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the archive worker stopped (exit code ${code})`))
      settled = true
    })
  })
}
