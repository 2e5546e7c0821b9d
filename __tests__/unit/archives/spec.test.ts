import { describe, expect, test } from '@jest/globals'
import { parseArchives } from '../../../src/archives/spec.ts'

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
