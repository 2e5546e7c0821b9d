import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { archiveLabel, parseArchives } from '../../../src/archives/spec.ts'

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

  test("the checkout's .git is refused", () => {
    expect(() => parseArchives('ws/repo@v1 -> .git/x', dir)).toThrow(/inside the checkout's .git folder/)
  })

  test('"->" without spaces is a malformed line, not part of the ref', () => {
    expect(() => parseArchives('ws/repo@v1->vendor/x', dir)).toThrow(/line 1 .*put spaces around "->"/)
  })
})

test('archiveLabel names an archive as its line does', () => {
  expect(archiveLabel({ workspace: 'acme', repo: 'lib', ref: 'v1' })).toBe('acme/lib@v1')
})
