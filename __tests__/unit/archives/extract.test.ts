import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { tarGz, type WriterEntry } from '../../../emulator/tar-writer.ts'
import { UnsafeArchiveError } from '../../../src/archives/entry-policy.ts'
import { extractTarGz, MAX_ENTRIES } from '../../../src/archives/extract.ts'
import { fsRules } from '../../../src/archives/names.ts'
import { listAll } from '../../helpers/archives.ts'

let root: string
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'extract-'))
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

const src = (entries: WriterEntry[]) => Readable.from([tarGz(entries)])

describe('extractTarGz', () => {
  test('strips the top folder, keeps exec bits, creates inside links and hard links', async () => {
    const dir = path.join(root, 'out')
    fs.mkdirSync(dir)
    const stats = await extractTarGz(
      src([
        { name: 'ws-repo-0123456789ab/', type: 'directory', mode: 0o755 },
        { name: 'ws-repo-0123456789ab/bin/tool', type: 'file', data: 'x', mode: 0o755 },
        { name: 'ws-repo-0123456789ab/a/b/c.txt', type: 'file', data: 'c' },
        { name: 'ws-repo-0123456789ab/a/link', type: 'symlink', linkname: 'b/c.txt' },
        { name: 'ws-repo-0123456789ab/a/up', type: 'symlink', linkname: '../bin' },
        { name: 'ws-repo-0123456789ab/hard', type: 'hardlink', linkname: 'ws-repo-0123456789ab/a/b/c.txt' },
        { name: 'ws-repo-0123456789ab/setuid', type: 'file', data: 's', mode: 0o4755 },
      ]),
      dir,
    )
    expect(stats).toMatchObject({ files: 3, links: 3, topMode: 0o755 })
    expect(fs.statSync(path.join(dir, 'bin/tool')).mode & 0o777).toBe(0o755)
    expect(fs.statSync(path.join(dir, 'setuid')).mode & 0o7000).toBe(0)
    expect(fs.readlinkSync(path.join(dir, 'a/link'))).toBe('b/c.txt')
    expect(fs.readFileSync(path.join(dir, 'a/up/tool'), 'utf8')).toBe('x')
    expect(fs.statSync(path.join(dir, 'hard')).ino).toBe(fs.statSync(path.join(dir, 'a/b/c.txt')).ino)
  })

  test('a duplicate file entry is not written through', async () => {
    const dir = path.join(root, 'out')
    fs.mkdirSync(dir)
    await expect(
      extractTarGz(
        src([
          { name: 't/', type: 'directory' },
          { name: 't/f', type: 'file', data: '1' },
          { name: 't/f', type: 'file', data: '2' },
        ]),
        dir,
      ),
    ).rejects.toThrow(/^EEXIST \(open\) at "t\/f"$/) // the entry named, not the staging path
  })

  test('a hard link to a symlink or a folder is refused', async () => {
    const dir = path.join(root, 'out')
    fs.mkdirSync(dir)
    await expect(
      extractTarGz(
        src([
          { name: 't/', type: 'directory' },
          { name: 't/d/', type: 'directory' },
          { name: 't/h', type: 'hardlink', linkname: 't/d' },
        ]),
        dir,
      ),
    ).rejects.toThrow(UnsafeArchiveError)
    fs.rmSync(dir, { recursive: true })
    fs.mkdirSync(dir)
    await expect(
      extractTarGz(
        src([
          { name: 't/', type: 'directory' },
          { name: 't/s', type: 'symlink', linkname: 'x' },
          { name: 't/h', type: 'hardlink', linkname: 't/s' },
        ]),
        dir,
      ),
    ).rejects.toThrow(UnsafeArchiveError)
  })
})

/** Extracts `entries` into a fresh folder; the refusal's message, or the folder's listing. */
async function outcome(entries: WriterEntry[], options = {}): Promise<string> {
  const dir = fs.mkdtempSync(path.join(root, 'out-'))
  const outside = () => listing(root).filter((p) => !p.startsWith(path.basename(dir)))
  const before = outside()
  try {
    await extractTarGz(src(entries), dir, options)
    return `ok: ${listing(dir).join(' ')}`
  } catch (err) {
    expect(outside()).toEqual(before)
    return (err as Error).message
  }
}
/** Every path below `dir` (symlinks not followed: a planted loop must not hang the test). */
const listing = (dir: string): string[] => listAll(dir)
const dir = (name: string): WriterEntry => ({ name, type: 'directory' })
const file = (name: string, data = 'x'): WriterEntry => ({ name, type: 'file', data })
const link = (name: string, linkname: string): WriterEntry => ({ name, type: 'symlink', linkname })

