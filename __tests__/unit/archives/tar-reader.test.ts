import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { tarChunks, type WriterEntry } from '../../../emulator/tar-writer.ts'
import { TarFormatError, TarParser, type TarEntry } from '../../../src/archives/tar-reader.ts'

interface Parsed {
  entry: TarEntry
  data: Buffer
}

function parse(bytes: Buffer, split: (b: Buffer) => Buffer[] = (b) => [b]): { entries: Parsed[]; parser: TarParser } {
  const entries: Parsed[] = []
  let chunks: Buffer[] = []
  const parser = new TarParser({
    entry: (entry) => {
      chunks = []
      entries.push({ entry, data: Buffer.alloc(0) })
    },
    data: (c) => chunks.push(Buffer.from(c)),
    end: () => {
      entries[entries.length - 1]!.data = Buffer.concat(chunks)
    },
  })
  for (const c of split(bytes)) parser.push(c)
  parser.finish()
  return { entries, parser }
}

const long = `top/${'deep-folder/'.repeat(12)}${'x'.repeat(120)}.txt`
const sample: WriterEntry[] = [
  { name: 'top/', type: 'directory' },
  { name: 'top/a.txt', type: 'file', data: 'hello\n' },
  { name: 'top/run.sh', type: 'file', data: '#!/bin/sh\n', mode: 0o755 },
  { name: long, type: 'file', data: Buffer.alloc(1500, 7) },
  { name: 'top/link', type: 'symlink', linkname: `${'../'.repeat(3)}${'y'.repeat(110)}` },
  { name: 'top/empty', type: 'file', data: '' },
]
const bytes = Buffer.concat([...tarChunks(sample, { comment: 'abc' })])

describe('TarParser', () => {
  test('reads ustar with pax long names and link targets; skips the global header', () => {
    const { entries, parser } = parse(bytes)
    expect(parser.done).toBe(true)
    expect(entries.map((e) => [e.entry.name, e.entry.type, e.entry.mode.toString(8), e.data.length])).toEqual([
      ['top', 'directory', '775', 0],
      ['top/a.txt', 'file', '664', 6],
      ['top/run.sh', 'file', '755', 10],
      [long, 'file', '664', 1500],
      ['top/link', 'symlink', '777', 0],
      ['top/empty', 'file', '664', 0],
    ])
    expect(entries[4]!.entry.linkname).toBe(`${'../'.repeat(3)}${'y'.repeat(110)}`)
    expect(entries[3]!.data.equals(Buffer.alloc(1500, 7))).toBe(true)
  })

  test('gives the same result whatever the chunking (every split point, and byte by byte)', () => {
    const whole = JSON.stringify(parse(bytes).entries)
    for (let i = 1; i < bytes.length; i += 97) {
      expect(JSON.stringify(parse(bytes, (b) => [b.subarray(0, i), b.subarray(i)]).entries)).toBe(whole)
    }
    expect(JSON.stringify(parse(bytes, (b) => [...b].map((x) => Buffer.from([x]))).entries)).toBe(whole)
  })

  test('reads GNU tar archives (long names as L/K entries)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gnutar-'))
    try {
      const name = 'n'.repeat(150)
      fs.mkdirSync(path.join(dir, 'top'))
      fs.writeFileSync(path.join(dir, 'top', name), 'gnu')
      fs.symlinkSync('t'.repeat(140), path.join(dir, 'top', 'l'))
      const tar = execFileSync('tar', ['--format=gnu', '-cf', '-', '-C', dir, 'top'])
      const { entries } = parse(tar)
      expect(entries.find((e) => e.entry.name === `top/${name}`)?.data.toString()).toBe('gnu')
      expect(entries.find((e) => e.entry.name === 'top/l')?.entry.linkname).toBe('t'.repeat(140))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('an archive cut short is reported as truncated', () => {
    expect(() => parse(bytes.subarray(0, 2048 + 100))).toThrow(expect.objectContaining({ code: 'TRUNCATED' }))
  })

  test('a corrupt header is refused', () => {
    const bad = Buffer.from(bytes)
    bad[512 * 3 + 10] ^= 0xff
    expect(() => parse(bad)).toThrow(/bad checksum/)
    expect(() => parse(Buffer.alloc(512, 'x'))).toThrow(/malformed checksum field|bad checksum/)
  })
})

