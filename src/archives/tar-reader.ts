/**
 * A small streaming tar reader: ustar and GNU headers, pax extended headers
 * (`path`, `linkpath`, `size`), GNU long names (`L`, `K`). Bytes are pushed
 * in as they come (any chunking); entries and their data are handed to the
 * callbacks synchronously, data as views of the pushed chunks (no copy).
 *
 * It knows nothing about the file system: what is safe to write is decided
 * by extract.ts.
 */

export type EntryType =
  'file' | 'directory' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo' | 'other'

export interface TarEntry {
  /** The member name as stored (pax/GNU long names applied), without trailing `/`. */
  name: string
  type: EntryType
  /** The raw type flag, for messages. */
  flag: string
  mode: number
  size: number
  /** Target of a symlink, or the member a hard link refers to. */
  linkname: string
}

export interface TarHandlers {
  entry(entry: TarEntry): void
  data(chunk: Buffer): void
  /** The current entry's data is complete. */
  end(): void
}

export class TarFormatError extends Error {
  readonly code: string
  constructor(message: string, code = 'TAR_FORMAT') {
    super(message)
    this.name = 'TarFormatError'
    this.code = code
  }
}

const BLOCK = 512

const TYPES: Record<string, EntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
}

type Phase = 'header' | 'data' | 'meta' | 'padding' | 'done'

export class TarParser {
  readonly #h: TarHandlers
  #phase: Phase = 'header'
  /** Bytes of a header block gathered so far. */
  #header = Buffer.alloc(BLOCK)
  #headerFill = 0
  /** Data (or meta) bytes still expected for the current entry, then padding. */
  #remaining = 0
  #padding = 0
  #meta: Buffer[] = []
  #metaKind = ''
  #pax: Record<string, string> = {}
  #longName: string | undefined
  #longLink: string | undefined
  #zeroBlocks = 0
  #entries = 0

  constructor(handlers: TarHandlers) {
    this.#h = handlers
  }

  /** Whether the end-of-archive marker was seen. */
  get done(): boolean {
    return this.#phase === 'done'
  }

  get entries(): number {
    return this.#entries
  }

