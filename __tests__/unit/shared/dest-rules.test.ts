import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  checkDest,
  checkOverlaps,
  destProblem,
  HOST_DEST_RULES,
  isDotGitText,
  type DestClaim,
  type DestRules,
} from '../../../src/shared/dest-rules.ts'

const LINUX: DestRules = { path: path.posix, caseInsensitive: false }
const MACOS: DestRules = { path: path.posix, caseInsensitive: true }
const WINDOWS: DestRules = { path: path.win32, caseInsensitive: true }

const folder = (line: number, dest: string, input = 'archives'): DestClaim => ({
  input,
  line,
  written: dest,
  dest,
  kind: 'folder',
})
const file = (line: number, dest: string, input = 'downloads'): DestClaim => ({
  input,
  line,
  written: dest,
  dest,
  kind: 'file',
})

test("HOST_DEST_RULES are the runner's", () => {
  expect(HOST_DEST_RULES.path).toBe(process.platform === 'win32' ? path.win32 : path.posix)
  expect(HOST_DEST_RULES.caseInsensitive).toBe(process.platform === 'win32' || process.platform === 'darwin')
})

describe('isDotGitText', () => {
  test.each(['.git', '.GIT', '.Git', '.git.', '.git ', '.git. .', '.git::$INDEX_ALLOCATION', 'git~1', 'GIT~1'])(
    '%j names .git',
    (c) => expect(isDotGitText(c)).toBe(true),
  )
  test('with characters that HFS+ ignores', () => {
    expect(isDotGitText('.g\u200cit')).toBe(true)
    expect(isDotGitText('\ufeff.GIT')).toBe(true)
  })
  test.each(['git', '.gitignore', '.github', 'x.git', '..git', 'git~2', '', '.'])('%j does not', (c) =>
    expect(isDotGitText(c)).toBe(false),
  )
})

describe('destProblem by name', () => {
  const ws = '/home/runner/work/app/app'
  test.each([
    ['.', 'is the workspace itself, which would be replaced as a whole'],
    [ws, 'is the workspace itself, which would be replaced as a whole'],
    ['../out', `leaves the workspace (${ws})`],
    ['/etc', `leaves the workspace (${ws})`],
    ['a/../../x', `leaves the workspace (${ws})`],
  ])('%j: %s', (dest, problem) => {
    expect(destProblem(path.posix.resolve(ws, dest), ws, 'folder', LINUX)).toBe(problem)
    expect(destProblem(path.posix.resolve(ws, dest), ws, 'file', LINUX)).toBe(problem)
  })

  test.each(['..cache', 'vendor/lib', `${ws}/abs`, 'a/git/b', 'x.git', '.github/x'])('%j is fine', (dest) => {
    expect(destProblem(path.posix.resolve(ws, dest), ws, 'folder', LINUX)).toBeUndefined()
  })

  test.each(['.git', '.git/x', 'sub/.git', 'sub/.GIT/hooks', 'a/b/c/.Git./d', 'x/git~1/y', 'a/.g\u200cit', 'a/.git '])(
    'a .git component at any depth, in any case: %j',
    (dest) => {
      for (const kind of ['folder', 'file'] as const)
        expect(destProblem(path.posix.resolve(ws, dest), ws, kind, LINUX)).toBe(
          'has a .git folder in its path (any case), where git keeps what it runs',
        )
    },
  )

  test('Windows: backslashes and slashes separate, another drive leaves, .GIT in any case', () => {
    const wsWin = 'C:\\a\\work\\app\\app'
    const check = (dest: string) => destProblem(path.win32.resolve(wsWin, dest), wsWin, 'folder', WINDOWS)
    expect(check('vendor\\lib')).toBeUndefined()
    expect(check('sub\\.GIT\\x')).toMatch(/^has a \.git folder/)
    expect(check('sub/.git/x')).toMatch(/^has a \.git folder/)
    expect(check('..\\x')).toBe(`leaves the workspace (${wsWin})`)
    expect(check('D:\\x')).toBe(`leaves the workspace (${wsWin})`)
    expect(check('C:\\a\\work\\app\\app2')).toBe(`leaves the workspace (${wsWin})`)
    expect(check('.')).toMatch(/the workspace itself/)
  })
})

