import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { configureGitCredentials } from '../../../src/git/credentials.ts'
import { cleanupGitCredentials } from '../../../src/git/cleanup.ts'
import { gitRunner, type GitRunner } from '../../../src/git/runner.ts'
import { GitFixture, newRecord } from '../../helpers/git-step.ts'

let f: GitFixture
beforeEach(() => {
  f = new GitFixture()
})
afterEach(() => f.remove())

describe('cleanupGitCredentials', () => {
  test('missing state: nothing to do, no warning', async () => {
    const lines: string[] = []
    await cleanupGitCredentials(f.cleanupDeps({}, lines))
    expect(lines).toEqual(['debug: No git credentials to remove.'])
    expect(f.argv).toEqual([])
  })

  test.each([
    ['not JSON', '{oops', /not JSON/],
    ['another shape', '{"version":2}', /unknown shape/],
    ['a file the action does not write', JSON.stringify({ version: 1, file: '/etc/passwd' }), /does not write/],
    [
      'a relative config file',
      JSON.stringify({
        version: 1,
        file: '/tmp/bitbucket-oauth-git-00000000-0000-4000-8000-000000000001.gitconfig',
        configFile: '.gitconfig',
      }),
      /no usable git config/,
    ],
  ])('corrupt state (%s): a warning, nothing touched', async (_name, raw, message) => {
    const lines: string[] = []
    await cleanupGitCredentials(f.cleanupDeps({ 'git-credentials': raw }, lines))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^warning: Could not remove the git credentials/)
    expect(lines[0]).toMatch(message)
    expect(f.argv).toEqual([])
  })

  test("leaves the user's includes and settings byte for byte, even an include added after ours", async () => {
    const gitconfig = path.join(f.home, '.gitconfig')
    fs.writeFileSync(gitconfig, '[user]\n\tname = Octo\n[include]\n\tpath = /opt/team.gitconfig\n')
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    // A later step adds its own include and a setting.
    await gitRunner(f.env)(['config', '--global', '--add', 'include.path', '/opt/later.gitconfig'])
    await gitRunner(f.env)(['config', '--global', 'core.editor', 'vim'])
    const lines: string[] = []
    await cleanupGitCredentials(f.cleanupDeps(rec.state, lines))
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([])
    expect(fs.readFileSync(gitconfig, 'utf8')).toBe(
      '[user]\n\tname = Octo\n[include]\n\tpath = /opt/team.gitconfig\n\tpath = /opt/later.gitconfig\n[core]\n\teditor = vim\n',
    )
    expect(fs.readdirSync(f.runnerTemp)).toEqual([])
  })

  test('keeps a config file it created once a later step wrote to it', async () => {
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    expect(JSON.parse(rec.state['git-credentials']!)).toMatchObject({
      configFile: path.join(f.home, '.gitconfig'),
      createdConfig: true,
    })
    await gitRunner(f.env)(['config', '--global', 'user.name', 'Later Step'])
    await cleanupGitCredentials(f.cleanupDeps(rec.state, []))
    expect(fs.readFileSync(path.join(f.home, '.gitconfig'), 'utf8')).toBe('[user]\n\tname = Later Step\n')
  })

  test('GIT_CONFIG_GLOBAL is honoured: the include goes there and is removed from there', async () => {
    const custom = path.join(f.root, 'custom.gitconfig')
    fs.writeFileSync(custom, '[color]\n\tui = auto\n')
    f.env.GIT_CONFIG_GLOBAL = custom
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), { ...f.deps(), git: gitRunner(f.env) })
    expect(JSON.parse(rec.state['git-credentials']!)).toMatchObject({ configFile: custom, createdConfig: false })
    expect(fs.existsSync(path.join(f.home, '.gitconfig'))).toBe(false)
    delete f.env.GIT_CONFIG_GLOBAL // the post step finds the file from the state, not from its environment
    await cleanupGitCredentials(f.cleanupDeps(rec.state, [], gitRunner(f.env)))
    expect(fs.readFileSync(custom, 'utf8')).toBe('[color]\n\tui = auto\n')
  })

  test('a git failure is a warning, and the credential file is deleted anyway', async () => {
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    const file = (JSON.parse(rec.state['git-credentials']!) as { file: string }).file
    const lines: string[] = []
    const broken: GitRunner = async () => ({ code: 255, stdout: '', stderr: 'error: could not lock config file' })
    await cleanupGitCredentials(f.cleanupDeps(rec.state, lines, broken))
    expect(fs.existsSync(file)).toBe(false)
    const warnings = lines.filter((l) => l.startsWith('warning'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /could not remove the include line.*could not lock config file.*Check the global git configuration/,
    )
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
