import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { configureGitCredentials } from '../../../src/git/credentials.ts'
import { cleanupGitCredentials } from '../../../src/git/cleanup.ts'
import { parseGitState } from '../../../src/git/state.ts'
import { GitFixture, newRecord } from '../../helpers/git-step.ts'

let f: GitFixture
beforeEach(() => {
  f = new GitFixture()
})
afterEach(() => f.remove())

const ID = '00000000-0000-4000-8000-000000000001'
const stateJson = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: 2,
    file: `/tmp/bitbucket-oauth-git-${ID}.gitconfig`,
    globalFile: `/tmp/bitbucket-oauth-global-${ID}.gitconfig`,
    ...over,
  })

describe('cleanupGitCredentials', () => {
  test('missing state: nothing to do, no warning', async () => {
    const lines: string[] = []
    await cleanupGitCredentials(f.cleanupDeps({}, lines))
    expect(lines).toEqual(['debug: No git credentials to remove.'])
  })

  test.each([
    ['not JSON', '{oops', /not JSON/],
    ['another shape', '{"version":1,"file":"/tmp/x"}', /unknown shape/],
    ['a file the action does not write', stateJson({ file: '/home/runner/.ssh/id_rsa' }), /does not write/],
    [
      'a global file elsewhere',
      stateJson({ globalFile: `/etc/bitbucket-oauth-global-${ID}.gitconfig` }),
      /does not write/,
    ],
    ['a relative earlier GIT_CONFIG_GLOBAL', stateJson({ previousGlobal: '.gitconfig' }), /no usable earlier/],
  ])('corrupt state (%s): a warning, nothing touched', async (_name, raw, message) => {
    const lines: string[] = []
    const exported: Record<string, string> = {}
    await cleanupGitCredentials(f.cleanupDeps({ 'git-credentials': raw }, lines, exported))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^warning: Could not remove the git credentials/)
    expect(lines[0]).toMatch(message)
    expect(exported).toEqual({})
  })

  test('deletes both files; the user files, even written by a later step, are left as they are', async () => {
    const gitconfig = path.join(f.home, '.gitconfig')
    fs.writeFileSync(gitconfig, '[user]\n\tname = Octo\n[include]\n\tpath = /opt/team.gitconfig\n')
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    const lines: string[] = []
    const exported: Record<string, string> = {}
    await cleanupGitCredentials(f.cleanupDeps(rec.state, lines, exported))
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([])
    expect(lines).toContain('Removed the git credentials that this action set up for later steps.')
    expect(fs.readFileSync(gitconfig, 'utf8')).toBe('[user]\n\tname = Octo\n[include]\n\tpath = /opt/team.gitconfig\n')
    expect(fs.readdirSync(f.runnerTemp)).toEqual([])
    expect(exported).toEqual({}) // nothing was set before: nothing to set back
  })

  test('an earlier GIT_CONFIG_GLOBAL is set back for the steps after the post step', async () => {
    const earlier = path.join(f.root, 'earlier.gitconfig')
    fs.writeFileSync(earlier, '[color]\n\tui = auto\n')
    f.env.GIT_CONFIG_GLOBAL = earlier
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    const exported: Record<string, string> = {}
    await cleanupGitCredentials(f.cleanupDeps(rec.state, [], exported))
    expect(exported).toEqual({ GIT_CONFIG_GLOBAL: earlier })
    expect(fs.readFileSync(earlier, 'utf8')).toBe('[color]\n\tui = auto\n')
    expect(fs.readdirSync(f.runnerTemp)).toEqual([])
  })

  test('a file that cannot be deleted is a warning naming it; the other is deleted anyway', async () => {
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    const { file, globalFile } = JSON.parse(rec.state['git-credentials']!) as { file: string; globalFile: string }
    fs.unlinkSync(globalFile)
    fs.mkdirSync(globalFile) // unlink fails on a directory (EISDIR, EPERM)
    const lines: string[] = []
    await cleanupGitCredentials(f.cleanupDeps(rec.state, lines))
    expect(fs.existsSync(file)).toBe(false)
    const warnings = lines.filter((l) => l.startsWith('warning'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`could not delete the job's git configuration ${globalFile}`)
    expect(warnings[0]).toMatch(/delete it by hand\. Check RUNNER_TEMP for bitbucket-oauth-git-\*\.gitconfig/)
  })

  test('running twice is harmless (second run finds nothing left)', async () => {
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    await cleanupGitCredentials(f.cleanupDeps(rec.state, []))
    const lines: string[] = []
    await cleanupGitCredentials(f.cleanupDeps(rec.state, lines))
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([])
  })
})

describe('parseGitState on a Windows runner', () => {
  test('drive-letter paths are absolute; the files must be ours and side by side', () => {
    const win = stateJson({
      file: `D:\\a\\_temp\\bitbucket-oauth-git-${ID}.gitconfig`,
      globalFile: `D:\\a\\_temp\\bitbucket-oauth-global-${ID}.gitconfig`,
      previousGlobal: 'C:\\Users\\runneradmin\\.gitconfig',
    })
    expect(parseGitState(win, path.win32)).toMatchObject({ previousGlobal: 'C:\\Users\\runneradmin\\.gitconfig' })
    expect(() => parseGitState(win, path.posix)).toThrow(/does not write/)
    expect(() =>
      parseGitState(stateJson({ file: `D:\\a\\_temp\\bitbucket-oauth-git-${ID}.gitconfig` }), path.win32),
    ).toThrow(/does not write/)
  })
})
