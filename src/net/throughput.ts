/**
 * A body is judged by its throughput, not by silence alone: a server that
 * sends one byte every 29 s never trips a 30 s silence timeout, yet would
 * hold a step for days. ThroughputGuard is a pass-through stream that counts
 * the bytes arriving in each window of `windowMs`; a window in which fewer
 * than `minBytes` came while the reader was waiting for them ends the stream
 * with a SlowBodyError. A window in which the reader was the slow side (the
 * guard had to hold data back: backpressure) is not held against the sender.
 *
 * The HTTP client puts one in front of every response body (http.ts), so
 * JSON answers, archives and downloads all get the rule.
 */
import { Transform, type TransformCallback } from 'node:stream'

/** The code of SlowBodyError: the retry rules take it as a body that broke off (retry.ts). */
export const SLOW_BODY = 'BODY_TOO_SLOW'

export class SlowBodyError extends Error {
  readonly code = SLOW_BODY
  /** Bytes that came in the window that failed. */
  readonly bytes: number
  readonly windowMs: number
  constructor(bytes: number, windowMs: number, minBytes: number) {
    const seconds = +(windowMs / 1000).toFixed(1)
    // Nothing at all is what the body timeout reports too, in the same words (errors.ts).
    super(
      bytes === 0
        ? `the answer stalled for ${seconds} s`
        : `the answer came too slowly: ${bytes} byte${bytes === 1 ? '' : 's'} in ${seconds} s (at least ${minBytes} expected)`,
    )
    this.name = 'SlowBodyError'
    this.bytes = bytes
    this.windowMs = windowMs
  }
}

export interface ThroughputRule {
  /** Length of one window. */
  windowMs: number
  /** Fewest bytes a window must bring while the reader waits. */
  minBytes: number
}

/** The rule of a body timeout of `windowMs`: windows of that length, at least 1 KiB per second of it. */
export function throughputRule(windowMs: number): ThroughputRule {
  return { windowMs, minBytes: Math.max(1, Math.round((windowMs / 1000) * 1024)) }
}

export class ThroughputGuard extends Transform {
  readonly rule: ThroughputRule
  #bytes = 0
  /** The reader was slower than the sender at some point in this window. */
  #readerBusy = false
  #timer: NodeJS.Timeout | undefined

  constructor(rule: ThroughputRule) {
    super()
    this.rule = rule
    if (rule.windowMs > 0) {
      this.#timer = setInterval(() => this.#judge(), rule.windowMs)
      this.#timer.unref()
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#bytes += chunk.length
    if (!this.push(chunk)) this.#readerBusy = true
    cb()
  }

  override _flush(cb: TransformCallback): void {
    this.#stop()
    cb()
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    this.#stop()
    cb(err)
  }

  #judge(): void {
    const busy = this.#readerBusy || this.readableLength > 0 || this.writableLength > 0
    const bytes = this.#bytes
    this.#bytes = 0
    this.#readerBusy = false
    if (!busy && bytes < this.rule.minBytes)
      this.destroy(new SlowBodyError(bytes, this.rule.windowMs, this.rule.minBytes))
  }

  #stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }
}
