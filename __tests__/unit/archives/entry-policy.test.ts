import { describe, expect, test } from '@jest/globals'
import { EntryPolicy, UnsafeArchiveError, components, showName } from '../../../src/archives/entry-policy.ts'
import { ActionError } from '../../../src/shared/errors.ts'

const policy = (links: string[] = []) => {
  const set = new Set(links)
  return new EntryPolicy({ size: set.size, has: (rel) => set.has(rel) })
}

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
  ])('%j → %j', (name, want) => expect(components(name)).toEqual(want))
})

describe('showName', () => {
  test('quotes, escapes control characters, breaks workflow commands, caps the length', () => {
    expect(showName('a\nb')).toBe('"a\\nb"')
    expect(showName('::error::x')).toBe('":\u200b:error:\u200b:x"')
    expect(showName('x'.repeat(300))).toHaveLength(203)
  })
})

describe('EntryPolicy', () => {
  test('strips the single top-level folder named by the first entry', () => {
    const p = policy()
    expect(p.relative('top', 'directory')).toBe('')
    expect(p.relative('top/a/b.txt', 'file')).toBe('a/b.txt')
  })

  test.each([
    ['/abs', /an absolute path/],
    ['top/../x', /a "\.\." path component/],
    ['.', /an empty name/],
  ])('%j is refused', (name, message) => {
    const p = policy()
    p.relative('top', 'directory')
    expect(() => p.relative(name, 'file')).toThrow(message)
  })

  test('a second top-level folder, or a file at the top, is not a Bitbucket archive', () => {
    const p = policy()
    p.relative('top', 'directory')
    expect(() => p.relative('other/x', 'file')).toThrow(/does not hold a single top-level folder/)
    expect(() => policy().relative('file.txt', 'file')).toThrow(UnsafeArchiveError)
  })

  test('nothing below a symlink, and no second entry for one', () => {
    const p = policy(['lib'])
    p.relative('top', 'directory')
    expect(() => p.relative('top/lib/x', 'file')).toThrow(/it lies below the symlink "lib"/)
    expect(() => p.relative('top/lib', 'file')).toThrow(/a second entry for a symlink/)
  })

  test('symlink targets: relative and non-empty; the top-level folder is no symlink', () => {
    const p = policy()
    expect(() => p.checkSymlink('top', '', 'x')).toThrow(/the top-level folder is a symlink/)
    expect(() => p.checkSymlink('top/l', 'l', '')).toThrow(/an empty or invalid target/)
    expect(() => p.checkSymlink('top/l', 'l', 'a\0b')).toThrow(/an empty or invalid target/)
    expect(() => p.checkSymlink('top/l', 'l', '/etc')).toThrow(/a symlink to the absolute path "\/etc"/)
    expect(() => p.checkSymlink('top/l', 'l', '../x')).not.toThrow()
  })

  test('hard links: to a file extracted before, inside the folder, reached through no symlink', () => {
    const p = policy(['ln'])
    p.relative('top', 'directory')
    const files = new Set(['a.txt', 'ln/f'])
    const isFile = (rel: string) => files.has(rel)
    expect(p.hardLinkTarget('top/h', 'top/a.txt', isFile)).toBe('a.txt')
    expect(() => p.hardLinkTarget('top/h', 'other/a.txt', isFile)).toThrow(/outside the archive's folder/)
    expect(() => p.hardLinkTarget('top/h', '/etc/passwd', isFile)).toThrow(/outside the archive's folder/)
    expect(() => p.hardLinkTarget('top/h', 'top/missing', isFile)).toThrow(/not a file extracted before it/)
    expect(() => p.hardLinkTarget('top/h', 'top/ln/f', isFile)).toThrow(/not a file extracted before it/)
    expect(() => p.hardLinkTarget('top/h', 'top', isFile)).toThrow(/not a file extracted before it/)
  })

  test('refusals are user-facing errors', () => {
    expect(() => policy().relative('/x', 'file')).toThrow(ActionError)
  })
})

describe('EntryPolicy without a top-level folder (Data Center archives)', () => {
  const flat = (links: string[] = []) => {
    const set = new Set(links)
    return new EntryPolicy({ size: set.size, has: (rel) => set.has(rel) }, false)
  }
  test('entries keep their whole path; several names at the root are fine; "./" is the root', () => {
    const p = flat()
    expect(p.relative('README.md', 'file')).toBe('README.md')
    expect(p.relative('src/', 'directory')).toBe('src')
    expect(p.relative('src/index.js', 'file')).toBe('src/index.js')
    expect(p.relative('./', 'directory')).toBe('')
    expect(() => p.relative('../x', 'file')).toThrow(UnsafeArchiveError)
    expect(() => p.relative('/etc/passwd', 'file')).toThrow(UnsafeArchiveError)
  })
  test('nothing below a symlink; hard links to files of the archive only', () => {
    const p = flat(['docs'])
    expect(() => p.relative('docs/x', 'file')).toThrow(/below the symlink/)
    expect(p.hardLinkTarget('b', 'a.txt', (rel) => rel === 'a.txt')).toBe('a.txt')
    expect(() => p.hardLinkTarget('b', '../a.txt', () => true)).toThrow(UnsafeArchiveError)
  })
})