/** A raw tar header (ustar magic unless told), checksum filled in; `edit` may change any byte first. */
function header(
  name: string,
  flag: string,
  size: number,
  o: { link?: string; magic?: string; prefix?: string; edit?: (b: Buffer) => void; signed?: boolean } = {},
): Buffer {
  const b = Buffer.alloc(512)
  b.write(name, 0, 'latin1')
  b.write('0000644\0', 100, 'latin1')
  b.write('0000000\0', 108, 'latin1')
  b.write('0000000\0', 116, 'latin1')
  b.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1')
  b.write('14544465000\0', 136, 'latin1')
  b.write(flag, 156, 'latin1')
  b.write(o.link ?? '', 157, 'latin1')
  b.write(o.magic ?? 'ustar\x0000', 257, 'latin1')
  b.write(o.prefix ?? '', 345, 'latin1')
  o.edit?.(b)
  b.fill(0x20, 148, 156)
  let sum = 0
  for (const x of b) sum += o.signed && x > 127 ? x - 256 : x
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1')
  return b
}

const padded = (data: Buffer | string) => {
  const b = Buffer.from(data as string, 'latin1')
  return Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)])
}
const file = (name: string, data = 'x') => Buffer.concat([header(name, '0', data.length), padded(data)])
/** A pax header (`x` unless told) holding these records, as written (lengths not checked). */
const pax = (records: string[], flag = 'x') => {
  const body = records.join('')
  return Buffer.concat([header('PaxHeader', flag, Buffer.byteLength(body, 'latin1')), padded(body)])
}
const record = (key: string, value: string) => {
  const body = ` ${key}=${value}\n`
  let len = body.length + 1
  while (String(len).length + body.length !== len) len = String(len).length + body.length
  return `${len}${body}`
}
const archive = (...parts: Buffer[]) => Buffer.concat([...parts, Buffer.alloc(1024)])
const names = (bytes: Buffer) => parse(bytes).entries.map((e) => e.entry.name)

describe('TarParser: as strict as GNU tar, and where GNU tar and Python tarfile disagree, stricter', () => {
  test('names are kept byte for byte (not decoded as UTF-8)', () => {
    expect(names(archive(file('caf\xe9'), file('caf\xc3\xa9')))).toEqual(['caf\xe9', 'caf\xc3\xa9'])
  })

  test('the ustar prefix is used with the full POSIX magic only', () => {
    expect(names(archive(header('name', '0', 0, { prefix: 'pre' })))).toEqual(['pre/name'])
    expect(names(archive(header('name', '0', 0, { prefix: 'pre', magic: 'ustar  \0' })))).toEqual(['name'])
    expect(names(archive(header('name', '0', 0, { prefix: 'pre', magic: 'ustarX00' })))).toEqual(['name'])
  })

  test('two pax headers, or two GNU long names, for one entry are refused (the references disagree)', () => {
    expect(() => parse(archive(pax([record('path', 'a')]), pax([record('path', 'b')]), file('c')))).toThrow(
      /two pax headers for one entry/,
    )
    const long = (flag: string, value: string) =>
      Buffer.concat([header('././@LongLink', flag, value.length), padded(value)])
    expect(() => parse(archive(long('L', 'a'), long('L', 'b'), file('c')))).toThrow(/two GNU L headers/)
    expect(names(archive(long('L', 'long-name'), long('K', 'long-link'), file('c')))).toEqual(['long-name'])
  })

  test('global pax headers apply to every entry after them; local ones win', () => {
    expect(names(archive(pax([record('path', 'g')], 'g'), file('a'), pax([record('path', 'l')]), file('b')))).toEqual([
      'g',
      'l',
    ])
    expect(names(archive(pax([record('comment', 'abc')], 'g'), file('a')))).toEqual(['a'])
  })

  test('Solaris `X` headers are local pax headers', () => {
    expect(names(archive(pax([record('path', 'from-X')], 'X'), file('a')))).toEqual(['from-X'])
  })

  test.each([
    ['0x10 path=abcd\n', /malformed record length/],
    ['+13 path=abcd\n', /malformed record length/],
    ['1e1 path=a\n', /malformed record length/],
    ['12 path=abcd\n', /does not end where its length says/],
    ['13 path=abcdX', /does not end where its length says/],
    ['12 pathabcd\n', /without a key/],
    ['15 path\0x=abcd\n', /a NUL in its key/],
    [record('path', 'a') + 'junk', /malformed record length/],
  ])('a pax record %j is refused', (rec, message) => {
    expect(() => parse(archive(pax([rec]), file('orig')))).toThrow(message)
  })

  test('pax lengths with leading zeros, and NUL bytes after the last record, are read as GNU tar does', () => {
    expect(names(archive(pax(['014 path=abcd\n']), file('orig')))).toEqual(['abcd'])
    expect(names(archive(pax([record('path', 'abcd'), '\0\0\0']), file('orig')))).toEqual(['abcd'])
  })

  test('a pax path holding NUL is kept as it is (the policy refuses it by name)', () => {
    expect(names(archive(pax([record('path', 'a\0b')]), file('orig')))).toEqual(['a\0b'])
  })

  test('a pax size beyond 2^53 is malformed, not a truncated download (which would be retried)', () => {
    const err = (() => {
      try {
        parse(archive(pax([record('size', '99999999999999999999')]), file('orig')))
      } catch (e) {
        return e as TarFormatError
      }
    })()
    expect(err).toBeInstanceOf(TarFormatError)
    expect(err!.message).toMatch(/a pax size of 99999999999999999999 bytes, beyond 2\^53/)
    expect(err!.code).toBe('TAR_FORMAT')
  })

  test('checksums summed as signed bytes are accepted too (as GNU tar does)', () => {
    expect(names(archive(header('\xe9t\xe9', '0', 0, { signed: true })))).toEqual(['\xe9t\xe9'])
  })

  test.each([
    ['size', 124, 12],
    ['mode', 100, 8],
    ['uid', 108, 8],
  ])('a %s field of blanks is refused; of NULs, it reads 0', (what, off, len) => {
    const blank = header('a', '0', 0, { edit: (b) => b.fill(0x20, off, off + len) })
    expect(() => parse(archive(blank))).toThrow(new RegExp(`a ${what} field of blanks only`))
    const nul = header('a', '0', 0, { edit: (b) => b.fill(0, off, off + len) })
    expect(parse(archive(nul)).entries).toHaveLength(1)
  })

  test.each([
    ['size', 124, 12],
    ['uid', 108, 8],
    ['mtime', 136, 12],
    ['device number', 329, 8],
  ])('a negative base-256 %s is refused', (what, off, len) => {
    const neg = header('a', '0', 0, { edit: (b) => b.fill(0xff, off, off + len) })
    expect(() => parse(archive(neg))).toThrow(new RegExp(`a negative base-256 ${what}`))
  })

  test('a symlink or a fifo with a size is refused (GNU tar skips data after it, Python tarfile does not)', () => {
    expect(() => parse(archive(header('l', '2', 1, { link: 't' }), file('b')))).toThrow(/a symlink entry with a size/)
    expect(() => parse(archive(header('p', '6', 1), file('b')))).toThrow(/a fifo entry with a size/)
    // A `5` folder's or a hard link's size is ignored by both.
    expect(names(archive(header('d/', '5', 1), file('b')))).toEqual(['d', 'b'])
  })

  test('a lone zero block ends the archive, as for GNU tar and Python tarfile', () => {
    expect(names(Buffer.concat([file('a'), Buffer.alloc(512), file('b'), Buffer.alloc(1024)]))).toEqual(['a'])
  })

  test('a pax header with no entry after it is malformed', () => {
    expect(() => parse(archive(pax([record('path', 'a')])))).toThrow(/a pax header or GNU long name with no entry/)
  })
})

