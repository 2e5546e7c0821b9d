import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from '@jest/globals'
import { DOWNLOAD_FORM, parseDownloads } from '../../../src/downloads/spec.ts'
import { readConfig } from '../../../src/action/inputs.ts'
import type { DestClaim } from '../../../src/shared/dest-rules.ts'

const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-dl-spec-'))
afterAll(() => fs.rmSync(ws, { recursive: true, force: true }))
const pin = 'AB'.repeat(32)

describe('parseDownloads', () => {
  test('the grammar: comments, blank lines, spaces in names, DEST, pin, patterns', () => {
    const specs = parseDownloads(
      [
        '# files',
        '',
        '  acme/app/app-1.2.0.tar.gz  ',
        'acme/app/My Installer 1.2 (x64).exe -> dist/installer.exe',
        `acme/app/data  set.csv sha256:${pin}`,
        `acme/app/nightly-*.zip -> nightly.zip sha256:${'0'.repeat(64)}`,
        'acme/x.y_z/*',
        `acme/app/a->b.txt`.replace('->', ' -> '),
        `acme/app/report.pdf -> ${ws}/abs/report.pdf`,
      ].join('\r\n'),
      ws,
    )
    expect(specs).toEqual([
      {
        line: 3,
        workspace: 'acme',
        repo: 'app',
        name: 'app-1.2.0.tar.gz',
        pattern: false,
        dest: `${ws}/app-1.2.0.tar.gz`,
        sha256: undefined,
      },
      {
        line: 4,
        workspace: 'acme',
        repo: 'app',
        name: 'My Installer 1.2 (x64).exe',
        pattern: false,
        dest: `${ws}/dist/installer.exe`,
        sha256: undefined,
      },
      {
        line: 5,
        workspace: 'acme',
        repo: 'app',
        name: 'data  set.csv',
        pattern: false,
        dest: `${ws}/data  set.csv`,
        sha256: pin.toLowerCase(),
      },
      {
        line: 6,
        workspace: 'acme',
        repo: 'app',
        name: 'nightly-*.zip',
        pattern: true,
        dest: `${ws}/nightly.zip`,
        sha256: '0'.repeat(64),
      },
      { line: 7, workspace: 'acme', repo: 'x.y_z', name: '*', pattern: true, dest: undefined, sha256: undefined },
      { line: 8, workspace: 'acme', repo: 'app', name: 'a', pattern: false, dest: `${ws}/b.txt`, sha256: undefined },
      {
        line: 9,
        workspace: 'acme',
        repo: 'app',
        name: 'report.pdf',
        pattern: false,
        dest: `${ws}/abs/report.pdf`,
        sha256: undefined,
      },
    ])
  })

  test.each([
    ['acme/app', /downloads line 1 \("acme\/app"\) is not of the form; expected WORKSPACE\/REPO\/FILENAME/],
    ['acme/app/', /has an empty FILENAME/],
    ['acme//file.zip', /has an empty part/],
    ['/app/file.zip', /has an empty part/],
    ['ac me/app/file.zip', /names no Bitbucket WORKSPACE\/REPO/],
    ['acme/app/dir/file.zip', /has a "\/" in FILENAME/],
    ['acme/app/file.zip sha256:abc', /sha256: that is not 64 hex digits/],
    [`acme/app/file.zip sha256:${'g'.repeat(64)}`, /not 64 hex digits/],
    [`acme/app/file.zip sha256:${pin} -> d`, /sha256: pin that is not at the end/],
    ['acme/app/file.zip ->', /"->" without a DEST/],
    ['acme/app/file.zip ->   ', /"->" without a DEST/],
    ['acme/app/file.zip -> a -> b', /a second "->"/],
    ['acme/app/file.zip->a', /needs spaces around "->"/],
    ['acme/app/ -> a', /empty FILENAME/],
    ['acme/app/..', /has "\.\." as FILENAME/],
    ['acme/app/file.zip -> ../out.zip', /DEST "\.\.\/out\.zip" leaves the workspace/],
    ['acme/app/file.zip -> .', /the workspace itself/],
    ['acme/app/file.zip -> dist/', /ends with a slash, but DEST is a file path/],
    ['acme/app/file.zip -> sub/.GIT/config', /has a \.git folder in its path/],
    ['acme/app/.git', /\.git folder/],
    [
      'acme/app/a.zip -> x.zip\nacme/app/b.zip -> x.zip',
      /downloads lines 1 and 2 write to overlapping paths \(x\.zip, x\.zip\)/,
    ],
    ['acme/app/a.zip -> x\nacme/app/b.zip -> x/y.zip', /overlapping paths/],
  ])('%j is refused', (text, message) => {
    expect(() => parseDownloads(text, ws)).toThrow(message)
  })

  test('every malformed message names the input, the line and the form', () => {
    expect(() => parseDownloads('\n# c\nacme/app', ws)).toThrow(
      `downloads line 3 ("acme/app") is not of the form; expected ${DOWNLOAD_FORM}`,
    )
  })

  test('DESTs are files held to the shared DEST rules (shared/dest-rules.test.ts): an existing folder, a symbolic link out', () => {
    fs.mkdirSync(path.join(ws, 'folder'), { recursive: true })
    expect(() => parseDownloads('acme/app/f.zip -> folder', ws)).toThrow(
      /is an existing folder, but DEST is a file path/,
    )
    fs.symlinkSync(os.tmpdir(), path.join(ws, 'out'))
    expect(() => parseDownloads('acme/app/f.zip -> out/f.zip', ws)).toThrow(
      /leaves the workspace through a symbolic link/,
    )
  })

  test('overlaps with archives count, also through symbolic links', () => {
    fs.mkdirSync(path.join(ws, 'vendor/lib'), { recursive: true })
    fs.symlinkSync('vendor/lib', path.join(ws, 'lib-link'))
    const lib = path.join(ws, 'vendor/lib')
    const archives: DestClaim[] = [{ input: 'archives', line: 1, written: lib, dest: lib, kind: 'folder' }]
    expect(() => parseDownloads('acme/app/f.zip -> vendor/lib/f.zip', ws, archives)).toThrow(
      'archives line 1 and downloads line 1 write to overlapping paths (vendor/lib, vendor/lib/f.zip); give each its own DEST.',
    )
    expect(() => parseDownloads('acme/app/f.zip -> lib-link/f.zip', ws, archives)).toThrow(
      'archives line 1 and downloads line 1 write to overlapping paths (vendor/lib, lib-link/f.zip, once symbolic links are followed); give each its own DEST.',
    )
    expect(parseDownloads('acme/app/f.zip -> vendor/f.zip', ws, archives)).toHaveLength(1)
  })

  test("Windows rules: the runner's path semantics and case folding reach the DEST checks", () => {
    const wsWin = 'C:\\a\\work\\app'
    const WINDOWS = { path: path.win32, caseInsensitive: true }
    expect(parseDownloads('acme/app/f.zip -> dist\\f.zip', wsWin, [], WINDOWS)[0]!.dest).toBe(`${wsWin}\\dist\\f.zip`)
    expect(() => parseDownloads('acme/app/f.zip -> sub\\.GIT\\f', wsWin, [], WINDOWS)).toThrow(
      'downloads line 1: DEST "sub\\.GIT\\f" has a .git folder in its path',
    )
    expect(() => parseDownloads('acme/app/f.zip -> D:\\f.zip', wsWin, [], WINDOWS)).toThrow(/leaves the workspace/)
    expect(() => parseDownloads('acme/app/a.zip -> A.zip\nacme/app/b.zip -> a.ZIP', wsWin, [], WINDOWS)).toThrow(
      'downloads lines 1 and 2 write to overlapping paths (A.zip, a.ZIP); give each its own DEST.',
    )
  })

  test('control characters in a line are refused and shown escaped', () => {
    expect(() => parseDownloads('acme/app/a\u0007b.zip', ws)).toThrow(/\\u0007/)
  })

  test('readConfig parses `downloads` with every other input, checking its DESTs against the archives ones', () => {
    const inputs: Record<string, string> = {
      'client-id': 'key',
      'client-secret': 'secret',
      archives: 'acme/lib@v1 -> vendor/lib',
      downloads: 'acme/app/app.zip -> vendor/app.zip',
    }
    const env = { GITHUB_WORKSPACE: ws, RUNNER_TEMP: ws }
    expect(readConfig((n) => inputs[n] ?? '', env).downloads).toEqual([
      expect.objectContaining({ name: 'app.zip', dest: path.join(ws, 'vendor/app.zip') }),
    ])
    expect(readConfig((n) => ({ ...inputs, downloads: '' })[n] ?? '', env).downloads).toEqual([])
    inputs.downloads = 'acme/app/app.zip -> vendor/lib/app.zip'
    expect(() => readConfig((n) => inputs[n] ?? '', env)).toThrow(
      'archives line 1 and downloads line 1 write to overlapping paths (vendor/lib, vendor/lib/app.zip)',
    )
  })
})
