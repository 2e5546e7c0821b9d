/**
 * The stage of stage.ts in a worker thread (bundled separately to
 * `dist/archive-worker/index.js`). A worker gets its own V8 heap with small
 * limits, so the chunks that the socket and gunzip leave behind are collected
 * early and memory stays flat whatever the size of the archive (see
 * BENCHMARKS.md); the main thread's collector cannot be tuned from inside the
 * action. One worker serves every archive of the step, several at a time
 * (the messages are protocol.ts's).
 */
import { parentPort } from 'node:worker_threads'
import { ACTION_WORDING } from '../../action/wording.ts'
import { HttpClient } from '../../net/http.ts'
import { tuningFromEnv } from '../../net/tuning.ts'
import { runStage } from './stage.ts'
import { toWire, type WorkerMessage, type WorkerRequest } from './protocol.ts'

const port = parentPort!
const post = (m: WorkerMessage) => port.postMessage(m)
let http: HttpClient | undefined

port.on('message', (request: WorkerRequest) => {
  if ('close' in request) {
    void (http?.close() ?? Promise.resolve()).catch(() => {}).finally(() => port.close())
    return
  }
  const { id, job } = request
  const debug = (message: string) => post({ id, type: 'debug', message })
  http ??= new HttpClient({
    ...tuningFromEnv(process.env),
    wording: ACTION_WORDING,
    debug: (message) => post({ id: 0, type: 'debug', message }),
  })
  runStage(job, { http, info: (message) => post({ id, type: 'info', message }), debug }).then(
    (r) => post({ id, type: 'done', ...r }),
    (err: unknown) => post({ id, type: 'error', error: toWire(err) }),
  )
})
