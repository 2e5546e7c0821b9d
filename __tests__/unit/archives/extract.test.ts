import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { tarGz, type WriterEntry } from '../../../emulator/tar-writer.ts'
import { Destination, extractTarGz, resolveLink, UnsafeArchiveError } from '../../../src/archives/extract.ts'

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
    ).rejects.toThrow(/EEXIST/)
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

describe('resolveLink', () => {
  const links = (o: Record<string, string>) => new Map(Object.entries(o))
  test.each([
    [{ a: 'b' }, 'a', 'inside'],
    [{ 'x/a': '../b' }, 'x/a', 'inside'],
    [{ a: '..' }, 'a', 'outside'],
    [{ 'x/a': '../../b' }, 'x/a', 'outside'],
    [{ 'd/l': '..', x: 'd/l/..' }, 'x', 'outside'],
    [{ 'd/l': '..', x: 'd/l/d' }, 'x', 'inside'],
    [{ a: 'b', b: 'a' }, 'a', 'loop'],
    [{ a: 'b/../../c' }, 'a', 'outside'],
  ] as const)('%j %s → %s', (map, at, want) => {
    expect(resolveLink(links(map), at)).toBe(want)
  })
})

describe('Destination', () => {
  test('replaces an existing DEST as a whole; abort removes staging and the parents it created', async () => {
    const ws = path.join(root, 'ws')
    fs.mkdirSync(path.join(ws, 'dest'), { recursive: true })
    fs.writeFileSync(path.join(ws, 'dest/old'), 'old')
    const d = await Destination.open(path.join(ws, 'dest'), ws)
    const staging = await d.staging()
    fs.writeFileSync(path.join(staging, 'new'), 'new')
    await d.commit(0o755)
    expect(fs.readdirSync(path.join(ws, 'dest'))).toEqual(['new'])
    expect(fs.readdirSync(ws)).toEqual(['dest'])

    const e = await Destination.open(path.join(ws, 'a/b/c'), ws)
    await e.staging()
    expect(fs.existsSync(path.join(ws, 'a/b'))).toBe(true)
    await e.abort()
    expect(fs.readdirSync(ws)).toEqual(['dest'])
  })
})
