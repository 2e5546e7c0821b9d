/**
 * Running the stage of stage.ts in a worker thread (worker.ts; the messages
 * are protocol.ts's). Falls back to the main thread when the worker bundle is
 * not there (running from source).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { archiveLabel } from '../spec.ts'
import { fromWire, type WorkerMessage, type WorkerRequest } from './protocol.ts'
import { runStage, type StageDeps, type StageJob, type StageResult } from './stage.ts'

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

interface Pending {
  resolve(r: StageResult): void
  reject(err: unknown): void
  log: { info(m: string): void; debug(m: string): void }
}

/** The step's one worker thread, started on first use; several stages run in it at a time. */
class StageWorker {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  #next = 1
  #failure: unknown

  constructor(script: string, debug: (m: string) => void, env: NodeJS.ProcessEnv) {
    this.#worker = new Worker(script, { resourceLimits: LIMITS, env })
    this.#worker.on('message', (m: WorkerMessage) => {
      if (m.id === 0) return debug(m.type === 'debug' || m.type === 'info' ? m.message : '')
      const p = this.#pending.get(m.id)
      if (!p) return
      switch (m.type) {
        case 'info':
          p.log.info(m.message)
          break
        case 'debug':
          p.log.debug(m.message)
          break
        case 'done':
          this.#pending.delete(m.id)
          p.resolve({ sha256: m.sha256, bytes: m.bytes, stats: m.stats })
          break
        case 'error':
          this.#pending.delete(m.id)
          p.reject(fromWire(m.error))
          break
      }
    })
    const fail = (err: unknown) => {
      this.#failure ??= err
      for (const p of this.#pending.values()) p.reject(err)
      this.#pending.clear()
    }
    this.#worker.on('error', fail)
    this.#worker.on('exit', (code) => fail(new Error(`the archive worker stopped (exit code ${code})`)))
  }

  run(job: StageJob, log: Pending['log']): Promise<StageResult> {
    if (this.#failure) return Promise.reject(this.#failure)
    const id = this.#next++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, log })
      this.#worker.postMessage({ id, job } satisfies WorkerRequest)
    })
  }

  async close(): Promise<void> {
    if (this.#failure) return
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()))
    this.#worker.postMessage({ close: true } satisfies WorkerRequest)
    await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())])
    await this.#worker.terminate()
  }
}

/**
 * Runs stages in one worker thread when the worker bundle is there, else in
 * this thread. `close()` when the step's archives are done.
 */
export class Stager {
  readonly #script = workerScript()
  readonly #debug: (m: string) => void
  readonly #env: NodeJS.ProcessEnv
  #worker: StageWorker | undefined

  /** `env`: the worker's environment (proxy and tuning variables). */
  constructor(debug: (m: string) => void, env: NodeJS.ProcessEnv) {
    this.#debug = debug
    this.#env = env
  }

  stage(job: StageJob, deps: StageDeps): Promise<StageResult> {
    if (!this.#script) return runStage(job, deps)
    const src = job.source
    const what = src.kind === 'file' ? src.file : archiveLabel(src.archive)
    deps.debug(
      `${'saveTo' in job ? 'downloading' : src.kind === 'file' ? 'extracting' : 'downloading and extracting'} ${what} in a worker thread`,
    )
    this.#worker ??= new StageWorker(this.#script, this.#debug, this.#env)
    return this.#worker.run(job, deps)
  }

  async close(): Promise<void> {
    await this.#worker?.close()
    this.#worker = undefined
  }
}
