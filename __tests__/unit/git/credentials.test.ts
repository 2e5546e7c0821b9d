import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { configureGitCredentials, basicCredential } from '../../../src/git/credentials.ts'
import { cleanupGitCredentials, type CleanupDeps } from '../../../src/git/cleanup.ts'
import { gitRunner, type GitRunner } from '../../../src/git/runner.ts'
import type { Config } from '../../../src/action/inputs.ts'
import { Masker } from '../../../src/shared/mask.ts'
import type { ActionCore, StepContext } from '../../../src/action/run.ts'
import { writeSecretFile } from '../../../src/shared/fs-safe.ts'
import { ActionError } from '../../../src/shared/errors.ts'

const TOKEN = 'tok_' + 'A1b2C3d4'.repeat(12)

let root: string
let home: string
let runnerTemp: string
let workspace: string
let env: NodeJS.ProcessEnv
let argv: string[][]
let git: GitRunner
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-unit-git-'))
  home = path.join(root, 'home')
  runnerTemp = path.join(root, 'temp')
  workspace = path.join(root, 'workspace')
  for (const d of [home, runnerTemp, workspace]) fs.mkdirSync(d)
  env = { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1', LANG: 'C' }
  argv = []
  const real = gitRunner(env)
  // Records every git call: no secret may ever be on a command line.
  git = (args) => {
    argv.push(args)
    return real(args)
  }
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

interface Recorded {
  state: Record<string, string>
  lines: string[]
  secrets: string[]
}

function context(bitbucketUrl: string, rec: Recorded, overrides: Partial<Config> = {}): StepContext {
  const core: ActionCore = {
    getInput: () => '',
    setOutput: () => {},
    exportVariable: () => {},
    saveState: (name, value) => void (rec.state[name] = value),
    info: (m) => void rec.lines.push(m),
    warning: (m) => void rec.lines.push(`warning: ${m}`),
    debug: (m) => void rec.lines.push(`debug: ${m}`),
    appendSummary: async () => {},
  }
  const config = { bitbucketUrl: new URL(bitbucketUrl), workspace, runnerTemp, ...overrides } as Config
  return {
    core,
    http: undefined as never,
    masker: new Masker((s) => void rec.secrets.push(s)),
    config,
    accessToken: TOKEN,
  }
}

const newRecord = (): Recorded => ({ state: {}, lines: [], secrets: [] })
let ids = 0
const deps = () => ({ git, env, newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}` })

function cleanupDeps(state: Record<string, string>, lines: string[], runner = git): CleanupDeps {
  return {
    getState: (name) => state[name] ?? '',
    git: runner,
    info: (m) => void lines.push(m),
    warning: (m) => void lines.push(`warning: ${m}`),
    debug: (m) => void lines.push(`debug: ${m}`),
  }
}

async function gitOut(args: string[]): Promise<string> {
  return (await gitRunner(env)(args)).stdout.trim()
}

describe('configureGitCredentials', () => {
  test('bitbucket.org: the Basic header for https://bitbucket.org only, SSH URLs rewritten, nothing secret on argv', async () => {
    const rec = newRecord()
    await configureGitCredentials(context('https://bitbucket.org', rec), deps())
    const basic = basicCredential(TOKEN)
    expect(rec.secrets).toEqual(expect.arrayContaining([TOKEN, basic]))

    expect(await gitOut(['ls-remote', '--get-url', 'git@bitbucket.org:acme/lib.git'])).toBe(
      'https://bitbucket.org/acme/lib.git',
    )
    expect(await gitOut(['ls-remote', '--get-url', 'ssh://git@bitbucket.org/acme/lib.git'])).toBe(
      'https://bitbucket.org/acme/lib.git',
    )
    expect(await gitOut(['ls-remote', '--get-url', 'git@github.com:acme/lib.git'])).toBe('git@github.com:acme/lib.git')

    const header = (url: string) => gitOut(['config', '--get-urlmatch', 'http.extraheader', url])
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
    for (const args of argv) expect(args.join(' ')).not.toMatch(new RegExp(`${TOKEN}|${basic.replace(/[+/=]/g, '.')}`))
    expect(rec.lines.join('\n')).not.toContain(TOKEN)
    expect(rec.lines.join('\n')).toContain('rewrites git@bitbucket.org:')
  })

  test('another site gets no SSH rewrite; its port and path prefix are kept to scheme://host:port/', async () => {
    const rec = newRecord()
    await configureGitCredentials(context('https://git.example.com:8443/bitbucket', rec), deps())
    const file = (JSON.parse(rec.state['git-credentials']!) as { file: string }).file
    const content = fs.readFileSync(file, 'utf8')
    expect(content).toContain('[http "https://git.example.com:8443/"]')
    expect(content).not.toContain('insteadOf')
    expect(await gitOut(['ls-remote', '--get-url', 'git@bitbucket.org:acme/lib.git'])).toBe(
      'git@bitbucket.org:acme/lib.git',
    )
  })

  test('refuses a RUNNER_TEMP inside the workspace, before writing anything', async () => {
    const rec = newRecord()
    const inside = path.join(workspace, 'tmp')
    await expect(
      configureGitCredentials(context('https://bitbucket.org', rec, { runnerTemp: inside }), deps()),
    ).rejects.toThrow(ActionError)
    expect(fs.existsSync(inside)).toBe(false)
    expect(fs.existsSync(path.join(home, '.gitconfig'))).toBe(false)
    expect(rec.state).toEqual({})
  })

  test('git that cannot write the global config: a clear error, and the post step still removes the file', async () => {
    const rec = newRecord()
    const failing: GitRunner = async (args) =>
      args.includes('--add')
        ? { code: 255, stdout: '', stderr: 'error: could not lock config file /x/.gitconfig: Permission denied' }
        : git(args)
    await expect(
      configureGitCredentials(context('https://bitbucket.org', rec), { ...deps(), git: failing }),
    ).rejects.toThrow(/could not lock config file.*Check that HOME/)
    const file = (JSON.parse(rec.state['git-credentials']!) as { file: string }).file
    expect(fs.existsSync(file)).toBe(true)
    const lines: string[] = []
    await cleanupGitCredentials(cleanupDeps(rec.state, lines))
    expect(fs.existsSync(file)).toBe(false)
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([])
  })
})

describe('without git on PATH', () => {
  test('the main step says to install git; the post step deletes the file, with nothing else to do', async () => {
    const noGit = gitRunner({ ...env, PATH: path.join(root, 'empty-bin') })
    const rec = newRecord()
    await expect(
      configureGitCredentials(context('https://bitbucket.org', rec), { ...deps(), git: noGit }),
    ).rejects.toThrow(/needs git on PATH.*Install git/)
    const file = (JSON.parse(rec.state['git-credentials']!) as { file: string }).file
    const lines: string[] = []
    await cleanupGitCredentials(cleanupDeps(rec.state, lines, noGit))
    expect(fs.existsSync(file)).toBe(false)
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([])
  })

  test('git gone by the post step: the file is deleted and a warning names the include line left behind', async () => {
    const rec = newRecord()
    await configureGitCredentials(context('https://bitbucket.org', rec), deps())
    const file = (JSON.parse(rec.state['git-credentials']!) as { file: string }).file
    const lines: string[] = []
    await cleanupGitCredentials(
      cleanupDeps(rec.state, lines, gitRunner({ ...env, PATH: path.join(root, 'empty-bin') })),
    )
    expect(fs.existsSync(file)).toBe(false)
    expect(lines.filter((l) => l.startsWith('warning')).join('\n')).toMatch(
      /git is no longer on PATH, so the include line stays/,
    )
  })
})

describe('cleanupGitCredentials', () => {
  test('missing state: nothing to do, no warning', async () => {
    const lines: string[] = []
    await cleanupGitCredentials(cleanupDeps({}, lines))
    expect(lines).toEqual(['debug: No git credentials to remove.'])
    expect(argv).toEqual([])
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
    await cleanupGitCredentials(cleanupDeps({ 'git-credentials': raw }, lines))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^warning: Could not remove the git credentials/)
    expect(lines[0]).toMatch(message)
    expect(argv).toEqual([])
  })

  test("leaves the user's includes and settings byte for byte, even an include added after ours", async () => {
    const gitconfig = path.join(home, '.gitconfig')
    fs.writeFileSync(gitconfig, '[user]\n\tname = Octo\n[include]\n\tpath = /opt/team.gitconfig\n')
    const rec = newRecord()
    await configureGitCredentials(context('https://bitbucket.org', rec), deps())
    // A later step adds its own include and a setting.
    await gitRunner(env)(['config', '--global', '--add', 'include.path', '/opt/later.gitconfig'])
    await gitRunner(env)(['config', '--global', 'core.editor', 'vim'])
    const lines: string[] = []
    await cleanupGitCredentials(cleanupDeps(rec.state, lines))
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([])
    expect(fs.readFileSync(gitconfig, 'utf8')).toBe(
      '[user]\n\tname = Octo\n[include]\n\tpath = /opt/team.gitconfig\n\tpath = /opt/later.gitconfig\n[core]\n\teditor = vim\n',
    )
    expect(fs.readdirSync(runnerTemp)).toEqual([])
  })

  test('keeps a config file it created once a later step wrote to it', async () => {
    const rec = newRecord()
    await configureGitCredentials(context('https://bitbucket.org', rec), deps())
    expect(JSON.parse(rec.state['git-credentials']!)).toMatchObject({
      configFile: path.join(home, '.gitconfig'),
      createdConfig: true,
    })
    await gitRunner(env)(['config', '--global', 'user.name', 'Later Step'])
    await cleanupGitCredentials(cleanupDeps(rec.state, []))
    expect(fs.readFileSync(path.join(home, '.gitconfig'), 'utf8')).toBe('[user]\n\tname = Later Step\n')
  })

  test('GIT_CONFIG_GLOBAL is honoured: the include goes there and is removed from there', async () => {
    const custom = path.join(root, 'custom.gitconfig')
    fs.writeFileSync(custom, '[color]\n\tui = auto\n')
    env.GIT_CONFIG_GLOBAL = custom
    const rec = newRecord()
    await configureGitCredentials(context('https://bitbucket.org', rec), { ...deps(), git: gitRunner(env) })
    expect(JSON.parse(rec.state['git-credentials']!)).toMatchObject({ configFile: custom, createdConfig: false })
    expect(fs.existsSync(path.join(home, '.gitconfig'))).toBe(false)
    delete env.GIT_CONFIG_GLOBAL // the post step finds the file from the state, not from its environment
    await cleanupGitCredentials(cleanupDeps(rec.state, [], gitRunner(env)))
    expect(fs.readFileSync(custom, 'utf8')).toBe('[color]\n\tui = auto\n')
  })

  test('a git failure is a warning, and the credential file is deleted anyway', async () => {
    const rec = newRecord()
    await configureGitCredentials(context('https://bitbucket.org', rec), deps())
    const file = (JSON.parse(rec.state['git-credentials']!) as { file: string }).file
    const lines: string[] = []
    const broken: GitRunner = async () => ({ code: 255, stdout: '', stderr: 'error: could not lock config file' })
    await cleanupGitCredentials(cleanupDeps(rec.state, lines, broken))
    expect(fs.existsSync(file)).toBe(false)
    const warnings = lines.filter((l) => l.startsWith('warning'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /could not remove the include line.*could not lock config file.*Check the global git configuration/,
    )
  })

  test('running twice is harmless (second run finds nothing left)', async () => {
    const rec = newRecord()
    await configureGitCredentials(context('https://bitbucket.org', rec), deps())
    await cleanupGitCredentials(cleanupDeps(rec.state, []))
    const lines: string[] = []
    await cleanupGitCredentials(cleanupDeps(rec.state, lines))
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([])
  })
})

describe('writeSecretFile', () => {
  test('creates the file with mode 0600, whatever the umask', () => {
    const old = process.umask(0)
    try {
      const file = path.join(runnerTemp, 'secret')
      writeSecretFile(file, 'content')
      expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      expect(fs.readFileSync(file, 'utf8')).toBe('content')
    } finally {
      process.umask(old)
    }
  })

  test('never writes through a symlink or over an existing file', () => {
    const target = path.join(root, 'target')
    fs.writeFileSync(target, 'original')
    const link = path.join(runnerTemp, 'link')
    fs.symlinkSync(target, link)
    expect(() => writeSecretFile(link, 'secret')).toThrow(/EEXIST/)
    const dangling = path.join(runnerTemp, 'dangling')
    fs.symlinkSync(path.join(root, 'nowhere'), dangling)
    expect(() => writeSecretFile(dangling, 'secret')).toThrow(/EEXIST/)
    expect(fs.existsSync(path.join(root, 'nowhere'))).toBe(false)
    expect(() => writeSecretFile(target, 'secret')).toThrow(/EEXIST/)
    expect(fs.readFileSync(target, 'utf8')).toBe('original')
  })
})
