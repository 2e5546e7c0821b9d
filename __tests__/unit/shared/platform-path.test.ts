/** Path rules of Windows and macOS runners, checked on any OS. */
import { describe, expect, test } from '@jest/globals'
import { caseInsensitiveFs, fsKey, isInsideOn, pathApiOf } from '../../../src/shared/platform-path.ts'

describe('isInsideOn', () => {
  test('Windows: drive letters and case do not matter, backslashes and slashes both separate', () => {
    expect(isInsideOn('win32', 'D:\\a\\repo\\repo\\tmp', 'd:\\A\\Repo\\repo')).toBe(true)
    expect(isInsideOn('win32', 'D:/a/repo/repo/tmp', 'D:\\a\\repo\\repo')).toBe(true)
    expect(isInsideOn('win32', 'D:\\a\\_temp', 'D:\\a\\repo\\repo')).toBe(false)
    expect(isInsideOn('win32', 'E:\\a\\repo\\repo', 'D:\\a\\repo\\repo')).toBe(false)
    expect(isInsideOn('win32', 'D:\\a\\repo\\repo-other', 'D:\\a\\repo\\repo')).toBe(false)
  })
  test('macOS: case-insensitive and normalisation-insensitive, as APFS', () => {
    expect(isInsideOn('darwin', '/Users/Runner/work/x/tmp', '/users/runner/work/x')).toBe(true)
    expect(isInsideOn('darwin', '/Users/runner/work/Caf\u00e9/tmp', '/Users/runner/work/Cafe\u0301')).toBe(true)
    expect(isInsideOn('darwin', '/Users/runner/work/_temp', '/Users/runner/work/x')).toBe(false)
  })
  test('Linux: case matters', () => {
    expect(isInsideOn('linux', '/home/Runner/work/x/tmp', '/home/runner/work/x')).toBe(false)
    expect(isInsideOn('linux', '/home/runner/work/x/tmp', '/home/runner/work/x')).toBe(true)
    expect(isInsideOn('linux', '/home/runner/work/x', '/home/runner/work/x')).toBe(true)
    expect(isInsideOn('linux', '/home/runner/work/..x', '/home/runner/work')).toBe(true)
  })
})

describe('the rest', () => {
  test('path API and case rules per platform', () => {
    expect(pathApiOf('win32').sep).toBe('\\')
    expect(pathApiOf('darwin').sep).toBe('/')
    expect([caseInsensitiveFs('win32'), caseInsensitiveFs('darwin'), caseInsensitiveFs('linux')]).toEqual([
      true,
      true,
      false,
    ])
    expect(fsKey('A\u0301', 'darwin')).toBe('\u00e1')
    expect(fsKey('A\u0301', 'linux')).toBe('\u00c1')
  })
})
