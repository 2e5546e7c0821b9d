import { describe, expect, test } from '@jest/globals'
import { EntryPolicy, UnsafeArchiveError, components, showName } from '../../../src/archives/entry-policy.ts'
import { fold, fsRules } from '../../../src/archives/names.ts'
import { ActionError } from '../../../src/shared/errors.ts'

const LINUX = fsRules('linux')
const WINDOWS = fsRules('win32')
const MACOS = fsRules('darwin')

/** A policy whose known links are `links` (paths below the top folder), compared folded as Symlinks does. */
const policy = (links: string[] = [], rules = LINUX, topFolder = true) => {
  const folded = links.map((l) => l.split('/').map(fold))
  return new EntryPolicy(
    {
      size: links.length,
      runsInto: (parts) => {
        const f = parts.map(fold)
        for (let n = 1; n <= f.length; n++)
          if (folded.some((l) => l.length === n && l.every((c, i) => c === f[i]))) return n
        return 0
      },
    },
    rules,
    topFolder,
  )
}
const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1') // a name as the tar reader hands it over

describe('components', () => {
  test.each([
    ['a/b/c', ['a', 'b', 'c']],
    ['a//./b/', ['a', 'b']],
    ['/etc/passwd', 'absolute'],
    ['C:/x', 'absolute'],
    ['\\\\server\\x', 'absolute'],
    ['a/../b', 'dotdot'],
    ['..', 'dotdot'],
    ['a/..b', ['a', '..b']],
    ['a\\..\\..\\x', ['a\\..\\..\\x']],
  ])('%j → %j (Linux)', (name, want) => expect(components(name, LINUX)).toEqual(want))

  test.each([
    ['a\\..\\..\\x', 'dotdot'],
    ['a\\b/c', ['a', 'b', 'c']],
  ])('%j → %j (Windows: `\\` separates too)', (name, want) => expect(components(name, WINDOWS)).toEqual(want))
})

describe('showName', () => {
  test('quotes, escapes control characters, breaks workflow commands, caps the length', () => {
    expect(showName('a\nb')).toBe('"a\\nb"')
    expect(showName('::error::x')).toBe('":\u200b:error:\u200b:x"')
    expect(showName('x'.repeat(300))).toHaveLength(103)
  })
  test('decodes UTF-8 names; shows the bytes of other names as \\xNN', () => {
    expect(showName(utf8('café'))).toBe('"café"')
    expect(showName('caf\xe9')).toBe('"caf\\\\xe9"')
  })
})

