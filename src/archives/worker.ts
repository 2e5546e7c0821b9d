/**
 * The stage of stage.ts in a worker thread (bundled separately to
 * `dist/archive-worker/index.js`). A worker gets its own V8 heap with small
 * limits, so the chunks that the socket and gunzip leave behind are collected
 * early and memory stays flat whatever the size of the archive (see
 * BENCHMARKS.md); the main thread's collector cannot be tuned from inside the
 * action. Messages: `info`/`debug` log lines, then `done` or `error`.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { HttpClient } from '../http.ts'
import { tuningFromEnv } from '../tuning.ts'
import { runStage, type StageJob } from './stage.ts'
import type { WorkerMessage } from './worker-protocol.ts'

const job = workerData as StageJob
const post = (m: WorkerMessage) => parentPort!.postMessage(m)
const debug = (m: string) => post({ type: 'debug', message: m })
const http = new HttpClient({ ...tuningFromEnv(process.env), debug })
try {
  const r = await runStage(job, { http, info: (m) => post({ type: 'info', message: m }), debug })
  post({ type: 'done', ...r })
} catch (err) {
  const e = err as Error & { code?: string; detail?: string }
  post({ type: 'error', name: e?.name ?? 'Error', message: e?.message ?? String(err), code: e?.code, detail: e?.detail ?? e?.stack })
} finally {
  await http.close().catch(() => {})
}
