/**
 * The `Transfer-Encoding: chunked` framing of an HTTP/1.1 body, decoded
 * incrementally: bytes go in as the socket delivers them (split anywhere),
 * the data of each chunk comes out as views of those same bytes, without a
 * copy. Used by large-body.ts; undici decodes for every other request.
 */

export class ChunkedFramingError extends Error {
  readonly code = 'UND_ERR_INVALID_RESPONSE'
  constructor(why: string) {
    super(`the chunked body is malformed: ${why}`)
    this.name = 'ChunkedFramingError'
  }
}

/** A size line or a trailer field is never anywhere near this long. */
const MAX_LINE = 4096

export class ChunkedDecoder {
  #state: 'size' | 'data' | 'data-end' | 'trailer' = 'size'
  #line = ''
  #left = 0
  /** The last chunk and the trailer section have been read. */
  done = false

  /** Feeds bytes; `out` gets the data they carry. Throws ChunkedFramingError. */
  feed(data: Buffer, out: (data: Buffer) => void): void {
    let at = 0
    while (at < data.length && !this.done) {
      if (this.#state === 'data') {
        const n = Math.min(this.#left, data.length - at)
        out(data.subarray(at, at + n))
        at += n
        this.#left -= n
        if (this.#left === 0) this.#state = 'data-end'
        continue
      }
      const newline = data.indexOf(0x0a, at)
      const end = newline < 0 ? data.length : newline + 1
      this.#line += data.toString('latin1', at, end)
      at = end
      if (this.#line.length > MAX_LINE) throw new ChunkedFramingError('a line is too long')
      if (newline >= 0) this.#endOfLine(this.#line.replace(/\r?\n$/, ''))
    }
  }

  #endOfLine(line: string): void {
    this.#line = ''
    switch (this.#state) {
      case 'data-end':
        if (line !== '') throw new ChunkedFramingError('a chunk is longer than its size says')
        this.#state = 'size'
        return
      case 'size': {
        const m = /^([0-9a-f]{1,12})[ \t]*(?:;.*)?$/i.exec(line)
        if (!m) throw new ChunkedFramingError('a chunk size is not a hexadecimal number')
        this.#left = parseInt(m[1]!, 16)
        this.#state = this.#left === 0 ? 'trailer' : 'data'
        return
      }
      default:
        if (line === '') this.done = true
    }
  }
}
