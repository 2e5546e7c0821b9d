/**
 * A deterministic tar writer (ustar, pax headers for long names, a pax global
 * header holding the commit like `git archive`), so the emulator's archives
 * have the same bytes for the same commit, and hostile archives can be made
 * that no well-behaved tar would write.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'

export type WriterEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'char-device' | 'fifo' | 'sparse'

export interface WriterEntry {
  name: string
  type: WriterEntryType
  mode?: number
  data?: Buffer | string
  linkname?: string
  /** More pax records for this entry (hostile archives: a NUL in a path, raw bytes, a huge size). */
  pax?: Record<string, string | Buffer>
  /** Changes the header block before its checksum is computed (hostile archives: malformed numbers). */
  edit?: (header: Buffer) => void
}

const FLAGS: Record<WriterEntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  'char-device': '3',
  directory: '5',
  fifo: '6',
  sparse: 'S', // old GNU sparse: a sparse map no reader should ever get to
}

function octal(value: number, len: number): string {
  return value.toString(8).padStart(len - 1, '0') + '\0'
}

function header(
  name: string,
  flag: string,
  size: number,
  mode: number,
  linkname: string,
  mtime: number,
  edit?: (header: Buffer) => void,
): Buffer {
  const b = Buffer.alloc(512)
  b.write(name, 0, 100, 'utf8')
  b.write(octal(mode, 8), 100, 'latin1')
  b.write(octal(0, 8), 108, 'latin1')
  b.write(octal(0, 8), 116, 'latin1')
  b.write(octal(size, 12), 124, 'latin1')
  b.write(octal(mtime, 12), 136, 'latin1')
  b.write('        ', 148, 'latin1')
  b.write(flag, 156, 'latin1')
  b.write(linkname, 157, 100, 'utf8')
  b.write('ustar\0', 257, 'latin1')
  b.write('00', 263, 'latin1')
  b.write('root', 265, 'latin1')
  b.write('root', 297, 'latin1')
  if (flag === '3') {
    b.write(octal(1, 8), 329, 'latin1')
    b.write(octal(3, 8), 337, 'latin1')
  }
  edit?.(b)
  b.write('        ', 148, 'latin1')
  let sum = 0
  for (let i = 0; i < 512; i++) sum += b[i]!
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1')
  return b
}

function paxRecord(key: string, value: string | Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')])
  let len = body.length + 1
  while (String(len).length + body.length !== len) len = String(len).length + body.length
  return Buffer.concat([Buffer.from(String(len)), body])
}

function padding(size: number): Buffer {
  const r = size % 512
  return Buffer.alloc(r ? 512 - r : 0)
}

function* blocks(
  e: WriterEntry,
  name: string,
  flag: string,
  data: Buffer,
  mode: number,
  linkname: string,
  mtime: number,
): Generator<Buffer> {
  const pax: Buffer[] = []
  if (Buffer.byteLength(name) > 100) pax.push(paxRecord('path', name))
  if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord('linkpath', linkname))
  for (const [key, value] of Object.entries(e.pax ?? {})) pax.push(paxRecord(key, value))
  if (pax.length) {
    const body = Buffer.concat(pax)
    yield header('PaxHeader', 'x', body.length, 0o644, '', mtime)
    yield body
    yield padding(body.length)
  }
  yield header(name.slice(0, 100), flag, data.length, mode, linkname.slice(0, 100), mtime, e.edit)
  if (data.length) {
    yield data
    yield padding(data.length)
  }
}

/** The tar bytes of `entries`, as a stream of chunks. */
export function* tarChunks(
  entries: Iterable<WriterEntry>,
  options: { comment?: string; mtime?: number } = {},
): Generator<Buffer> {
  const mtime = options.mtime ?? 1_700_000_000
  if (options.comment) {
    const body = paxRecord('comment', options.comment)
    yield header('pax_global_header', 'g', body.length, 0o666, '', mtime)
    yield body
    yield padding(body.length)
  }
  for (const e of entries) {
    const data =
      e.type === 'file' || e.type === 'sparse'
        ? Buffer.isBuffer(e.data)
          ? e.data
          : Buffer.from(e.data ?? '')
        : Buffer.alloc(0)
    const name = e.type === 'directory' && !e.name.endsWith('/') ? `${e.name}/` : e.name
    const mode = e.mode ?? (e.type === 'directory' ? 0o775 : e.type === 'symlink' ? 0o777 : 0o664)
    yield* blocks(e, name, FLAGS[e.type], data, mode, e.linkname ?? '', mtime)
  }
  yield Buffer.alloc(1024)
}

/** A gzip-compressed tar in memory (level 6 like `git archive`; no name or time in the gzip header). */
export function tarGz(entries: Iterable<WriterEntry>, options: { comment?: string } = {}): Buffer {
  return zlib.gzipSync(Buffer.concat([...tarChunks(entries, options)]), { level: 6 })
}

/** Writes a large `.tar.gz` to a file without holding it in memory; resolves with its sha256 and size. */
export async function writeTarGzFile(
  file: string,
  entries: Iterable<WriterEntry>,
  options: { comment?: string; level?: number } = {},
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256')
  let bytes = 0
  const gzip = zlib.createGzip({ level: options.level ?? 6 })
  gzip.on('data', (c: Buffer) => {
    hash.update(c)
    bytes += c.length
  })
  await pipeline(Readable.from(tarChunks(entries, options), { objectMode: false }), gzip, fs.createWriteStream(file))
  return { sha256: hash.digest('hex'), bytes }
}
