import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { isInside, realPath, writeSecretFile } from '../../../src/shared/fs-safe.ts'

let root: string
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-fs-safe-'))
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

describe('writeSecretFile', () => {
  test('creates the file with mode 0600, whatever the umask', () => {
    const old = process.umask(0)
    try {
      const file = path.join(root, 'secret')
      writeSecretFile(file, 'content')
      // Windows has no mode bits (RUNNER_TEMP is guarded by the runner profile's ACLs).
      if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      expect(fs.readFileSync(file, 'utf8')).toBe('content')
    } finally {
      process.umask(old)
    }
  })

  test('never writes through a symlink or over an existing file', () => {
    const target = path.join(root, 'target')
    fs.writeFileSync(target, 'original')
    const link = path.join(root, 'link')
    fs.symlinkSync(target, link)
    expect(() => writeSecretFile(link, 'secret')).toThrow(/EEXIST/)
    const dangling = path.join(root, 'dangling')
    fs.symlinkSync(path.join(root, 'nowhere'), dangling)
    expect(() => writeSecretFile(dangling, 'secret')).toThrow(/EEXIST/)
    expect(fs.existsSync(path.join(root, 'nowhere'))).toBe(false)
    expect(() => writeSecretFile(target, 'secret')).toThrow(/EEXIST/)
    expect(fs.readFileSync(target, 'utf8')).toBe('original')
  })
})

describe('isInside', () => {
  test.each([
    ['/w/a', '/w', true],
    ['/w', '/w', true],
    ['/w/..cache', '/w', true],
    ['/w/a/../../x', '/w', false],
    ['/x', '/w', false],
    ['/wx', '/w', false],
    ['/', '/w', false],
  ])('%s in %s: %s', (child, parent, inside) => expect(isInside(child, parent)).toBe(inside))

  test('compares names; realPath resolves the symlinks first', () => {
    const real = path.join(root, 'real')
    fs.mkdirSync(real)
    fs.symlinkSync(os.tmpdir(), path.join(real, 'out'))
    expect(isInside(path.join(real, 'out'), real)).toBe(true)
    expect(isInside(realPath(path.join(real, 'out')), realPath(real))).toBe(false)
    expect(realPath(path.join(real, 'missing'))).toBe(path.join(realPath(real), 'missing'))
  })

  test('a path not there yet resolves through the symlinks above it (macOS: /var → /private/var)', () => {
    const real = path.join(root, 'real')
    fs.mkdirSync(real)
    const link = path.join(root, 'link')
    fs.symlinkSync(real, link)
    expect(realPath(path.join(link, 'not', 'yet'))).toBe(path.join(realPath(real), 'not', 'yet'))
    expect(isInside(realPath(path.join(link, 'tmp')), realPath(real))).toBe(true)
  })

  test('Windows paths on another OS: resolved and joined by path.win32, kept as named', () => {
    expect(realPath('C:\\a\\work\\..\\x\\y', path.win32)).toBe('C:\\a\\x\\y')
  })
})
