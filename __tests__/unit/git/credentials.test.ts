import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { configureGitCredentials, setupGitCredentials } from '../../../src/git/credentials.ts'
import { basicCredential } from '../../../src/bitbucket/cloud/provider.ts'
import { cleanupGitCredentials } from '../../../src/git/cleanup.ts'
import { gitRunner, type GitRunner } from '../../../src/git/runner.ts'
import { ActionError } from '../../../src/shared/errors.ts'
import { GitFixture, TOKEN, newRecord, type Recorded } from '../../helpers/git-step.ts'

let f: GitFixture
beforeEach(() => {
  f = new GitFixture()
})
afterEach(() => f.remove())

/** File modes and `#!/bin/sh` shims are POSIX's: on Windows the runner profile's ACLs guard RUNNER_TEMP. */
const posixTest = process.platform === 'win32' ? test.skip : test

const stateOf = (rec: Recorded) =>
  JSON.parse(rec.state['git-credentials']!) as { file: string; globalFile: string; previousGlobal?: string }

describe('configureGitCredentials', () => {
  test('bitbucket.org: the Basic header for https://bitbucket.org only, SSH URLs rewritten, nothing secret on argv', async () => {
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    const basic = basicCredential(TOKEN)
    expect(rec.secrets).toEqual(expect.arrayContaining([TOKEN, basic]))
    const later = (args: string[]) => f.gitOut(args, rec)

    expect(await later(['ls-remote', '--get-url', 'git@bitbucket.org:acme/lib.git'])).toBe(
      'https://bitbucket.org/acme/lib.git',
    )
    expect(await later(['ls-remote', '--get-url', 'ssh://git@bitbucket.org/acme/lib.git'])).toBe(
      'https://bitbucket.org/acme/lib.git',
    )
    expect(await later(['ls-remote', '--get-url', 'git@github.com:acme/lib.git'])).toBe('git@github.com:acme/lib.git')

    const header = (url: string) => later(['config', '--get-urlmatch', 'http.extraheader', url])
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
    // The action's own git calls: the version check only, nothing secret.
    expect(f.argv).toEqual([['--version']])
    expect(rec.lines.join('\n')).not.toContain(TOKEN)
    expect(rec.lines.join('\n')).toContain('rewrites git@bitbucket.org:')
  })

  test("the job's global configuration: the user's files first, the credential last, exported as GIT_CONFIG_GLOBAL", async () => {
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    const { file, globalFile, previousGlobal } = stateOf(rec)
    expect(rec.exported).toEqual({ GIT_CONFIG_GLOBAL: globalFile })
    expect(previousGlobal).toBeUndefined()
    expect(path.dirname(globalFile)).toBe(f.runnerTemp)
    expect(path.basename(globalFile)).toMatch(/^bitbucket-oauth-global-[0-9a-f-]{36}\.gitconfig$/)
    if (process.platform !== 'win32') expect(fs.statSync(globalFile).mode & 0o777).toBe(0o600)
    expect(fs.readFileSync(globalFile, 'utf8').split('\n').slice(2)).toEqual([
      '[include]',
      '\tpath = "~/.config/git/config"',
      '\tpath = "~/.gitconfig"',
      `\tpath = "${file}"`,
      '',
    ])
    // The user's HOME is untouched: no ~/.gitconfig was created.
    expect(fs.readdirSync(f.home)).toEqual([])
  })

  test("the user's own global settings (XDG and ~/.gitconfig, with their includes) still apply in later steps", async () => {
    fs.mkdirSync(path.join(f.home, '.config', 'git'), { recursive: true })
    fs.writeFileSync(path.join(f.home, '.config', 'git', 'config'), '[core]\n\teditor = nano\n[user]\n\tname = Xdg\n')
    fs.writeFileSync(path.join(f.home, 'team.gitconfig'), '[alias]\n\tst = status\n')
    const gitconfig = '[user]\n\tname = Octo Cat\n[include]\n\tpath = team.gitconfig\n[safe]\n\tdirectory = /srv/repo\n'
    fs.writeFileSync(path.join(f.home, '.gitconfig'), gitconfig)
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    const later = (args: string[]) => f.gitOut(args, rec)
    expect(await later(['config', 'user.name'])).toBe('Octo Cat') // ~/.gitconfig wins over XDG, as without the action
    expect(await later(['config', 'core.editor'])).toBe('nano')
    expect(await later(['config', 'alias.st'])).toBe('status') // relative include, relative to ~/.gitconfig
    expect(await later(['config', '--get-all', 'safe.directory'])).toBe('/srv/repo')
    expect(fs.readFileSync(path.join(f.home, '.gitconfig'), 'utf8')).toBe(gitconfig)
  })

  test('an earlier GIT_CONFIG_GLOBAL (a second use in the job) is included and recorded, to be set back', async () => {
    const earlier = path.join(f.root, 'earlier.gitconfig')
    fs.writeFileSync(earlier, '[user]\n\tname = Earlier\n')
    f.env.GIT_CONFIG_GLOBAL = earlier
    const rec = newRecord()
    await configureGitCredentials(f.context('https://bitbucket.org', rec), f.deps())
    const { file, globalFile, previousGlobal } = stateOf(rec)
    expect(previousGlobal).toBe(earlier)
    expect(fs.readFileSync(globalFile, 'utf8')).toContain(`[include]\n\tpath = "${earlier}"\n\tpath = "${file}"\n`)
    expect(await f.gitOut(['config', 'user.name'], rec)).toBe('Earlier')
    expect(fs.readFileSync(earlier, 'utf8')).toBe('[user]\n\tname = Earlier\n')
  })

  test('another site gets no SSH rewrite; its port and path prefix are kept to scheme://host:port/', async () => {
    const rec = newRecord()
    await configureGitCredentials(f.context('https://git.example.com:8443/bitbucket', rec), f.deps())
    const content = fs.readFileSync(stateOf(rec).file, 'utf8')
    expect(content).toContain('[http "https://git.example.com:8443/"]')
    expect(content).not.toContain('insteadOf')
    expect(await f.gitOut(['ls-remote', '--get-url', 'git@bitbucket.org:acme/lib.git'], rec)).toBe(
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
    expect(rec.state).toEqual({})
    expect(rec.exported).toEqual({})
  })

  test('a RUNNER_TEMP inside the workspace in another case is refused on Windows and macOS', async () => {
    const upper = f.workspace.toUpperCase()
    const rec = newRecord()
    for (const platform of ['win32', 'darwin'] as const) {
      await expect(
        configureGitCredentials(
          f.context('https://bitbucket.org', rec, { runnerTemp: path.join(f.workspace, 'tmp'), workspace: upper }),
          { ...f.deps(), platform },
        ),
      ).rejects.toThrow(/RUNNER_TEMP .* lies inside the workspace/)
    }
    expect(rec.state).toEqual({})
  })

  test('git older than 2.32 (no GIT_CONFIG_GLOBAL): a clear error before anything is written', async () => {
    const rec = newRecord()
    const old: GitRunner = async () => ({ code: 0, stdout: 'git version 2.25.1\n', stderr: '' })
    await expect(
      configureGitCredentials(f.context('https://bitbucket.org', rec), { ...f.deps(), git: old }),
    ).rejects.toThrow(
      /^`git-credentials: true` needs git 2\.32 or later \(it gives later steps a job-scoped global configuration through GIT_CONFIG_GLOBAL, which older git ignores\); this runner has git 2\.25\. Install a newer git/,
    )
    expect(rec.state).toEqual({})
    expect(fs.readdirSync(f.runnerTemp)).toEqual([])
    for (const version of ['git version 2.32.0', 'git version 2.45.2.windows.1', 'git version 3.0.0']) {
      const r = newRecord()
      const ok: GitRunner = async () => ({ code: 0, stdout: `${version}\n`, stderr: '' })
      await configureGitCredentials(f.context('https://bitbucket.org', r), { ...f.deps(), git: ok })
      expect(r.exported.GIT_CONFIG_GLOBAL).toBeDefined()
    }
  })

  posixTest("the action's git gets no secret in its environment, the exported token included", async () => {
    const seen = path.join(f.root, 'env.txt')
    const bin = path.join(f.root, 'bin')
    fs.mkdirSync(bin)
    fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\nenv > '${seen}'\necho 'git version 2.40.0'\n`, { mode: 0o755 })
    const rec = newRecord()
    const ctx = f.context('https://bitbucket.org', rec, { exportEnv: 'MY_BB_TOKEN' })
    ctx.env = {
      ...f.env,
      PATH: `${bin}${path.delimiter}${f.env.PATH}`,
      MY_BB_TOKEN: 'earlier-token-value', // exported by an earlier use of the action (not masked in this step)
      BITBUCKET_ACCESS_TOKEN: 'an-older-token-value',
      SOMETHING_ELSE: `prefix-${TOKEN}`,
      'INPUT_CLIENT-SECRET': 'input-secret',
      ACTIONS_RUNTIME_TOKEN: 'runtime-token',
    }
    ctx.masker.add(TOKEN)
    await setupGitCredentials(ctx)
    const env = fs.readFileSync(seen, 'utf8')
    for (const name of [
      'MY_BB_TOKEN',
      'BITBUCKET_ACCESS_TOKEN',
      'SOMETHING_ELSE',
      'INPUT_CLIENT-SECRET',
      'ACTIONS_RUNTIME_TOKEN',
    ])
      expect(env).not.toContain(`${name}=`)
    expect(env).not.toContain(TOKEN)
    expect(env).not.toContain('earlier-token-value')
    expect(env).toContain(`HOME=${f.home}`)
    expect(env).toContain('GIT_TERMINAL_PROMPT=0')
  })
})

describe('without git on PATH', () => {
  test('the main step says to install git, and writes nothing', async () => {
    const noGit = gitRunner({ ...f.env, PATH: path.join(f.root, 'empty-bin') })
    const rec = newRecord()
    await expect(
      configureGitCredentials(f.context('https://bitbucket.org', rec), { ...f.deps(), git: noGit }),
    ).rejects.toThrow(/needs git on PATH.*Install git/)
    expect(rec.state).toEqual({})
    expect(fs.readdirSync(f.runnerTemp)).toEqual([])
  })
})

describe('setupGitCredentials', () => {
  test("git runs with the step's environment (its HOME), never the process's; the post step removes both files", async () => {
    const rec = newRecord()
    await setupGitCredentials(f.context('https://bitbucket.org', rec))
    const { file, globalFile } = stateOf(rec)
    expect(fs.existsSync(file) && fs.existsSync(globalFile)).toBe(true)
    await cleanupGitCredentials(f.cleanupDeps(rec.state, []))
    expect(fs.readdirSync(f.runnerTemp)).toEqual([])
    expect(fs.readdirSync(f.home)).toEqual([])
  })
})
