import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { tarChunks, type WriterEntry } from '../../../emulator/tar-writer.ts'
import { TarParser, type TarEntry } from '../../../src/archives/tar-reader.ts'

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
    expect(() => parse(Buffer.alloc(512, 'x'))).toThrow(/malformed number|bad checksum/)
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
