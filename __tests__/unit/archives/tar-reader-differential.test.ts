/**
 * The tar reader against a second implementation: node-tar's `Parser`.
 * Archives are made at test time by GNU tar (gnu, posix/pax and ustar
 * formats) and by node-tar, from one tree holding what real repositories
 * hold: long names, long link targets, unicode names, symlinks, hard links,
 * executable files; plus base-256 numbers that GNU tar writes for large ids,
 * and a base-256 size written into a header by hand. Both readers must see
 * the same entries with the same bytes.
 */
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import * as nodeTar from 'tar'
import { TarParser, type EntryType } from '../../../src/archives/tar-reader.ts'

interface Seen {
  name: string
  type: EntryType
  size: number
  mode: number
  linkname: string
  sha256: string
}

const sha = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex')

function readOurs(bytes: Buffer): Seen[] {
  const seen: Seen[] = []
  let chunks: Buffer[] = []
  const parser = new TarParser({
    entry: (e) => {
      chunks = []
      // Names come as bytes (one char per byte); node-tar decodes them as UTF-8.
      const text = (b: string) => Buffer.from(b, 'latin1').toString('utf8')
      seen.push({
        name: text(e.name),
        type: e.type,
        size: e.size,
        mode: e.mode,
        linkname: text(e.linkname),
        sha256: '',
      })
    },
    data: (c) => chunks.push(Buffer.from(c)),
    end: () => {
      seen[seen.length - 1]!.sha256 = sha(Buffer.concat(chunks))
    },
  })
  // Odd chunk sizes, so that headers and data straddle the chunks.
  for (let off = 0; off < bytes.length; off += 777) parser.push(bytes.subarray(off, off + 777))
  parser.finish()
  return seen
}

const NODE_TAR_TYPES: Record<string, EntryType> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'directory',
  SymbolicLink: 'symlink',
  Link: 'hardlink',
}

async function readNodeTar(bytes: Buffer): Promise<Seen[]> {
  const seen: Seen[] = []
  const parser = new nodeTar.Parser({ strict: true })
  const done = new Promise<void>((resolve, reject) => {
    parser.on('end', () => resolve())
    parser.on('error', reject)
    parser.on('warn', (_code: string, message: string) => reject(new Error(`node-tar: ${message}`)))
  })
  parser.on('entry', (entry: nodeTar.ReadEntry) => {
    const chunks: Buffer[] = []
    const item: Seen = {
      name: entry.path.replace(/\/+$/, ''),
      type: NODE_TAR_TYPES[entry.type] ?? 'other',
      size: entry.size ?? 0,
      mode: (entry.mode ?? 0) & 0o7777,
      linkname: entry.linkpath ?? '',
      sha256: '',
    }
    seen.push(item)
    entry.on('data', (c: Buffer) => chunks.push(c))
    entry.on('end', () => {
      item.sha256 = sha(Buffer.concat(chunks))
    })
  })
  parser.end(bytes)
  await done
  return seen
}

let dir: string
const LONG_DIR = `top/${'a-rather-long-folder-name/'.repeat(5)}`
const LONG_FILE = `${LONG_DIR}${'f'.repeat(90)}.txt`
const LONG_TARGET = `${'../'.repeat(4)}${'t'.repeat(120)}`

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-differential-'))
  const src = (p: string) => path.join(dir, 'src', p)
  fs.mkdirSync(src(LONG_DIR), { recursive: true })
  fs.mkdirSync(src('top/日本語/ünïcödé'), { recursive: true })
  fs.writeFileSync(src('top/README.md'), '# hello\n')
  fs.writeFileSync(src('top/run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 })
  fs.chmodSync(src('top/run.sh'), 0o755)
  fs.writeFileSync(src(LONG_FILE), crypto.randomBytes(70_000))
  fs.writeFileSync(src('top/日本語/ünïcödé/файл.txt'), 'unicode\n')
  fs.writeFileSync(src('top/empty'), '')
  fs.symlinkSync('README.md', src('top/short-link'))
  fs.symlinkSync(LONG_TARGET, src('top/long-link'))
  fs.linkSync(src('top/README.md'), src('top/hard-link'))
})

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