describe('on disk: symbolic links and existing folders', () => {
  let ws: string
  const at = (rel: string) => path.join(ws, rel)
  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-dest-rules-'))
    fs.mkdirSync(at('vendor/lib'), { recursive: true })
    fs.mkdirSync(at('.git/hooks'), { recursive: true })
    fs.writeFileSync(at('vendor/app.zip'), '')
    fs.symlinkSync(os.tmpdir(), at('outside'))
    fs.symlinkSync(at('vendor'), at('inside'))
    fs.symlinkSync(at('.git'), at('meta'))
    fs.symlinkSync('vendor/lib', at('lib-link'))
    fs.symlinkSync(at('nowhere'), at('dangling'))
  })
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }))

  test('a DEST that escapes through a symbolic link is refused; one that stays inside is fine', () => {
    expect(destProblem(at('outside/x'), ws, 'folder')).toBe(`leaves the workspace through a symbolic link (${ws})`)
    expect(destProblem(at('outside/x.zip'), ws, 'file')).toMatch(/through a symbolic link/)
    expect(destProblem(at('inside/x'), ws, 'folder')).toBeUndefined()
  })

  test('a .git reached through a workspace symlink is refused', () => {
    expect(destProblem(at('meta/hooks'), ws, 'folder')).toMatch(/^has a \.git folder in its path/)
    expect(destProblem(at('meta/config'), ws, 'file')).toMatch(/^has a \.git folder in its path/)
  })

  test('a file may not be an existing folder (also through a link); a folder may, and a file replaces a file', () => {
    expect(destProblem(at('vendor'), ws, 'file')).toBe('is an existing folder, but DEST is a file path')
    expect(destProblem(at('inside'), ws, 'file')).toBe('is an existing folder, but DEST is a file path')
    expect(destProblem(at('vendor'), ws, 'folder')).toBeUndefined()
    expect(destProblem(at('vendor/app.zip'), ws, 'file')).toBeUndefined()
    expect(destProblem(at('dangling'), ws, 'file')).toBeUndefined()
  })

  test('overlap through a workspace symlink: both lines named, the links mentioned', () => {
    expect(() => checkOverlaps([folder(1, at('vendor/lib')), file(2, at('lib-link/f.zip'))], ws)).toThrow(
      'archives line 1 and downloads line 2 write to overlapping paths (vendor/lib, lib-link/f.zip, once symbolic links are followed); give each its own DEST.',
    )
    expect(() => checkOverlaps([folder(1, at('lib-link')), folder(2, at('vendor'))], ws)).toThrow(
      'archives lines 1 and 2 write to overlapping folders (lib-link, vendor, once symbolic links are followed); give each its own DEST.',
    )
    expect(() => checkOverlaps([folder(1, at('inside/p')), folder(2, at('vendor/q'))], ws)).not.toThrow()
  })

  test('overlap by name counts even where a link below leads elsewhere', () => {
    // vendor/to-other → other: the archive replaces vendor as a whole, link included; the download would go below it.
    fs.mkdirSync(at('other'))
    fs.symlinkSync(at('other'), at('vendor/to-other'))
    expect(() => checkOverlaps([folder(1, at('vendor')), file(2, at('vendor/to-other/app.zip'))], ws)).toThrow(
      'archives line 1 and downloads line 2 write to overlapping paths (vendor, vendor/to-other/app.zip); give each its own DEST.',
    )
  })
})