describe('TarParser: sparse files are reported by name, and the reader stays in step', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparse-'))
    // Ten data regions separated by holes: more than an old GNU header holds, so extension blocks follow.
    const fd = fs.openSync(path.join(dir, 'sparse.bin'), 'w')
    for (let i = 0; i < 10; i++) fs.writeSync(fd, Buffer.alloc(100, i + 1), 0, 100, i * 1_000_000)
    fs.closeSync(fd)
    fs.writeFileSync(path.join(dir, 'z-after'), 'after')
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  test.each([
    ['old GNU (S with extension blocks)', ['--format=gnu']],
    ['pax 0.0', ['--format=posix', '--sparse-version=0.0']],
    ['pax 0.1', ['--format=posix', '--sparse-version=0.1']],
    ['pax 1.0', ['--format=posix', '--sparse-version=1.0']],
  ])('%s', (_label, flags) => {
    const tar = execFileSync('tar', [...flags, '--sparse', '-cf', '-', '-C', dir, 'sparse.bin', 'z-after'])
    const { entries } = parse(tar)
    expect(entries.map((e) => [e.entry.name, e.entry.type])).toEqual([
      ['sparse.bin', 'sparse'],
      ['z-after', 'file'],
    ])
    expect(entries[1]!.data.toString()).toBe('after')
  })
})

describe('the emulator writes real tar archives', () => {
  test('GNU tar lists and extracts them (pax long names, modes, links)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emutar-'))
    try {
      const file = path.join(dir, 'a.tar')
      fs.writeFileSync(file, bytes)
      const list = execFileSync('tar', ['-tvf', file]).toString()
      expect(list).toContain(long)
      expect(list).toMatch(/^-rwxr-xr-x .* top\/run\.sh$/m)
      execFileSync('tar', ['-xf', file, '-C', dir])
      expect(fs.readFileSync(path.join(dir, long)).equals(Buffer.alloc(1500, 7))).toBe(true)
      expect(fs.readlinkSync(path.join(dir, 'top/link'))).toBe(`${'../'.repeat(3)}${'y'.repeat(110)}`)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
