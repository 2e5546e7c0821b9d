import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { archiveClaims, archiveLabel, checkDests, parseArchives, type DestRules } from '../../../src/archives/spec.ts'

const ws = '/home/runner/work/app/app'

describe('parseArchives', () => {
  test('the grammar: comments, blank lines, DEST, pin, refs with slashes', () => {
    const pin = 'AB'.repeat(32)
    const specs = parseArchives(
      [
        '# deps',
        '',
        '  acme/lib@v1.2.0  ',
        'acme/tools@release/2.x -> vendor/tools',
        `acme/x.y_z@0123456789abcdef0123456789abcdef01234567 -> ${ws}/abs sha256:${pin}`,
        'acme/p@main sha256:' + '0'.repeat(64),
      ].join('\r\n'),
      ws,
    )
    expect(specs).toEqual([
      { line: 3, workspace: 'acme', repo: 'lib', ref: 'v1.2.0', dest: `${ws}/lib`, sha256: undefined },
      { line: 4, workspace: 'acme', repo: 'tools', ref: 'release/2.x', dest: `${ws}/vendor/tools`, sha256: undefined },
      {
        line: 5,
        workspace: 'acme',
        repo: 'x.y_z',
        ref: '0123456789abcdef0123456789abcdef01234567',
        dest: `${ws}/abs`,
        sha256: pin.toLowerCase(),
      },
      { line: 6, workspace: 'acme', repo: 'p', ref: 'main', dest: `${ws}/p`, sha256: '0'.repeat(64) },
    ])
  })

  test.each([
    ['acme/lib', /line 1 .* is not of the form/],
    ['acme@v1', /is not of the form/],
    ['acme/lib@v1 -> ', /is not of the form/],
    ['acme/lib@v1 sha256:abc', /is not of the form/],
    ['acme/lib@v1 -> a b', /is not of the form/],
    ['acme/lib@v1..2', /not a valid tag, branch or commit name/],
    ['acme/lib@-x', /not a valid tag/],
    ['acme/lib@v1 -> ../out', /leaves the workspace/],
    ['acme/lib@v1 -> /etc', /leaves the workspace/],
    ['acme/lib@v1 -> .', /the workspace itself/],
    ['acme/lib@v1 -> a\nacme/other@v1 -> a/b', /lines 1 and 2 write to overlapping folders/],
  ])('%j is refused', (text, message) => {
    expect(() => parseArchives(text, ws)).toThrow(message)
  })
})

describe('DEST on disk', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-spec-'))
    fs.mkdirSync(path.join(dir, 'vendor'))
    fs.symlinkSync(os.tmpdir(), path.join(dir, 'outside'))
    fs.symlinkSync(path.join(dir, 'vendor'), path.join(dir, 'inside'))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  test('a DEST whose name merely starts with two dots stays inside', () => {
    expect(parseArchives('ws/repo@v1 -> ..cache', dir)[0]!.dest).toBe(path.join(dir, '..cache'))
  })

  test('a DEST that escapes through a symbolic link is refused', () => {
    expect(() => parseArchives('ws/repo@v1 -> outside/x', dir)).toThrow(
      /line 1: DEST "outside\/x" leaves the workspace through a symbolic link/,
    )
  })

  test('a symbolic link that stays inside is fine', () => {
    expect(parseArchives('ws/repo@v1 -> inside/x', dir)).toHaveLength(1)
  })

  test.each(['.git/x', 'sub/.git', 'sub/.GIT/hooks', 'a/b/.Git./c', 'x/git~1/y'])(
    'a .git component at any depth, in any case, is refused: %s',
    (dest) => {
      expect(() => parseArchives(`ws/repo@v1 -> ${dest}`, dir)).toThrow(
        /line 1: DEST ".*" has a \.git folder in its path \(any case\)/,
      )
    },
  )

  test('a .git reached through a workspace symlink is refused too', () => {
    fs.mkdirSync(path.join(dir, '.git'), { recursive: true })
    fs.symlinkSync(path.join(dir, '.git'), path.join(dir, 'meta'))
    expect(() => parseArchives('ws/repo@v1 -> meta/hooks', dir)).toThrow(/has a \.git folder in its path/)
  })

  test('two lines that overlap once a workspace symlink is followed are refused', () => {
    fs.mkdirSync(path.join(dir, 'x'))
    fs.symlinkSync(path.join(dir, 'x'), path.join(dir, 'y'))
    expect(() => parseArchives('ws/a@v1 -> x\nws/b@v1 -> y/z', dir)).toThrow(
      /archives lines 1 and 2 write to overlapping folders \(x, y\/z, once symbolic links are followed\)/,
    )
    expect(() => parseArchives('ws/a@v1 -> y\nws/b@v1 -> x', dir)).toThrow(/lines 1 and 2 write to overlapping/)
    expect(parseArchives('ws/a@v1 -> x/p\nws/b@v1 -> y/q', dir)).toHaveLength(2)
  })

  test('"->" without spaces is a malformed line, not part of the ref', () => {
    expect(() => parseArchives('ws/repo@v1->vendor/x', dir)).toThrow(/line 1 .*put spaces around "->"/)
  })
})

