import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { UnsafeArchiveError } from '../../../src/archives/entry-policy.ts'
import { FileWriter, StagingTree, stagingPath } from '../../../src/archives/writer.ts'

let root: string
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-'))
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

const p = (rel: string) => rel.split('/')

describe('FileWriter', () => {
  test('writes chunk by chunk, with the mode asked (umask applied)', () => {
    const file = path.join(root, 'f')
    const w = new FileWriter(file, 0o755)
    w.data(Buffer.from('ab'))
    w.data(Buffer.from('c'))
    w.close()
    w.close() // twice is harmless
    expect(fs.readFileSync(file, 'utf8')).toBe('abc')
    expect(fs.statSync(file).mode & 0o777).toBe(0o755 & ~process.umask())
  })

  test('never through an existing file or link', () => {
    fs.writeFileSync(path.join(root, 'f'), 'old')
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'l'))
    expect(() => new FileWriter(path.join(root, 'f'), 0o644)).toThrow(/EEXIST/)
    expect(() => new FileWriter(path.join(root, 'l'), 0o644)).toThrow(/EEXIST/)
    expect(fs.existsSync(path.join(root, 'nowhere'))).toBe(false)
  })
})

describe('StagingTree', () => {
  test('files, folders and links by their path below the root; folders made on demand', async () => {
    const made: number[] = []
    const t = new StagingTree(root, (bytes) => made.push(bytes))
    const w = t.openFile(p('a/b/c.txt'), 0o4755, 'top/a/b/c.txt')
    w.data(Buffer.from('c'))
    w.close()
    expect(made).toEqual([1, 3]) // "a", "a/b": each folder made is counted, with its path's length
    expect(fs.statSync(path.join(root, 'a/b/c.txt')).mode & 0o7000).toBe(0) // setuid dropped
    t.mkdir(p('d'), 0o500, 'top/d')
    expect(fs.statSync(path.join(root, 'd')).mode & 0o700).toBe(0o700) // always writable by the owner
    t.hardLink(p('a/b/c.txt'), p('e/hard'), 'top/e/hard')
    expect(fs.statSync(path.join(root, 'e/hard')).ino).toBe(fs.statSync(path.join(root, 'a/b/c.txt')).ino)
    await t.symlink(p('f/link'), '../a', 'top/f/link')
    expect(fs.readlinkSync(path.join(root, 'f/link'))).toBe('../a')
    expect(t.exists('f/link')).toBe(true)
    expect(t.isFile('f/link')).toBe(false)
    expect(t.isFile('a/b/c.txt')).toBe(true)
    expect(t.exists('missing')).toBe(false)
    expect([...t.list([])].map((e) => [e.name, e.isDirectory]).sort()).toEqual([
      ['a', true],
      ['d', true],
      ['e', true],
      ['f', true],
    ])
  })

  test('names that are not UTF-8 are written byte for byte, and listed as they are', () => {
    const t = new StagingTree(root)
    t.openFile(['caf\xe9'], 0o644, 'top/caf\xe9').close()
    t.openFile(['caf\xc3\xa9'], 0o644, 'top/caf\xc3\xa9').close()
    const raw = fs.readdirSync(root, { encoding: 'buffer' }).map((b) => b.toString('hex'))
    expect(raw.sort()).toEqual(['636166c3a9', '636166e9'])
    expect([...t.list([])].map((e) => e.name).sort()).toEqual(['caf\xc3\xa9', 'caf\xe9'])
  })

  test('a folder on the way that is a symlink on disk is refused, whatever made it one', () => {
    fs.mkdirSync(path.join(root, 'elsewhere'))
    fs.symlinkSync(path.join(root, 'elsewhere'), path.join(root, 'sub'))
    const t = new StagingTree(root)
    expect(() => t.openFile(p('sub/x'), 0o644, 'top/sub/x')).toThrow(UnsafeArchiveError)
    expect(() => t.openFile(p('sub/x'), 0o644, 'top/sub/x')).toThrow(
      /"top\/sub\/x": its folder "sub" is a symlink on disk/,
    )
    expect(fs.readdirSync(path.join(root, 'elsewhere'))).toEqual([])
  })

  test('a file where a folder is needed is a conflict, not a write through it', () => {
    fs.writeFileSync(path.join(root, 'f'), 'x')
    const t = new StagingTree(root)
    expect(() => t.openFile(p('f/x'), 0o644, 'top/f/x')).toThrow(expect.objectContaining({ code: 'EEXIST' }))
  })
})

describe('stagingPath', () => {
  test('POSIX: the bytes of the name, as they are', () => {
    expect(stagingPath('/tmp/st', 'a/caf\xe9', false)).toEqual(Buffer.from('/tmp/st/a/caf\xe9', 'latin1'))
  })
  test('Windows: the UTF-8 the name holds, joined with backslashes', () => {
    const utf8 = Buffer.from('a/café/b.txt', 'utf8').toString('latin1')
    expect(stagingPath('C:\\w\\.lib.partial-x', utf8, true)).toBe('C:\\w\\.lib.partial-x\\a\\café\\b.txt')
  })
})