describe('EntryPolicy', () => {
  test('strips the single top-level folder named by the first entry', () => {
    const p = policy()
    expect(p.relative('top', 'directory')).toEqual({ parts: [], path: '' })
    expect(p.relative('top/a/b.txt', 'file')).toEqual({ parts: ['a', 'b.txt'], path: 'a/b.txt' })
  })

  test('without a top-level folder, entries sit at the root (and "." is the root)', () => {
    const p = policy([], LINUX, false)
    expect(p.relative('.', 'directory').parts).toEqual([])
    expect(p.relative('a.txt', 'file').parts).toEqual(['a.txt'])
    expect(p.relative('other/b', 'file').parts).toEqual(['other', 'b'])
    expect(() => p.relative('.', 'file')).toThrow(/an empty name/)
  })

  test.each([
    ['/abs', /an absolute path/],
    ['top/../x', /a "\.\." path component/],
    ['.', /an empty name/],
    ['top/a\0b', /a name holding a NUL byte/],
    [`top/${'a/'.repeat(2047)}b`, /a path longer than 4,096 bytes/],
    ['top/.git/config', /a \.git path component/],
    ['top/sub/.GIT/hooks/x', /a \.git path component/],
    ['top/sub/.Git./config', /a \.git path component/],
    ['top/GIT~1/config', /a \.git path component/],
    ['top/.git::$INDEX_ALLOCATION/x', /a \.git path component/],
    [utf8('top/.g\u200cit/config'), /a \.git path component/],
  ])('%j is refused on every OS', (name, message) => {
    for (const rules of [LINUX, WINDOWS, MACOS]) {
      const p = policy([], rules)
      p.relative('top', 'directory')
      expect(() => p.relative(name, 'file')).toThrow(message)
    }
  })

  test('a path of exactly 4,096 bytes is fine; .gitignore, .github and git are ordinary names', () => {
    const p = policy()
    p.relative('top', 'directory')
    expect(() => p.relative(`top/${'a'.repeat(4092)}`, 'file')).not.toThrow()
    for (const ok of ['.gitignore', '.github', 'git', '.gitmodules', 'x.git']) {
      expect(p.relative(`top/${ok}/f`, 'file').parts[0]).toBe(ok)
    }
  })

  test.each([
    ['top/a<b', /a character that Windows does not allow/],
    ['top/aux.txt', /a Windows device name/],
    ['top/dir. /f', /a name ending in a dot or a space/],
    ['top/x:stream', /a character that Windows does not allow/],
  ])('%j is refused where the runner is Windows, not on Linux', (name, message) => {
    const win = policy([], WINDOWS)
    win.relative('top', 'directory')
    expect(() => win.relative(name, 'file')).toThrow(message)
    const linux = policy([], LINUX)
    linux.relative('top', 'directory')
    expect(() => linux.relative(name, 'file')).not.toThrow()
  })

  test('a name that is not UTF-8: written as it is on Linux, refused where the file system takes UTF-8 only', () => {
    const linux = policy([], LINUX)
    linux.relative('top', 'directory')
    expect(linux.relative('top/caf\xe9', 'file').path).toBe('caf\xe9')
    for (const rules of [MACOS, WINDOWS]) {
      const p = policy([], rules)
      p.relative('top', 'directory')
      expect(() => p.relative('top/caf\xe9', 'file')).toThrow(/"top\/caf\\\\xe9": a name that is not UTF-8/)
      expect(p.relative(utf8('top/café'), 'file').path).toBe(utf8('café'))
    }
  })

  test('a second top-level folder, or a file at the top, is not a Bitbucket archive', () => {
    const p = policy()
    p.relative('top', 'directory')
    expect(() => p.relative('other/x', 'file')).toThrow(/does not hold a single top-level folder/)
    expect(() => policy().relative('file.txt', 'file')).toThrow(UnsafeArchiveError)
  })

  test('nothing at or below a symlink, compared case-insensitively after NFC, on every OS', () => {
    const p = policy(['lib', utf8('caf\u00e9')])
    p.relative('top', 'directory')
    expect(() => p.relative('top/lib/x', 'file')).toThrow(/it lies below the symlink "lib"/)
    expect(() => p.relative('top/LIB/x', 'file')).toThrow(/it lies below the symlink "LIB"/)
    expect(() => p.relative('top/Lib', 'file')).toThrow(/a second entry for a symlink/)
    // The same name in NFD (e + combining acute) is the same folder on macOS.
    expect(() => p.relative(utf8('top/CAFE\u0301/x'), 'file')).toThrow(/below the symlink/)
    expect(p.relative('top/library/x', 'file').path).toBe('library/x')
  })

  test('symlink targets: relative, non-empty, no longer than 4,096 bytes, no backslash', () => {
    const p = policy()
    const at = (rel: string) => ({ parts: rel ? rel.split('/') : [], path: rel })
    expect(() => p.checkSymlink('top', at(''), 'x')).toThrow(/the top-level folder is a symlink/)
    expect(() => p.checkSymlink('top/l', at('l'), '')).toThrow(/an empty or invalid target/)
    expect(() => p.checkSymlink('top/l', at('l'), 'a\0b')).toThrow(/an empty or invalid target/)
    expect(() => p.checkSymlink('top/l', at('l'), '/etc')).toThrow(/a symlink to the absolute path "\/etc"/)
    expect(() => p.checkSymlink('top/l', at('l'), '..\\..\\Users\\runneradmin')).toThrow(
      /a target holding "\\" \(Windows reads it as a folder separator\)/,
    )
    expect(() => p.checkSymlink('top/l', at('l'), 'a/'.repeat(2049))).toThrow(/longer than 4,096 bytes/)
    expect(() => p.checkSymlink('top/l', at('l'), '../x')).not.toThrow()
  })

  test('hard links: to a file extracted before, inside the folder, reached through no symlink', () => {
    const p = policy(['ln'])
    p.relative('top', 'directory')
    const files = new Set(['a.txt', 'ln/f'])
    const isFile = (rel: { path: string }) => files.has(rel.path)
    expect(p.hardLinkTarget('top/h', 'top/a.txt', isFile).path).toBe('a.txt')
    expect(() => p.hardLinkTarget('top/h', 'other/a.txt', isFile)).toThrow(/outside the archive's folder/)
    expect(() => p.hardLinkTarget('top/h', '/etc/passwd', isFile)).toThrow(/outside the archive's folder/)
    expect(() => p.hardLinkTarget('top/h', 'top/missing', isFile)).toThrow(/not a file extracted before it/)
    expect(() => p.hardLinkTarget('top/h', 'top/ln/f', isFile)).toThrow(/not a file extracted before it/)
    expect(() => p.hardLinkTarget('top/h', 'top/LN/f', isFile)).toThrow(/not a file extracted before it/)
    expect(() => p.hardLinkTarget('top/h', 'top', isFile)).toThrow(/not a file extracted before it/)
    expect(() => p.hardLinkTarget('top/h', `top/${'a'.repeat(5000)}`, isFile)).toThrow(/outside the archive's folder/)
  })

  test('refusals are user-facing errors', () => {
    expect(() => policy().relative('/x', 'file')).toThrow(ActionError)
  })
})

describe('EntryPolicy without a top-level folder (Data Center archives)', () => {
  const flat = (links: string[] = []) => policy(links, LINUX, false)
  test('entries keep their whole path; several names at the root are fine; "./" is the root', () => {
    const p = flat()
    expect(p.relative('README.md', 'file').path).toBe('README.md')
    expect(p.relative('src/', 'directory').path).toBe('src')
    expect(p.relative('src/index.js', 'file').path).toBe('src/index.js')
    expect(p.relative('./', 'directory').path).toBe('')
    expect(() => p.relative('../x', 'file')).toThrow(UnsafeArchiveError)
    expect(() => p.relative('/etc/passwd', 'file')).toThrow(UnsafeArchiveError)
  })
  test('nothing below a symlink; hard links to files of the archive only', () => {
    const p = flat(['docs'])
    expect(() => p.relative('docs/x', 'file')).toThrow(/below the symlink/)
    expect(p.hardLinkTarget('b', 'a.txt', (rel) => rel.path === 'a.txt').path).toBe('a.txt')
    expect(() => p.hardLinkTarget('b', '../a.txt', () => true)).toThrow(UnsafeArchiveError)
  })
})
