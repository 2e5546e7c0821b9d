import { describe, expect, test } from '@jest/globals'
import { UnsafeArchiveError } from '../../../src/archives/entry-policy.ts'
import { explain, linesFailed } from '../../../src/archives/errors.ts'
import type { ArchiveSpec } from '../../../src/archives/spec.ts'
import { TarFormatError } from '../../../src/archives/tar-reader.ts'
import { HttpError } from '../../../src/net/errors.ts'
import { ActionError } from '../../../src/shared/errors.ts'

const spec: ArchiveSpec = { line: 3, workspace: 'acme', repo: 'lib', ref: 'v1', dest: '/ws/lib', sha256: undefined }
const commit = '0123456789abcdef0123456789abcdef01234567'
const coded = (code: string) => Object.assign(new Error(`${code}: boom`), { code })
const say = (err: unknown) => (explain(err, spec, commit, 'lib') as Error).message

describe('explain', () => {
  test('an unsafe archive: refused, nothing extracted', () => {
    expect(say(new UnsafeArchiveError('the archive has an unsafe entry "/x"'))).toBe(
      'Refused the archive of acme/lib@v1 (commit 0123456789ab): the archive has an unsafe entry "/x". Nothing was extracted; lib was left as it was.',
    )
  })
  test('an ActionError passes as it is', () => {
    const e = new HttpError('Could not reach …')
    expect(explain(e, spec, commit, 'lib')).toBe(e)
  })
  test.each([
    [new TarFormatError('a header with a bad checksum'), /is not a valid tar archive .*Re-run the job/],
    [coded('Z_DATA_ERROR'), /is not a valid gzip file .*Check `bitbucket-url`/],
    [coded('ENOSPC'), /ran out of disk space while extracting acme\/lib@v1; lib was left as it was/],
    [coded('EACCES'), /Could not write acme\/lib@v1 into lib: .*Check the permissions/],
    [coded('EEXIST'), /has conflicting entries/],
    [new Error('odd'), /^Fetching acme\/lib@v1 into lib failed: odd\. lib was left as it was\.$/],
  ])('%s', (err, message) => {
    const e = explain(err, spec, commit, 'lib')
    expect(e).toBeInstanceOf(ActionError)
    expect((e as Error).message).toMatch(message)
  })
  test('an error line stays short, however long the message it explains (a path can be 400 KB)', () => {
    const long = Object.assign(
      new Error(`ENOTDIR: not a directory, open '/ws/.lib.partial-x/${'a/'.repeat(200_000)}'`),
      {
        code: 'ENOTDIR',
      },
    )
    expect(say(long).length).toBeLessThan(450)
    expect(say(new Error('x'.repeat(10_000))).length).toBeLessThan(450)
  })
  test('an unexpected error keeps its stack for the debug log', () => {
    expect((explain(new Error('odd'), spec, commit, 'lib') as ActionError).detail).toMatch(/Error: odd/)
  })
})

describe('linesFailed', () => {
  test('the first failure, and how many more', () => {
    const err = new ActionError('first')
    expect(linesFailed([{ spec, err }]).message).toBe('archives line 3: first')
    const two = linesFailed([
      { spec, err },
      { spec: { ...spec, line: 4 }, err: new Error('second') },
      { spec: { ...spec, line: 5 }, err: new Error('third') },
    ])
    expect(two.message).toBe('archives line 3: first (2 more lines failed too; see the warnings)')
    expect(two.cause).toBe(err)
    expect(two.detail).toBeUndefined()
  })
  test('an unexpected first failure keeps its stack', () => {
    expect(linesFailed([{ spec, err: new Error('odd') }]).detail).toMatch(/Error: odd/)
  })
})