test('archiveLabel names an archive as its line does', () => {
  expect(archiveLabel({ workspace: 'acme', repo: 'lib', ref: 'v1' })).toBe('acme/lib@v1')
})

describe("DEST rules of archives and downloads together, with the runner's path semantics", () => {
  const WINDOWS: DestRules = { path: path.win32, caseInsensitive: true }
  const LINUX: DestRules = { path: path.posix, caseInsensitive: false }
  const wsWin = 'C:\\a\\work\\app\\app'

  test('Windows: backslashes separate, drive letters and case count as Windows counts them', () => {
    expect(parseArchives('acme/lib@v1 -> vendor\\lib', wsWin, 'WORKSPACE', WINDOWS)[0]!.dest).toBe(
      `${wsWin}\\vendor\\lib`,
    )
    expect(() => parseArchives('acme/lib@v1 -> sub\\.GIT\\x', wsWin, 'WORKSPACE', WINDOWS)).toThrow(
      /has a \.git folder/,
    )
    expect(() => parseArchives('acme/lib@v1 -> ..\\x', wsWin, 'WORKSPACE', WINDOWS)).toThrow(/leaves the workspace/)
    expect(() => parseArchives('acme/lib@v1 -> D:\\x', wsWin, 'WORKSPACE', WINDOWS)).toThrow(/leaves the workspace/)
    expect(() => parseArchives('acme/a@v1 -> Lib\nacme/b@v1 -> lib\\x', wsWin, 'WORKSPACE', WINDOWS)).toThrow(
      /archives lines 1 and 2 write to overlapping folders/,
    )
  })

  test('case-sensitive file systems keep Lib and lib apart', () => {
    expect(parseArchives('acme/a@v1 -> Lib\nacme/b@v1 -> lib/x', '/ws', 'WORKSPACE', LINUX)).toHaveLength(2)
    expect(() =>
      parseArchives('acme/a@v1 -> Lib\nacme/b@v1 -> lib/x', '/ws', 'WORKSPACE', { ...LINUX, caseInsensitive: true }),
    ).toThrow(/overlapping/)
  })

  test('an archive line and a download line that overlap are refused, naming both', () => {
    const archives = archiveClaims(parseArchives('acme/lib@v1 -> vendor', '/ws', 'WORKSPACE', LINUX), '/ws')
    const download = {
      input: 'downloads',
      line: 2,
      written: 'vendor/app.zip',
      dest: '/ws/vendor/app.zip',
      kind: 'file' as const,
    }
    expect(() => checkDests([...archives, download], '/ws', LINUX)).toThrow(
      'archives line 1 and downloads line 2 write to overlapping paths (vendor, vendor/app.zip, once symbolic links are followed); give each its own DEST.',
    )
    const gitFile = { ...download, dest: '/ws/sub/.Git/config', written: 'sub/.Git/config' }
    expect(() => checkDests([gitFile], '/ws', LINUX)).toThrow(
      /^downloads line 2: DEST "sub\/\.Git\/config" has a \.git folder in its path .*; name a file inside the workspace\.$/,
    )
  })
})
