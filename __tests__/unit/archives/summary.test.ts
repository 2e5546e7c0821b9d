import { describe, expect, test } from '@jest/globals'
import { archivesSummary, formatBytes } from '../../../src/archives/summary.ts'

describe('formatBytes', () => {
  test.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [5 * 1024 * 1024, '5.0 MiB'],
    [3 * 1024 ** 3, '3.00 GiB'],
  ])('%i → %s', (n, text) => expect(formatBytes(n)).toBe(text))
})

describe('archivesSummary', () => {
  test('one row an archive, Markdown escaped, paths relative to the workspace', () => {
    const row = (ref: string, cached: boolean) => ({
      result: {
        repository: 'acme/lib_x',
        ref,
        commit: '0123456789abcdef0123456789abcdef01234567',
        path: '/ws/vendor/lib',
        sha256: 'f'.repeat(64),
        bytes: 2048,
      },
      kind: 'tag' as const,
      ms: 1234,
      cached,
    })
    expect(archivesSummary([row('v1', false), row('a|b', true)], '/ws')).toBe(
      '### Bitbucket archives\n\n| Repository | Ref | Commit | Size | Time | Path |\n|---|---|---|---|---|---|\n' +
        '| acme/lib\\_x | v1 | `0123456789ab` | 2.0 KiB | 1.2 s | vendor/lib |\n' +
        '| acme/lib\\_x | a\\|b | `0123456789ab` | 2.0 KiB | 1.2 s (cache) | vendor/lib |\n\n',
    )
  })
})