  push(chunk: Buffer): void {
    let off = 0
    const len = chunk.length
    while (off < len && this.#phase !== 'done') {
      switch (this.#phase) {
        case 'header': {
          if (this.#headerFill === 0 && len - off >= BLOCK) {
            this.#onHeader(chunk.subarray(off, off + BLOCK))
            off += BLOCK
          } else {
            const n = Math.min(BLOCK - this.#headerFill, len - off)
            chunk.copy(this.#header, this.#headerFill, off, off + n)
            this.#headerFill += n
            off += n
            if (this.#headerFill === BLOCK) {
              this.#headerFill = 0
              this.#onHeader(this.#header)
            }
          }
          break
        }
        case 'data': {
          const n = Math.min(this.#remaining, len - off)
          this.#h.data(chunk.subarray(off, off + n))
          off += n
          this.#remaining -= n
          if (this.#remaining === 0) {
            this.#h.end()
            this.#phase = this.#padding ? 'padding' : 'header'
          }
          break
        }
        case 'meta': {
          const n = Math.min(this.#remaining, len - off)
          this.#meta.push(Buffer.from(chunk.subarray(off, off + n)))
          off += n
          this.#remaining -= n
          if (this.#remaining === 0) {
            this.#onMeta(Buffer.concat(this.#meta))
            this.#meta = []
            this.#phase = this.#padding ? 'padding' : 'header'
          }
          break
        }
        case 'padding': {
          const n = Math.min(this.#padding, len - off)
          off += n
          this.#padding -= n
          if (this.#padding === 0) this.#phase = 'header'
          break
        }
      }
    }
  }

  /** Call at the end of input: throws when the archive stopped in the middle. */
  finish(): void {
    if (this.#phase === 'done') return
    // Some writers end with one zero block or none; accept EOF on a header boundary after entries.
    if (this.#phase === 'header' && this.#headerFill === 0 && this.#entries > 0 && this.#zeroBlocks <= 1) {
      this.#phase = 'done'
      return
    }
    throw new TarFormatError('the archive ends in the middle of an entry (truncated download?)', 'TRUNCATED')
  }

  #onHeader(block: Buffer): void {
    if (isZero(block)) {
      this.#zeroBlocks++
      if (this.#zeroBlocks >= 2) this.#phase = 'done'
      return
    }
    if (this.#zeroBlocks) throw new TarFormatError('a zero block in the middle of the archive')
    verifyChecksum(block)
    const flag = String.fromCharCode(block[156]!)
    const size = readNumber(block, 124, 12)
    if (size < 0 || !Number.isSafeInteger(size)) throw new TarFormatError('an entry with an impossible size')
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') this.#startMeta(flag, size)
    else this.#startEntry(block, flag, size)
  }

  /** A header whose data describes the next entry (pax, GNU long name or link). */
  #startMeta(flag: string, size: number): void {
    if (size > 1 << 20) throw new TarFormatError(`a ${flag} header of ${size} bytes`)
    this.#metaKind = flag
    this.#remaining = size
    this.#padding = pad(size)
    this.#phase = size ? 'meta' : this.#padding ? 'padding' : 'header'
    if (!size) this.#onMeta(Buffer.alloc(0))
  }

  #startEntry(block: Buffer, flag: string, size: number): void {
    const { name, linkname, entrySize } = this.#names(block, size)
    let type = TYPES[flag] ?? 'other'
    // Old tar: a regular file whose name ends in `/` is a directory.
    if (type === 'file' && flag !== '7' && name.endsWith('/')) type = 'directory'
    // Only regular files carry data that is theirs; skip anything else's.
    const dataSize =
      type === 'file' || type === 'other'
        ? entrySize
        : type === 'hardlink' || type === 'symlink' || type === 'directory'
          ? 0
          : entrySize
    const entry: TarEntry = {
      name: name.replace(/\/+$/, ''),
      type,
      flag,
      mode: readNumber(block, 100, 8) & 0o7777,
      size: type === 'file' ? entrySize : 0,
      linkname,
    }
    this.#entries++
    this.#h.entry(entry)
    this.#remaining = dataSize
    this.#padding = pad(dataSize)
    if (dataSize > 0) this.#phase = 'data'
    else {
      this.#h.end()
      this.#phase = this.#padding ? 'padding' : 'header'
    }
  }

  /** The entry's name, link name and size: the header's, unless a pax or GNU header before it said otherwise. */
  #names(block: Buffer, size: number): { name: string; linkname: string; entrySize: number } {
    const ustar = block.toString('latin1', 257, 262) === 'ustar'
    const gnu = block.toString('latin1', 257, 265) === 'ustar  \0'
    let name = cString(block, 0, 100)
    if (ustar && !gnu) {
      const prefix = cString(block, 345, 155)
      if (prefix) name = `${prefix}/${name}`
    }
    let linkname = cString(block, 157, 100)
    let entrySize = size
    if (this.#longName !== undefined) name = this.#longName
    if (this.#longLink !== undefined) linkname = this.#longLink
    if (this.#pax.path !== undefined) name = this.#pax.path
    if (this.#pax.linkpath !== undefined) linkname = this.#pax.linkpath
    if (this.#pax.size !== undefined) {
      if (!/^\d+$/.test(this.#pax.size)) throw new TarFormatError('a pax size that is not a number')
      entrySize = Number(this.#pax.size)
    }
    this.#longName = undefined
    this.#longLink = undefined
    this.#pax = {}
    return { name, linkname, entrySize }
  }

  #onMeta(buf: Buffer): void {
    switch (this.#metaKind) {
      case 'L':
        this.#longName = cString(buf, 0, buf.length)
        break
      case 'K':
        this.#longLink = cString(buf, 0, buf.length)
        break
      case 'x':
        Object.assign(this.#pax, parsePax(buf))
        break
      case 'g':
        break // global: a comment (git archive puts the commit there); nothing we use
    }
  }
}

function pad(size: number): number {
  const r = size % BLOCK
  return r ? BLOCK - r : 0
}

function isZero(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i += 4) if (block.readUInt32LE(i) !== 0) return false
  return true
}

function cString(buf: Buffer, off: number, len: number): string {
  let end = off
  const max = off + len
  while (end < max && buf[end] !== 0) end++
  return buf.toString('utf8', off, end)
}

/** Octal (NUL/space terminated), or GNU base-256 when the high bit is set. */
function readNumber(buf: Buffer, off: number, len: number): number {
  if (buf[off]! & 0x80) {
    let n = buf[off]! & 0x7f
    for (let i = 1; i < len; i++) n = n * 256 + buf[off + i]!
    return n
  }
  let n = 0
  let seen = false
  for (let i = off; i < off + len; i++) {
    const c = buf[i]!
    if (c === 0 || (c === 0x20 && seen)) break
    if (c === 0x20) continue
    if (c < 0x30 || c > 0x37) throw new TarFormatError('a header with a malformed number (not a tar archive?)')
    n = n * 8 + (c - 0x30)
    seen = true
  }
  return n
}

function verifyChecksum(block: Buffer): void {
  const stored = readNumber(block, 148, 8)
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!
  if (sum !== stored) throw new TarFormatError('a header with a bad checksum (corrupt archive, or not a tar archive)')
}

/** pax records: `LEN KEY=VALUE\n`, LEN counting the whole record in bytes. */
export function parsePax(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let off = 0
  while (off < buf.length) {
    const space = buf.indexOf(0x20, off)
    if (space < 0) break
    const len = Number(buf.toString('latin1', off, space))
    if (!Number.isInteger(len) || len <= 0 || off + len > buf.length) throw new TarFormatError('a malformed pax header')
    const record = buf.toString('utf8', space + 1, off + len - 1)
    const eq = record.indexOf('=')
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1)
    off += len
  }
  return out
}
