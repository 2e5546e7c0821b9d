/**
 * The stage of stage.ts in a worker thread (bundled separately to
 * `dist/archive-worker/index.js`). A worker gets its own V8 heap with small
 * limits, so the chunks that the socket and gunzip leave behind are collected
 * early and memory stays flat whatever the size of the archive (see
 * BENCHMARKS.md); the main thread's collector cannot be tuned from inside the
 * action. One worker serves every archive of the step, several at a time:
 * it receives `{id, job}` and answers with `info`/`debug` log lines, then
 * `done` or `error`, each tagged with the job's id.
 */
import { parentPort } from 'node:worker_threads'
import { ACTION_HTTP_WORDING } from '../../action/http-wording.ts'
import { HttpClient } from '../../net/http.ts'
import { tuningFromEnv } from '../../net/tuning.ts'
import { runStage, type StageJob } from './stage.ts'
import type { WorkerMessage } from './pool.ts'

const port = parentPort!
const post = (m: WorkerMessage) => port.postMessage(m)
let http: HttpClient | undefined

port.on('message', (request: { id: number; job: StageJob } | { close: true }) => {
  if ('close' in request) {
    void (http?.close() ?? Promise.resolve()).catch(() => {}).finally(() => port.close())
    return
  }
  const { id, job } = request
  const debug = (message: string) => post({ id, type: 'debug', message })
  http ??= new HttpClient({
    ...tuningFromEnv(process.env),
    wording: ACTION_HTTP_WORDING,
    debug: (message) => post({ id: 0, type: 'debug', message }),
  })
  runStage(job, { http, info: (message) => post({ id, type: 'info', message }), debug }).then(
    (r) => post({ id, type: 'done', ...r }),
    (err: unknown) => {
      const e = err as Error & { code?: string; detail?: string }
      post({
        id,
        type: 'error',
        name: e?.name ?? 'Error',
        message: e?.message ?? String(err),
        code: e?.code,
        detail: e?.detail ?? e?.stack,
      })
    },
  )
})
