import { describe, expect, test } from '@jest/globals'
import { PassThrough, Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { SlowBodyError, ThroughputGuard, throughputRule } from '../../../src/net/throughput.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A source that writes `chunk` every `everyMs`, `times` times, then ends. */
function dripping(chunk: Buffer, everyMs: number, times: number): PassThrough {
  const source = new PassThrough()
  let n = 0
  const timer = setInterval(() => {
    if (source.destroyed) return clearInterval(timer)
    source.write(chunk)
    if (++n === times) {
      clearInterval(timer)
      source.end()
    }
  }, everyMs)
  return source
}

/** A sink that takes `delayMs` over each chunk (a slow reader). */
function slowSink(delayMs: number): Writable & { bytes: number } {
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, cb) {
      sink.bytes += chunk.length
      setTimeout(cb, delayMs)
    },
  }) as Writable & { bytes: number }
  sink.bytes = 0
  return sink
}

describe('throughputRule', () => {
  test('at least 1 KiB per second of the window', () => {
    expect(throughputRule(30_000)).toEqual({ windowMs: 30_000, minBytes: 30_720 })
    expect(throughputRule(200)).toEqual({ windowMs: 200, minBytes: 205 })
    expect(throughputRule(0).minBytes).toBe(1)
  })
})

describe('ThroughputGuard', () => {
  test('a drip that never goes silent for a whole window fails at the end of the first window', async () => {
    // One byte every 90 ms: a 100 ms silence timeout never fires.
    const started = Date.now()
    const guard = new ThroughputGuard({ windowMs: 300, minBytes: 64 })
    const err = await pipeline(dripping(Buffer.from('x'), 90, 1000), guard, slowSink(0)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SlowBodyError)
    expect((err as SlowBodyError).code).toBe('BODY_TOO_SLOW')
    expect((err as Error).message).toMatch(
      /^the answer came too slowly: [1-4] bytes? in 0\.3 s \(at least 64 expected\)$/,
    )
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(1500)
  })

  test('a body fast enough in every window passes, however long it takes', async () => {
    const guard = new ThroughputGuard({ windowMs: 100, minBytes: 64 })
    const sink = slowSink(0)
    await pipeline(dripping(Buffer.alloc(64), 20, 30), guard, sink)
    expect(sink.bytes).toBe(64 * 30)
  })

  test('a body that ends within the first window is never judged', async () => {
    const guard = new ThroughputGuard({ windowMs: 50, minBytes: 1_000_000 })
    const sink = slowSink(0)
    await pipeline(Readable.from([Buffer.from('{"ok":true}')]), guard, sink)
    await sleep(120)
    expect(sink.bytes).toBe(11)
    expect(guard.destroyed).toBe(true) // ended and closed; no timer left behind
  })

  test('a slow reader is not held against the sender (backpressure)', async () => {
    // The source could send 3 MiB at once; the reader takes 30 ms a chunk, so far fewer than
    // minBytes pass the guard per window, but only because the reader is the slow side.
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 50; i++) yield Buffer.alloc(65_536)
      })(),
    )
    const guard = new ThroughputGuard({ windowMs: 100, minBytes: 1_000_000 })
    const sink = slowSink(30)
    await pipeline(source, guard, sink)
    expect(sink.bytes).toBe(50 * 65_536)
  })
})

describe('SlowBodyError', () => {
  test('nothing at all is said as a stall, in the words of the body timeout', () => {
    expect(new SlowBodyError(0, 30_000, 30_720).message).toBe('the answer stalled for 30 s')
    expect(new SlowBodyError(1, 30_000, 30_720).message).toBe(
      'the answer came too slowly: 1 byte in 30 s (at least 30720 expected)',
    )
  })
})