describe('checkDest', () => {
  const ws = '/ws'
  test('names the input, the line, DEST as written and what to name instead', () => {
    expect(() => checkDest({ ...folder(3, '/ws/sub/.git/x'), written: 'sub/.git/x' }, ws, LINUX)).toThrow(
      'archives line 3: DEST "sub/.git/x" has a .git folder in its path (any case), where git keeps what it runs; name a folder inside the workspace.',
    )
    expect(() => checkDest({ ...file(2, '/out.zip'), written: '../out.zip' }, ws, LINUX)).toThrow(
      'downloads line 2: DEST "../out.zip" leaves the workspace (/ws); name a file inside the workspace.',
    )
    expect(() => checkDest(file(1, '/ws/ok.zip'), ws, LINUX)).not.toThrow()
  })

  test('control characters in DEST are shown escaped', () => {
    expect(() => checkDest({ ...file(1, '/ws/.git/x'), written: '.git/x\u001b[2J' }, ws, LINUX)).toThrow(
      'downloads line 1: DEST ".git/x\\u001b[2J" has a .git folder',
    )
  })
})

describe('checkOverlaps by name', () => {
  const ws = '/ws'
  test('within one input: the same DEST, or one inside the other, in any order', () => {
    expect(() => checkOverlaps([folder(1, '/ws/a'), folder(2, '/ws/a/b')], ws, LINUX)).toThrow(
      'archives lines 1 and 2 write to overlapping folders (a, a/b); give each its own DEST.',
    )
    expect(() => checkOverlaps([folder(1, '/ws/a/b'), folder(4, '/ws/a')], ws, LINUX)).toThrow(
      'archives lines 1 and 4 write to overlapping folders (a/b, a); give each its own DEST.',
    )
    expect(() => checkOverlaps([file(1, '/ws/x.zip'), file(2, '/ws/x.zip')], ws, LINUX)).toThrow(
      'downloads lines 1 and 2 write to overlapping paths (x.zip, x.zip); give each its own DEST.',
    )
  })

  test('across inputs: both lines named, with their inputs', () => {
    expect(() => checkOverlaps([folder(1, '/ws/vendor'), file(2, '/ws/vendor/app.zip')], ws, LINUX)).toThrow(
      'archives line 1 and downloads line 2 write to overlapping paths (vendor, vendor/app.zip); give each its own DEST.',
    )
  })

  test('siblings and names that merely share a prefix are fine', () => {
    expect(() =>
      checkOverlaps([folder(1, '/ws/a'), folder(2, '/ws/ab'), file(3, '/ws/a.zip'), file(4, '/ws/b/a')], ws, LINUX),
    ).not.toThrow()
  })

  test('case-insensitive file systems fold case (and Unicode normalisation); case-sensitive ones keep Lib and lib apart', () => {
    const claims = [folder(1, '/ws/Lib'), file(2, '/ws/lib/x.zip')]
    expect(() => checkOverlaps(claims, ws, LINUX)).not.toThrow()
    expect(() => checkOverlaps(claims, ws, MACOS)).toThrow(
      'archives line 1 and downloads line 2 write to overlapping paths (Lib, lib/x.zip); give each its own DEST.',
    )
    const nfc = '/ws/caf\u00e9'
    const nfd = '/ws/cafe\u0301/x'
    expect(() => checkOverlaps([folder(1, nfc), folder(2, nfd)], ws, LINUX)).not.toThrow()
    expect(() => checkOverlaps([folder(1, nfc), folder(2, nfd)], ws, MACOS)).toThrow(/overlapping folders/)
  })

  test('Windows: backslashes, drive letters and case as Windows counts them', () => {
    const wsWin = 'C:\\ws'
    expect(() => checkOverlaps([folder(1, 'C:\\ws\\Lib'), folder(2, 'c:\\WS\\lib\\x')], wsWin, WINDOWS)).toThrow(
      'archives lines 1 and 2 write to overlapping folders (Lib, lib\\x); give each its own DEST.',
    )
    expect(() => checkOverlaps([folder(1, 'C:\\ws\\a'), file(2, 'C:\\ws\\ab.zip')], wsWin, WINDOWS)).not.toThrow()
  })

  test('control characters in the paths are shown escaped', () => {
    expect(() => checkOverlaps([file(1, '/ws/a\nb'), file(2, '/ws/a\nb')], ws, LINUX)).toThrow(
      'downloads lines 1 and 2 write to overlapping paths (a\\u000ab, a\\u000ab)',
    )
  })
})