/** GNU tar, members sorted by name so that runs are repeatable. */
function gnuTar(format: string, ...extra: string[]): Buffer {
  return execFileSync(
    'tar',
    [`--format=${format}`, '--sort=name', ...extra, '-cf', '-', '-C', path.join(dir, 'src'), 'top'],
    {
      maxBuffer: 64 << 20,
    },
  )
}

async function nodeTarArchive(): Promise<Buffer> {
  const file = path.join(dir, 'node-tar.tar')
  await nodeTar.create({ file, cwd: path.join(dir, 'src'), portable: true }, ['top'])
  return fs.readFileSync(file)
}

/** Rewrites the size field of the header at `offset` in base-256, as tar does for sizes of 8 GiB and more. */
function withBase256Size(bytes: Buffer, offset: number): Buffer {
  const out = Buffer.from(bytes)
  const header = out.subarray(offset, offset + 512)
  const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/, '').trim(), 8)
  header.fill(0, 124, 136)
  header[124] = 0x80
  header.writeUInt32BE(size, 132)
  header.fill(0x20, 148, 156)
  let sum = 0
  for (const b of header) sum += b
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
  return out
}

function expectSame(ours: Seen[], theirs: Seen[]): void {
  expect(ours.length).toBeGreaterThan(5)
  expect(ours).toEqual(theirs)
}

describe('tar reader agrees with node-tar', () => {
  test.each([
    ['GNU tar, gnu format (L/K long names)', 'gnu'],
    ['GNU tar, posix format (pax headers)', 'posix'],
    ['GNU tar, ustar format (prefix field)', 'ustar'],
  ])('%s', async (_label, format) => {
    // ustar cannot hold the long link target: leave it out there.
    const bytes = format === 'ustar' ? gnuTar(format, '--exclude=long-link') : gnuTar(format)
    const ours = readOurs(bytes)
    expectSame(ours, await readNodeTar(bytes))
    expect(ours.find((e) => e.name === LONG_FILE)?.size).toBe(70_000)
    expect(ours.find((e) => e.name === 'top/日本語/ünïcödé/файл.txt')?.type).toBe('file')
    expect(ours.find((e) => e.name === 'top/hard-link')?.type).toBe('hardlink')
    expect(ours.find((e) => e.name === 'top/run.sh')?.mode).toBe(0o755)
    if (format !== 'ustar') expect(ours.find((e) => e.name === 'top/long-link')?.linkname).toBe(LONG_TARGET)
  })

  test('node-tar archives (portable, pax long names)', async () => {
    const bytes = await nodeTarArchive()
    const ours = readOurs(bytes)
    expectSame(ours, await readNodeTar(bytes))
    expect(ours.find((e) => e.name === 'top/long-link')?.linkname).toBe(LONG_TARGET)
  })

  test('base-256 numbers: large owner and group ids written by GNU tar', async () => {
    const bytes = gnuTar('gnu', '--owner=:3000000000', '--group=:3000000001')
    // GNU tar marks a base-256 field with the high bit of its first byte.
    expect(bytes[108]! & 0x80).toBe(0x80)
    expectSame(readOurs(bytes), await readNodeTar(bytes))
  })

  test('a base-256 size field', async () => {
    const plain = gnuTar('ustar', '--exclude=long-link')
    // The first member with data: find its header by walking the archive.
    let offset = 0
    for (;;) {
      const size = parseInt(
        plain
          .subarray(offset + 124, offset + 136)
          .toString('latin1')
          .trim() || '0',
        8,
      )
      if (size > 0) break
      offset += 512 + Math.ceil(size / 512) * 512
    }
    const bytes = withBase256Size(plain, offset)
    expect(bytes[offset + 124]).toBe(0x80)
    const ours = readOurs(bytes)
    expectSame(ours, await readNodeTar(bytes))
    expect(ours).toEqual(readOurs(plain))
  })
})
