import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { archiveClaims, archiveLabel, parseArchives } from '../../../src/archives/spec.ts'
import type { DestRules } from '../../../src/shared/dest-rules.ts'

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

describe('DESTs are folders held to the shared DEST rules (shared/dest-rules.test.ts)', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-spec-'))
    fs.symlinkSync(os.tmpdir(), path.join(dir, 'outside'))
    fs.mkdirSync(path.join(dir, 'x'))
    fs.symlinkSync(path.join(dir, 'x'), path.join(dir, 'y'))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  test('each line: inside the workspace, also through links; no .git component', () => {
    expect(() => parseArchives('ws/repo@v1 -> outside/x', dir)).toThrow(
      /^archives line 1: DEST "outside\/x" leaves the workspace through a symbolic link \(.*\); name a folder inside the workspace\.$/,
    )
    expect(() => parseArchives('ws/a@v1\nws/repo@v1 -> sub/.GIT/hooks', dir)).toThrow(
      'archives line 2: DEST "sub/.GIT/hooks" has a .git folder in its path (any case), where git keeps what it runs; name a folder inside the workspace.',
    )
  })

  test('the lines together: no overlap, by name or through a workspace symlink', () => {
    expect(() => parseArchives('ws/a@v1 -> vendor\nws/b@v1 -> vendor/b', dir)).toThrow(
      'archives lines 1 and 2 write to overlapping folders (vendor, vendor/b); give each its own DEST.',
    )
    expect(() => parseArchives('ws/a@v1 -> x\nws/b@v1 -> y/z', dir)).toThrow(
      'archives lines 1 and 2 write to overlapping folders (x, y/z, once symbolic links are followed); give each its own DEST.',
    )
    expect(parseArchives('ws/a@v1 -> x/p\nws/b@v1 -> y/q', dir)).toHaveLength(2)
  })

  test("the runner's path rules reach the checks (Windows on any OS)", () => {
    const WINDOWS: DestRules = { path: path.win32, caseInsensitive: true }
    const wsWin = 'C:\\a\\work\\app\\app'
    expect(parseArchives('acme/lib@v1 -> vendor\\lib', wsWin, 'WORKSPACE', WINDOWS)[0]!.dest).toBe(
      `${wsWin}\\vendor\\lib`,
    )
    expect(() => parseArchives('acme/lib@v1 -> D:\\x', wsWin, 'WORKSPACE', WINDOWS)).toThrow(/leaves the workspace/)
    expect(() => parseArchives('acme/a@v1 -> Lib\nacme/b@v1 -> lib\\x', wsWin, 'WORKSPACE', WINDOWS)).toThrow(
      'archives lines 1 and 2 write to overlapping folders (Lib, lib\\x); give each its own DEST.',
    )
  })

  test('"->" without spaces is a malformed line, not part of the ref', () => {
    expect(() => parseArchives('ws/repo@v1->vendor/x', dir)).toThrow(/line 1 .*put spaces around "->"/)
  })
})

test('archiveLabel names an archive as its line does', () => {
  expect(archiveLabel({ workspace: 'acme', repo: 'lib', ref: 'v1' })).toBe('acme/lib@v1')
})

test('archiveClaims: the folders of the lines, for the checks with the downloads files', () => {
  expect(archiveClaims(parseArchives('acme/lib@v1 -> vendor\n\nacme/x@v1', '/ws'))).toEqual([
    { input: 'archives', line: 1, written: '/ws/vendor', dest: '/ws/vendor', kind: 'folder' },
    { input: 'archives', line: 3, written: '/ws/x', dest: '/ws/x', kind: 'folder' },
  ])
})
