/**
 * A small streaming tar reader: ustar and GNU headers, pax extended headers
 * (local `x` or Solaris `X`, and global `g`: `path`, `linkpath`, `size`), GNU long names
 * (`L`, `K`). Bytes are pushed in as they come (any chunking); entries and
 * their data are handed to the callbacks synchronously, data as views of the
 * pushed chunks (no copy).
 *
 * Names and link targets are byte strings (one char per byte, latin1): a
 * name that is not UTF-8 reaches the writer as it was stored.
 *
 * Where GNU tar and Python's tarfile read an archive the same way, so does
 * this reader; where they disagree, or where GNU tar reports an error, the
 * archive is refused as malformed (TarFormatError, never retried) rather
 * than read a third way: two pax headers (or two GNU long names) for one
 * entry, a pax record whose length is not plain decimal or does not end in a
 * newline, a numeric field of blanks, a negative base-256 number, a pax
 * `size` beyond 2^53. Sparse entries (old GNU `S`, pax `GNU.sparse.*`) are
 * reported as type `sparse` with their name (their data skipped in step).
 *
 * It knows nothing about the file system: what is safe to write is decided
 * by extract.ts.
 */

export type EntryType =
  'file' | 'directory' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo' | 'sparse' | 'other'

export interface TarEntry {
  /** The member name's bytes (one char per byte), pax/GNU long names applied, without trailing `/`. */
  name: string
  type: EntryType
  /** The raw type flag, for messages. */
  flag: string
  mode: number
  size: number
  /** Target of a symlink, or the member a hard link refers to (bytes, like `name`). */
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

const malformed = (what: string) => new TarFormatError(what)

const BLOCK = 512
/** The largest pax or GNU long-name header read (they are held in memory). */
const MAX_META = 1 << 20

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
  S: 'sparse',
}

