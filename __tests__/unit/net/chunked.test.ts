import { describe, expect, test } from '@jest/globals'
import { ChunkedDecoder, ChunkedFramingError } from '../../../src/net/chunked.ts'

/** Decodes `wire` fed in pieces of `step` bytes; returns the data and whether the decoder saw the end. */
function decode(wire: string, step: number): { data: string; done: boolean } {
  const decoder = new ChunkedDecoder()
  const bytes = Buffer.from(wire, 'latin1')
  let data = ''
  for (let at = 0; at < bytes.length && !decoder.done; at += step)
    decoder.feed(bytes.subarray(at, at + step), (d) => (data += d.toString('latin1')))
  return { data, done: decoder.done }
}

const WIRE = '5\r\nhello\r\n1;ext=1\r\n \r\nA \r\n0123456789\r\n0\r\nX-Trailer: yes\r\n\r\n'

describe('ChunkedDecoder', () => {
  test('decodes sizes (hex, with extensions), data and trailers, however the bytes are split', () => {
    for (const step of [1, 2, 3, 7, 16, WIRE.length]) {
      expect(decode(WIRE, step)).toEqual({ data: 'hello 0123456789', done: true })
    }
  })

  test('is not done before the last chunk and its empty line', () => {
    expect(decode('5\r\nhello\r\n', 4)).toEqual({ data: 'hello', done: false })
    expect(decode('5\r\nhello\r\n0\r\n', 4)).toEqual({ data: 'hello', done: false })
  })

  test('bytes after the end are not data', () => {
    expect(decode('2\r\nok\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n', 64)).toEqual({ data: 'ok', done: true })
  })

  test('malformed framing is an error with the code the retry rules treat as final', () => {
    for (const wire of ['zz\r\n', '5\r\nhello!\r\n', `${'1'.repeat(5000)}\r\n`]) {
      let caught: unknown
      try {
        decode(wire, 3)
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(ChunkedFramingError)
      expect((caught as ChunkedFramingError).code).toBe('UND_ERR_INVALID_RESPONSE')
    }
  })
})
