import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { FileWriter, StagingTree } from '../../../src/archives/writer.ts'

let root: string
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-'))
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

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
    const t = new StagingTree(root)
    const w = t.openFile('a/b/c.txt', 0o4755)
    w.data(Buffer.from('c'))
    w.close()
    expect(fs.statSync(path.join(root, 'a/b/c.txt')).mode & 0o7000).toBe(0) // setuid dropped
    t.mkdir('d', 0o500)
    expect(fs.statSync(path.join(root, 'd')).mode & 0o700).toBe(0o700) // always writable by the owner
    t.hardLink('a/b/c.txt', 'e/hard')
    expect(fs.statSync(path.join(root, 'e/hard')).ino).toBe(fs.statSync(path.join(root, 'a/b/c.txt')).ino)
    await t.symlink('f/link', '../a')
    expect(fs.readlinkSync(path.join(root, 'f/link'))).toBe('../a')
    expect(t.exists('f/link')).toBe(true)
    expect(t.isFile('f/link')).toBe(false)
    expect(t.isFile('a/b/c.txt')).toBe(true)
    expect(t.exists('missing')).toBe(false)
  })
})