type Phase = 'header' | 'data' | 'meta' | 'sparse-map' | 'padding' | 'done'

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
  /** The records of a pending local pax header (`x`), and of every global one (`g`) so far. */
  #local: Map<string, string> | undefined
  readonly #global = new Map<string, string>()
  #longName: string | undefined
  #longLink: string | undefined
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
    while (off < chunk.length && this.#phase !== 'done') {
      if (this.#phase === 'header' || this.#phase === 'sparse-map') off = this.#block(chunk, off)
      else off = this.#body(chunk, off)
    }
  }

  /** Call at the end of input: throws when the archive stopped in the middle. */
  finish(): void {
    if (this.#phase === 'done') return
    // Some writers end with no zero block at all; accept EOF on a header boundary after entries.
    const boundary = this.#phase === 'header' && this.#headerFill === 0 && !this.#pending()
    if (boundary && this.#entries > 0) {
      this.#phase = 'done'
      return
    }
    throw new TarFormatError('the archive ends in the middle of an entry (truncated download?)', 'TRUNCATED')
  }

  /** Gathers one 512-byte block (a header, or an old GNU sparse map block) from `off`; the new offset. */
  #block(chunk: Buffer, off: number): number {
    const onBlock = (b: Buffer) => (this.#phase === 'header' ? this.#onHeader(b) : this.#onSparseMap(b))
    if (this.#headerFill === 0 && chunk.length - off >= BLOCK) {
      onBlock(chunk.subarray(off, off + BLOCK))
      return off + BLOCK
    }
    const n = Math.min(BLOCK - this.#headerFill, chunk.length - off)
    chunk.copy(this.#header, this.#headerFill, off, off + n)
    this.#headerFill += n
    if (this.#headerFill === BLOCK) {
      this.#headerFill = 0
      onBlock(this.#header)
    }
    return off + n
  }

  /** Data, meta or padding bytes from `off`; the new offset. */
  #body(chunk: Buffer, off: number): number {
    if (this.#phase === 'padding') {
      const n = Math.min(this.#padding, chunk.length - off)
      this.#padding -= n
      if (this.#padding === 0) this.#phase = 'header'
      return off + n
    }
    const n = Math.min(this.#remaining, chunk.length - off)
    const part = chunk.subarray(off, off + n)
    this.#remaining -= n
    if (this.#phase === 'data') this.#h.data(part)
    else this.#meta.push(Buffer.from(part))
    if (this.#remaining === 0) {
      if (this.#phase === 'data') this.#h.end()
      else this.#onMeta(Buffer.concat(this.#meta))
      this.#meta = []
      this.#phase = this.#padding ? 'padding' : 'header'
    }
    return off + n
  }

  /** Whether a pax header or GNU long name waits for its entry. */
  #pending(): boolean {
    return this.#local !== undefined || this.#longName !== undefined || this.#longLink !== undefined
  }

  #onHeader(block: Buffer): void {
    if (isZero(block)) {
      if (this.#pending()) throw malformed('a pax header or GNU long name with no entry after it')
      // The end-of-archive marker is two zero blocks, but GNU tar and Python's tarfile both stop at
      // the first one (GNU tar warns of "a lone zero block"): whatever follows is not read.
      this.#phase = 'done'
      return
    }
    verifyChecksum(block)
    checkNumbers(block)
    const flag = String.fromCharCode(block[156]!)
    const size = readNumber(block, 124, 12, 'size')
    // `X`: the local pax header of old Solaris tar, read as `x` by GNU tar and Python's tarfile.
    if (flag === 'x' || flag === 'X' || flag === 'g' || flag === 'L' || flag === 'K')
      this.#startMeta(flag === 'X' ? 'x' : flag, size)
    else this.#startEntry(block, flag, size)
  }

  /** A header whose data describes the next entry (pax, GNU long name or link) or all of them (`g`). */
  #startMeta(flag: string, size: number): void {
    if (size > MAX_META) {
      const what = flag === 'x' ? 'pax header' : flag === 'g' ? 'global pax header' : `GNU ${flag} header`
      throw malformed(`a ${what} of ${size} bytes (more than the 1 MiB this reader takes)`)
    }
    const twice =
      (flag === 'x' && this.#local) ||
      (flag === 'L' && this.#longName !== undefined) ||
      (flag === 'K' && this.#longLink !== undefined)
    // GNU tar keeps the last of them, Python's tarfile the first: neither reading can be trusted.
    if (twice) throw malformed(`two ${flag === 'x' ? 'pax headers' : `GNU ${flag} headers`} for one entry`)
    this.#metaKind = flag
    this.#remaining = size
    this.#padding = pad(size)
    this.#phase = size ? 'meta' : this.#padding ? 'padding' : 'header'
    if (!size) this.#onMeta(Buffer.alloc(0))
  }

  #startEntry(block: Buffer, flag: string, headerSize: number): void {
    const m = this.#member(block, headerSize)
    let type = m.sparse ? 'sparse' : (TYPES[flag] ?? 'other')
    // Old tar: a regular file whose name ends in `/` is a directory.
    if (type === 'file' && flag !== '7' && m.name.endsWith('/')) type = 'directory'
    // GNU tar and Python's tarfile both skip no data after a hard link or a `5` folder, whatever its size;
    // after a symlink, a device, a fifo or an old-style folder (a file name ending in `/`) one of them does.
    const unread = type === 'hardlink' || (type === 'directory' && flag === '5')
    if (m.size > 0 && !unread && type !== 'file' && type !== 'sparse' && type !== 'other')
      throw malformed(`a ${type} entry with a size of ${m.size} bytes (tar readers disagree on what follows it)`)
    const dataSize = unread ? 0 : m.size
    const entry: TarEntry = {
      name: m.name.replace(/\/+$/, ''),
      type,
      flag,
      mode: readNumber(block, 100, 8, 'mode') & 0o7777,
      size: type === 'file' ? m.size : 0,
      linkname: m.linkname,
    }
    this.#entries++
    this.#h.entry(entry)
    this.#remaining = dataSize
    this.#padding = pad(dataSize)
    // An old GNU sparse header may be followed by more blocks of its map, before the data.
    if (flag === 'S' && block[482] !== 0) this.#phase = 'sparse-map'
    else this.#afterHeader()
  }

  #afterHeader(): void {
    if (this.#remaining > 0) this.#phase = 'data'
    else {
      this.#h.end()
      this.#phase = this.#padding ? 'padding' : 'header'
    }
  }

  /** One extension block of an old GNU sparse map: byte 504 says whether another follows. */
  #onSparseMap(block: Buffer): void {
    if (block[504] === 0) this.#afterHeader()
  }

  /** The entry's name, link name and size: the header's, unless a pax or GNU header before it said otherwise. */
  #member(block: Buffer, headerSize: number): { name: string; linkname: string; size: number; sparse: boolean } {
    let name = cString(block, 0, 100)
    // The prefix field is POSIX ustar's only (magic "ustar\0"); GNU headers keep other things there.
    if (block.toString('latin1', 257, 263) === 'ustar\0') {
      const prefix = cString(block, 345, 155)
      if (prefix) name = `${prefix}/${name}`
    }
    let linkname = cString(block, 157, 100)
    if (this.#longName !== undefined) name = this.#longName
    if (this.#longLink !== undefined) linkname = this.#longLink
    const local = this.#local
    const pax = (key: string) => local?.get(key) ?? this.#global.get(key)
    const sparse = [...(local?.keys() ?? []), ...this.#global.keys()].some((k) => k.startsWith('GNU.sparse.'))
    name = (sparse ? pax('GNU.sparse.name') : undefined) ?? pax('path') ?? name
    linkname = pax('linkpath') ?? linkname
    const paxSize = pax('size')
    const size = paxSize === undefined ? headerSize : sizeOf(paxSize)
    this.#longName = undefined
    this.#longLink = undefined
    this.#local = undefined
    return { name, linkname, size, sparse }
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
        this.#local = parsePax(buf)
        break
      case 'g':
        // Global records apply to every entry after them (git archive puts the commit in one, as a comment).
        for (const [key, value] of parsePax(buf)) this.#global.set(key, value)
        if ([...this.#global].reduce((n, [k, v]) => n + k.length + v.length, 0) > MAX_META)
          throw malformed('global pax headers of more than 1 MiB')
        break
    }
  }
}

function sizeOf(value: string): number {
  if (!/^\d+$/.test(value)) throw malformed('a pax size that is not a number')
  const size = Number(value)
  if (!Number.isSafeInteger(size)) throw malformed(`a pax size of ${value.slice(0, 30)} bytes, beyond 2^53`)
  return size
}

function pad(size: number): number {
  const r = size % BLOCK
  return r ? BLOCK - r : 0
}

function isZero(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i += 4) if (block.readUInt32LE(i) !== 0) return false
  return true
}

/** The bytes up to the first NUL, one char per byte. */
function cString(buf: Buffer, off: number, len: number): string {
  const nul = buf.indexOf(0, off)
  const end = nul < 0 || nul > off + len ? off + len : nul
  return buf.toString('latin1', off, end)
}

const NUMBER_FIELDS: [number, number, string][] = [
  [100, 8, 'mode'],
  [108, 8, 'uid'],
  [116, 8, 'gid'],
  [124, 12, 'size'],
  [136, 12, 'mtime'],
]

/**
 * Every numeric field of the header must read (GNU tar refuses blanks and
 * out-of-range values too); the device numbers, which many writers leave
 * blank, must at least not be negative base-256.
 */
function checkNumbers(block: Buffer): void {
  for (const [off, len, what] of NUMBER_FIELDS) readNumber(block, off, len, what)
  if (block[329] === 0xff || block[337] === 0xff) throw malformed('a negative base-256 device number')
}

/**
 * Octal (leading spaces, then digits, ended by a NUL, a space or the field's
 * end; all NULs read as 0, all blanks are refused, as by GNU tar), or
 * base-256 when the first byte is 0x80 (0xff, negative, is refused).
 */
function readNumber(buf: Buffer, off: number, len: number, what: string): number {
  const first = buf[off]!
  if (first & 0x80) {
    if (first !== 0x80) throw malformed(`a ${first === 0xff ? 'negative' : 'malformed'} base-256 ${what} field`)
    let n = 0
    for (let i = 1; i < len; i++) n = n * 256 + buf[off + i]!
    if (!Number.isSafeInteger(n)) throw malformed(`a base-256 ${what} field beyond 2^53`)
    return n
  }
  const end = off + len
  let i = off
  while (i < end && buf[i] === 0x20) i++
  if (i === end) throw malformed(`a ${what} field of blanks only`)
  let n = 0
  for (; i < end && buf[i]! >= 0x30 && buf[i]! <= 0x37; i++) n = n * 8 + (buf[i]! - 0x30)
  if (i < end && buf[i] !== 0 && buf[i] !== 0x20)
    throw malformed(`a header with a malformed ${what} field (not a tar archive?)`)
  return n
}

/** The stored checksum must be the sum of the header's bytes, taken unsigned or signed (both are written). */
function verifyChecksum(block: Buffer): void {
  const stored = readNumber(block, 148, 8, 'checksum')
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!
    unsigned += b
    signed += b > 127 ? b - 256 : b
  }
  if (stored !== unsigned && stored !== signed)
    throw malformed('a header with a bad checksum (corrupt archive, or not a tar archive)')
}

/**
 * pax records: `LEN KEY=VALUE\n`, LEN in plain decimal counting the whole
 * record in bytes; keys and values as byte strings. NUL bytes after the last
 * record end the header (GNU tar stops there too); anything else that is not
 * a whole record is refused.
 */
export function parsePax(buf: Buffer): Map<string, string> {
  const out = new Map<string, string>()
  let off = 0
  while (off < buf.length && buf[off] !== 0) {
    const space = buf.indexOf(0x20, off)
    const digits = space < 0 ? '' : buf.toString('latin1', off, space)
    const len = Number(digits)
    if (!/^\d{1,9}$/.test(digits) || off + len > buf.length || len <= digits.length + 1)
      throw malformed('a pax header with a malformed record length')
    if (buf[off + len - 1] !== 0x0a) throw malformed('a pax record that does not end where its length says')
    const eq = buf.indexOf(0x3d, space + 1)
    if (eq <= space + 1 || eq >= off + len - 1) throw malformed('a pax record without a key')
    // GNU tar stops reading a key at a NUL, Python's tarfile does not: refused, as GNU tar does.
    if (buf.subarray(space + 1, eq).includes(0)) throw malformed('a pax record with a NUL in its key')
    out.set(buf.toString('latin1', space + 1, eq), buf.toString('latin1', eq + 1, off + len - 1))
    off += len
  }
  for (; off < buf.length; off++) if (buf[off] !== 0) throw malformed('a pax header with bytes after a NUL')
  return out
}
