/** The job's global git configuration, as written on Linux, macOS and Windows runners. */
import path from 'node:path'
import { describe, expect, test } from '@jest/globals'
import {
  gitConfigPath,
  jobGlobalConfig,
  parseGitVersion,
  readsGlobalFromEnv,
  userGlobalFiles,
} from '../../../src/git/config-file.ts'

describe('gitConfigPath', () => {
  test('Windows paths with forward slashes (a backslash is an escape in git config)', () => {
    expect(gitConfigPath('D:\\a\\_temp\\bitbucket-oauth-git-1.gitconfig', 'win32')).toBe(
      '"D:/a/_temp/bitbucket-oauth-git-1.gitconfig"',
    )
    expect(gitConfigPath('C:\\Users\\runner admin\\.gitconfig', 'win32')).toBe('"C:/Users/runner admin/.gitconfig"')
    expect(gitConfigPath('\\\\server\\share\\x.gitconfig', 'win32')).toBe('"//server/share/x.gitconfig"')
  })
  test('elsewhere a backslash or a quote is part of the name, escaped', () => {
    expect(gitConfigPath('/tmp/a\\b "c"/x', 'linux')).toBe('"/tmp/a\\\\b \\"c\\"/x"')
    expect(gitConfigPath('/Users/runner/work/_temp/x.gitconfig', 'darwin')).toBe(
      '"/Users/runner/work/_temp/x.gitconfig"',
    )
  })
  test('a line break cannot be written: a clear error', () => {
    expect(() => gitConfigPath('/tmp/a\nb', 'linux')).toThrow(/holds a line break/)
  })
})

describe('userGlobalFiles', () => {
  test("git's own order, ~ left for git to expand (Git for Windows too)", () => {
    expect(userGlobalFiles({}, path.posix)).toEqual(['~/.config/git/config', '~/.gitconfig'])
    expect(userGlobalFiles({}, path.win32)).toEqual(['~/.config/git/config', '~/.gitconfig'])
    expect(userGlobalFiles({ XDG_CONFIG_HOME: '/home/u/.cfg' }, path.posix)).toEqual([
      '/home/u/.cfg/git/config',
      '~/.gitconfig',
    ])
    expect(userGlobalFiles({ XDG_CONFIG_HOME: 'C:\\cfg' }, path.win32)).toEqual([
      'C:\\cfg\\git\\config',
      '~/.gitconfig',
    ])
  })
  test('GIT_CONFIG_GLOBAL, when set, is the one global file', () => {
    expect(userGlobalFiles({ GIT_CONFIG_GLOBAL: '/tmp/job.gitconfig', HOME: '/home/u' }, path.posix)).toEqual([
      '/tmp/job.gitconfig',
    ])
    expect(userGlobalFiles({ GIT_CONFIG_GLOBAL: 'D:\\a\\_temp\\g.gitconfig' }, path.win32)).toEqual([
      'D:\\a\\_temp\\g.gitconfig',
    ])
  })
})

describe('jobGlobalConfig', () => {
  test('on Windows: every include with forward slashes, the credential last', () => {
    const text = jobGlobalConfig(
      ['~/.config/git/config', '~/.gitconfig'],
      'D:\\a\\_temp\\bitbucket-oauth-git-1.gitconfig',
      'win32',
    )
    expect(text.split('\n').slice(2)).toEqual([
      '[include]',
      '\tpath = "~/.config/git/config"',
      '\tpath = "~/.gitconfig"',
      '\tpath = "D:/a/_temp/bitbucket-oauth-git-1.gitconfig"',
      '',
    ])
    expect(text).not.toContain('\\')
  })
})

describe('git version', () => {
  test.each([
    ['git version 2.39.5', [2, 39], true],
    ['git version 2.45.2.windows.1', [2, 45], true],
    ['git version 2.39.3 (Apple Git-146)', [2, 39], true],
    ['git version 2.32.0', [2, 32], true],
    ['git version 2.31.8', [2, 31], false],
    ['git version 2.25.1', [2, 25], false],
    ['git version 1.8.3.1', [1, 8], false],
    ['git version 3.0.0', [3, 0], true],
  ])('%s', (text, version, reads) => {
    expect(parseGitVersion(text)).toEqual(version)
    expect(readsGlobalFromEnv(version as [number, number])).toBe(reads)
  })
  test('not a version', () => expect(parseGitVersion('hub version 2.14')).toBeUndefined())
})
