import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { configureGitCredentials, setupGitCredentials } from '../../../src/git/credentials.ts'
import { basicCredential } from '../../../src/bitbucket/cloud/provider.ts'
import { cleanupGitCredentials } from '../../../src/git/cleanup.ts'
import { gitRunner, type GitRunner } from '../../../src/git/runner.ts'
import { ActionError } from '../../../src/shared/errors.ts'
import { GitFixture, TOKEN, newRecord } from '../../helpers/git-step.ts'

let f: GitFixture
beforeEach(() => {
  f = new GitFixture()
})
afterEach(() => f.remove())

describe('configureGitCredentials', () => {
  test('bitbucket.org: the Basic header for https://bitbucket.org only, SSH URLs rewritten, nothing secret on argv', async () => {
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    const basic = basicCredential(TOKEN)
    expect(rec.secrets).toEqual(expect.arrayContaining([TOKEN, basic]))

    expect(await f.gitOut(['ls-remote', '--get-url', 'git@bitbucket.org:acme/lib.git'])).toBe(
      'https://bitbucket.org/acme/lib.git',
    )
    expect(await f.gitOut(['ls-remote', '--get-url', 'ssh://git@bitbucket.org/acme/lib.git'])).toBe(
      'https://bitbucket.org/acme/lib.git',
    )
    expect(await f.gitOut(['ls-remote', '--get-url', 'git@github.com:acme/lib.git'])).toBe(
      'git@github.com:acme/lib.git',
    )

    const header = (url: string) => f.gitOut(['config', '--get-urlmatch', 'http.extraheader', url])
    expect(await header('https://bitbucket.org/acme/lib.git')).toBe(`AUTHORIZATION: basic ${basic}`)
    expect(await header('https://bitbucket.org:443/acme/lib.git')).toBe(`AUTHORIZATION: basic ${basic}`)
    for (const other of [
      'http://bitbucket.org/acme/lib.git',
      'https://bitbucket.org:8443/acme/lib.git',
      'https://bitbucket.org.evil.example/acme/lib.git',
      'https://api.bitbucket.org/2.0',
      'https://github.com/acme/lib.git',
    ]) {
      expect(await header(other)).toBe('')
    }
    for (const args of f.argv)
      expect(args.join(' ')).not.toMatch(new RegExp(`${TOKEN}|${basic.replace(/[+/=]/g, '.')}`))
    expect(rec.lines.join('\n')).not.toContain(TOKEN)
    expect(rec.lines.join('\n')).toContain('rewrites git@bitbucket.org:')
  })

  test('another site gets no SSH rewrite; its port and path prefix are kept to scheme://host:port/', async () => {
    const rec = newRecord()
    await configureGitCredentials(f.context('https://git.example.com:8443/bitbucket', rec), f.deps())
    const file = (JSON.parse(rec.state['git-credentials']!) as { file: string }).file
    const content = fs.readFileSync(file, 'utf8')
    expect(content).toContain('[http "https://git.example.com:8443/"]')
    expect(content).not.toContain('insteadOf')
    expect(await f.gitOut(['ls-remote', '--get-url', 'git@bitbucket.org:acme/lib.git'])).toBe(
      'git@bitbucket.org:acme/lib.git',
    )
  })

  test('refuses a RUNNER_TEMP inside the workspace, before writing anything', async () => {
    const rec = newRecord()
    const inside = path.join(f.workspace, 'tmp')
    await expect(
      configureGitCredentials(f.context('https://bitbucket.org', rec, { runnerTemp: inside }), f.deps()),
    ).rejects.toThrow(ActionError)
    expect(fs.existsSync(inside)).toBe(false)
    expect(fs.existsSync(path.join(f.home, '.gitconfig'))).toBe(false)
    expect(rec.state).toEqual({})
  })

  test('git that cannot write the global config: a clear error, and the post step still removes the file', async () => {
    const rec = newRecord()
    const failing: GitRunner = async (args) =>
      args.includes('--add')
        ? { code: 255, stdout: '', stderr: 'error: could not lock config file /x/.gitconfig: Permission denied' }
        : f.git(args)
    await expect(
      configureGitCredentials(f.context('https://bitbucket.org', rec), { ...f.deps(), git: failing }),
    ).rejects.toThrow(/could not lock config file.*Check that HOME/)
    const file = (JSON.parse(rec.state['git-credentials']!) as { file: string }).file
    expect(fs.existsSync(file)).toBe(true)
    const lines: string[] = []
    await cleanupGitCredentials(f.cleanupDeps(rec.state, lines))
    expect(fs.existsSync(file)).toBe(false)
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([])
  })
})

describe('without git on PATH', () => {
  test('the main step says to install git; the post step deletes the file, with nothing else to do', async () => {
    const noGit = gitRunner({ ...f.env, PATH: path.join(f.root, 'empty-bin') })
    const rec = newRecord()
    await expect(
      configureGitCredentials(f.context('https://bitbucket.org', rec), { ...f.deps(), git: noGit }),
    ).rejects.toThrow(/needs git on PATH.*Install git/)
    const file = (JSON.parse(rec.state['git-credentials']!) as { file: string }).file
    const lines: string[] = []
    await cleanupGitCredentials(f.cleanupDeps(rec.state, lines, noGit))
    expect(fs.existsSync(file)).toBe(false)
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([])
  })

  test('git gone by the post step: the file is deleted and a warning names the include line left behind', async () => {
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    const file = (JSON.parse(rec.state['git-credentials']!) as { file: string }).file
    const lines: string[] = []
    await cleanupGitCredentials(
      f.cleanupDeps(rec.state, lines, gitRunner({ ...f.env, PATH: path.join(f.root, 'empty-bin') })),
    )
    expect(fs.existsSync(file)).toBe(false)
    expect(lines.filter((l) => l.startsWith('warning')).join('\n')).toMatch(
      /git is no longer on PATH, so the include line stays/,
    )
  })
})

describe('setupGitCredentials', () => {
  test("git runs with the step's environment (its HOME), never the process's", async () => {
    const rec = newRecord()
    await setupGitCredentials(f.context('https://bitbucket.org', rec))
    const file = GitFixture.credentialFile(rec)
    expect(fs.readFileSync(path.join(f.home, '.gitconfig'), 'utf8')).toContain(file)
    await cleanupGitCredentials(f.cleanupDeps(rec.state, []))
    expect(fs.existsSync(file)).toBe(false)
  })
})
