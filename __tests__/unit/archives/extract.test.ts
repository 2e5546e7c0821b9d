import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { tarGz, type WriterEntry } from '../../../emulator/tar-writer.ts'
import { UnsafeArchiveError } from '../../../src/archives/entry-policy.ts'
import { extractTarGz } from '../../../src/archives/extract.ts'

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