describe('extractTarGz: hostile archives', () => {
  test('a chain that leaves, listed in the order only the final check can refuse', async () => {
    // t/x → d/l/.. comes first and stays inside; t/d/l → .. turns it into a way out.
    expect(await outcome([dir('t/'), dir('t/d/'), link('t/x', 'd/l/..'), link('t/d/l', '..')])).toMatch(
      /unsafe entry "t\/x": a symlink to "d\/l\/\.\.", which leads outside the archive's folder through other symlinks/,
    )
  })

  test('a link target holding a backslash is refused on every OS', async () => {
    expect(await outcome([dir('t/'), link('t/home', '..\\..\\..\\..\\Users\\runneradmin')])).toMatch(
      /unsafe entry "t\/home": a symlink to .*: a target holding "\\"/,
    )
  })

  test('.git components are refused, at any depth and in any case', async () => {
    for (const name of ['t/.git/config', 't/sub/.GIT/hooks/pre-commit', 't/a/b/.Git/x']) {
      expect(await outcome([dir('t/'), file(name)])).toMatch(/a \.git path component/)
    }
  })

  test('entries below a symlink under another case: refused whichever comes first', async () => {
    expect(await outcome([dir('t/'), dir('t/top/'), link('t/top/L', '.'), file('t/top/l/x')])).toMatch(
      /unsafe entry "t\/top\/l\/x": it lies below the symlink "top\/l"/,
    )
    expect(await outcome([dir('t/'), dir('t/top/'), file('t/top/l/x'), link('t/top/L', '.')])).toMatch(
      /unsafe entry "t\/top\/L": entries of the archive lie below this symlink/,
    )
  })

  test('paths and link targets longer than 4,096 bytes are refused at once', async () => {
    const started = Date.now()
    const long = 'a/'.repeat(524_000) // a 1 MiB target (1,048,000 bytes), which the 1 MiB pax cap lets through
    expect(await outcome([dir('t/'), link('t/x', long)])).toMatch(/a symlink whose target is longer than 4,096 bytes/)
    expect(await outcome([dir('t/'), file(`t/${'b/'.repeat(2100)}f`)])).toMatch(/a path longer than 4,096 bytes/)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  test('a name holding NUL, and an over-long name, are refused as unsafe entries with a short message', async () => {
    const nul = await outcome([dir('t/'), file(`t/${'x'.repeat(100)}\0tail`)])
    expect(nul).toMatch(/a name holding a NUL byte/)
    const tooLong = await outcome([dir('t/'), file(`t/${'n'.repeat(300)}`)])
    expect(tooLong).toMatch(/unsafe entry "t\/n{98}…": a name longer than the file system allows/)
    expect(tooLong.length).toBeLessThan(300)
    expect(tooLong).not.toContain(root)
  })

  test('sparse files are refused by name (old GNU and pax formats)', async () => {
    const work = fs.mkdtempSync(path.join(root, 'sparse-'))
    fs.mkdirSync(path.join(work, 't'))
    const fd = fs.openSync(path.join(work, 't/holes.bin'), 'w')
    for (let i = 0; i < 6; i++) fs.writeSync(fd, Buffer.alloc(10, 1), 0, 10, i * 100_000)
    fs.closeSync(fd)
    for (const format of ['gnu', 'posix']) {
      const tar = execFileSync('tar', [`--format=${format}`, '--sparse', '-cf', '-', '-C', work, 't'])
      const out = fs.mkdtempSync(path.join(root, 'x-'))
      await expect(extractTarGz(Readable.from([zlib.gzipSync(tar)]), out)).rejects.toThrow(
        /unsafe entry "t\/holes\.bin": a sparse file/,
      )
    }
  })

  test('Windows rules, applied on Linux: device names, trailing dots, `\\` as a separator', async () => {
    const WINDOWS = { rules: fsRules('win32') }
    expect(await outcome([dir('t/'), file('t/aux.txt')], WINDOWS)).toMatch(/a Windows device name/)
    expect(await outcome([dir('t/'), file('t/dir. /f')], WINDOWS)).toMatch(/ending in a dot or a space/)
    expect(await outcome([dir('t/'), file('t/a\\..\\..\\x')], WINDOWS)).toMatch(/a "\.\." path component/)
    expect(await outcome([dir('t/'), file('t/aux.txt')])).toBe('ok: aux.txt')
  })

  test('too many entries, or too many bytes of names, are refused with a clear message', async () => {
    expect(MAX_ENTRIES).toBe(1_000_000)
    const entries = [dir('t/'), ...Array.from({ length: 20 }, (_, i) => file(`t/d${i % 3}/f${i}`))]
    // 20 files and the 3 folders made for them, then the top folder: 24 counted.
    expect(await outcome(entries, { limits: { entries: 24 } })).toMatch(/^ok/)
    expect(await outcome(entries, { limits: { entries: 23 } })).toBe(
      'it holds more than 23 entries (folders made for them included), more than this action extracts',
    )
    expect(await outcome(entries, { limits: { nameBytes: 100 } })).toBe(
      'its names add up to more than 100 bytes, more than this action extracts',
    )
  })
})

describe('extractTarGz: names as git wrote them', () => {
  test('a name that is not UTF-8 is written byte for byte; two that differ only there are two files', async () => {
    const out = fs.mkdtempSync(path.join(root, 'latin1-'))
    // The tar writer takes names as UTF-8 strings: write the raw bytes with GNU tar instead.
    const work = fs.mkdtempSync(path.join(root, 'src-'))
    fs.mkdirSync(path.join(work, 't'))
    fs.writeFileSync(Buffer.from(`${work}/t/caf\xe9`, 'latin1'), 'latin-1')
    fs.writeFileSync(Buffer.from(`${work}/t/caf\xe8`, 'latin1'), 'other')
    const tar = execFileSync('tar', ['--format=gnu', '-cf', '-', '-C', work, 't'])
    await extractTarGz(Readable.from([zlib.gzipSync(tar)]), out)
    const names = fs.readdirSync(out, { encoding: 'buffer' }).map((b) => b.toString('latin1'))
    expect(names.sort()).toEqual(['caf\xe8', 'caf\xe9'])
    expect(fs.readFileSync(Buffer.from(`${out}/caf\xe9`, 'latin1'), 'utf8')).toBe('latin-1')
  })
})

describe('extractTarGz: entries at the root (no top-level folder)', () => {
  test('are extracted as they are, "./" being the root', async () => {
    expect(await outcome([dir('./'), file('./a.txt'), dir('sub/'), file('sub/b')], { topFolder: false })).toBe(
      'ok: a.txt sub sub/b',
    )
  })
})
