import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { configurePackageManagers, type PackageManagerDeps } from '../../../src/package-managers/index.ts'
import { cleanupPackageManagers } from '../../../src/package-managers/cleanup.ts'
import { PACKAGE_MANAGERS_STATE_KEY } from '../../../src/package-managers/state.ts'
import type { Config } from '../../../src/action/inputs.ts'
import type { ActionCore, StepContext } from '../../../src/action/run.ts'
import type { PackageManager } from '../../../src/package-managers/names.ts'
import { Masker } from '../../../src/shared/mask.ts'
import { CLOUD } from '../../../src/bitbucket/cloud/provider.ts'
import { DATACENTER } from '../../../src/bitbucket/datacenter/provider.ts'

const TOKEN = 'tok_' + 'Z9y8X7w6'.repeat(10)
const ID = '0123abcd-4567-89ef-0123-456789abcdef'

let root: string
let home: string
let runnerTemp: string
let workspace: string
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-unit-pmsetup-'))
  home = path.join(root, 'home')
  runnerTemp = path.join(root, 'temp')
  workspace = path.join(root, 'workspace')
  for (const d of [home, runnerTemp, workspace]) fs.mkdirSync(d)
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

interface Recorded {
  state: Record<string, string>
  exported: Record<string, string>
  lines: string[]
  masked: string[]
}

function setup(
  names: PackageManager[],
  env: NodeJS.ProcessEnv = {},
  overrides: Partial<Config> = {},
): { rec: Recorded; run: () => void } {
  const rec: Recorded = { state: {}, exported: {}, lines: [], masked: [] }
  const core: ActionCore = {
    getInput: () => '',
    setOutput: () => {},
    exportVariable: (n, v) => void (rec.exported[n] = v),
    saveState: (n, v) => void (rec.state[n] = v),
    info: (m) => void rec.lines.push(m),
    warning: (m) => void rec.lines.push(`warning: ${m}`),
    debug: (m) => void rec.lines.push(`debug: ${m}`),
    appendSummary: async () => {},
  }
  const config = {
    bitbucketUrl: new URL('https://bitbucket.org'),
    workspace,
    runnerTemp,
    packageManagers: names,
    provider: CLOUD,
    ...overrides,
  } as Config
  const ctx: StepContext = {
    core,
    http: undefined as never,
    masker: new Masker((v) => void rec.masked.push(v)),
    config,
    accessToken: TOKEN,
    env,
  }
  const deps: PackageManagerDeps = { env, home, platform: 'linux', newId: () => ID }
  return { rec, run: () => configurePackageManagers(ctx, deps) }
}

describe('configurePackageManagers', () => {
  test('every tool: what it exports, one file, a state that names it, and no token in any log line', () => {
    const { rec, run } = setup(['npm', 'pip', 'go', 'cargo', 'composer', 'bundler', 'poetry'])
    run()
    const file = path.join(runnerTemp, `bitbucket-oauth-npm-${ID}.npmrc`)
    expect(rec.exported).toEqual({
      NPM_CONFIG_USERCONFIG: file,
      GOPRIVATE: 'bitbucket.org',
      CARGO_NET_GIT_FETCH_WITH_CLI: 'true',
      COMPOSER_AUTH: JSON.stringify({
        'http-basic': { 'bitbucket.org': { username: 'x-token-auth', password: TOKEN } },
      }),
      POETRY_SYSTEM_GIT_CLIENT: 'true',
      POETRY_EXPERIMENTAL_SYSTEM_GIT_CLIENT: 'true',
    })
    expect(rec.masked).toContain(TOKEN)
    expect(JSON.parse(rec.state[PACKAGE_MANAGERS_STATE_KEY]!)).toEqual({ version: 1, files: [file] })
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(fs.readFileSync(file, 'utf8')).toContain(`//bitbucket.org/:_authToken=${TOKEN}\n`)
    expect(fs.readdirSync(runnerTemp)).toEqual([path.basename(file)])
    expect(fs.readdirSync(home)).toEqual([]) // nothing in HOME, nothing in the workspace
    expect(fs.readdirSync(workspace)).toEqual([])
    expect(rec.lines.join('\n')).not.toContain(TOKEN)
    expect(rec.lines.filter((l) => !l.startsWith('debug:')).map((l) => l.split(':')[0])).toEqual([
      'npm',
      'pip',
      'go',
      'cargo',
      'composer',
      'bundler',
      'poetry',
    ])
  })

  test("npm carries the user's configuration over and never writes to it", () => {
    const user = path.join(runnerTemp, '.npmrc')
    const text = '//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}\n@octo:registry=https://npm.pkg.github.com/\n'
    fs.writeFileSync(user, text)
    const { rec, run } = setup(['npm'], { NPM_CONFIG_USERCONFIG: user, npm_config_userconfig: user })
    run()
    const file = rec.exported.NPM_CONFIG_USERCONFIG!
    expect(rec.exported.npm_config_userconfig).toBe(file)
    expect(fs.readFileSync(file, 'utf8')).toContain(text)
    expect(fs.readFileSync(user, 'utf8')).toBe(text)
    expect(rec.lines.join('\n')).toContain(`then the lines of ${user}.`)
  })

  test("go keeps the user's GOPRIVATE from `go env -w`", () => {
    fs.mkdirSync(path.join(home, '.config/go'), { recursive: true })
    fs.writeFileSync(path.join(home, '.config/go/env'), 'GOPRIVATE=corp.example/*\n')
    const { rec, run } = setup(['go'], {}, { bitbucketUrl: new URL('https://bitbucket.example.com:8443') })
    run()
    expect(rec.exported).toEqual({ GOPRIVATE: 'corp.example/*,bitbucket.example.com' })
  })

  test('go on Data Center: how to name a module; a port in the URL is a warning that says how to reach it', () => {
    const dc = setup(['go'], {}, { bitbucketUrl: new URL('https://git.example.com/bitbucket'), provider: DATACENTER })
    dc.run()
    expect(dc.rec.lines).toEqual([
      'go: GOPRIVATE=git.example.com (modules under git.example.com are fetched with git, past the public proxy and checksum database). On Data Center, name a module by its clone URL without the scheme, with .git: git.example.com/bitbucket/scm/KEY/slug.git.',
    ])
    const port = setup(
      ['go'],
      {},
      { bitbucketUrl: new URL('https://git.example.com:8443/bitbucket'), provider: DATACENTER },
    )
    port.run()
    expect(port.rec.lines.filter((l) => l.startsWith('warning: '))).toEqual([
      'warning: package-managers: go: a module path cannot hold a port, so the go command fetches modules under git.example.com from https://git.example.com/ (port 443), not from https://git.example.com:8443/, where git has the credential. In an earlier step, have git rewrite the URLs: git config --global url."https://git.example.com:8443/".insteadOf "https://git.example.com/" (or serve Bitbucket on port 443).',
    ])
    const cloud = setup(['go'])
    cloud.run()
    expect(cloud.rec.lines).toEqual([
      'go: GOPRIVATE=bitbucket.org (modules under bitbucket.org are fetched with git, past the public proxy and checksum database).',
    ])
  })

  test("composer keeps the user's COMPOSER_AUTH; the key has the port when it is not the default", () => {
    const { rec, run } = setup(
      ['composer'],
      { COMPOSER_AUTH: '{"github-oauth":{"github.com":"g"}}' },
      {
        bitbucketUrl: new URL('https://bb.example.com:8443'),
      },
    )
    run()
    expect(JSON.parse(rec.exported.COMPOSER_AUTH!)).toEqual({
      'github-oauth': { 'github.com': 'g' },
      'http-basic': { 'bb.example.com:8443': { username: 'x-token-auth', password: TOKEN } },
    })
  })

  test('composer on Data Center: a bearer entry (its servers take the token only as a Bearer header)', () => {
    const { rec, run } = setup(
      ['composer'],
      {},
      {
        bitbucketUrl: new URL('https://git.example.com/bitbucket'),
        provider: DATACENTER,
      },
    )
    run()
    expect(JSON.parse(rec.exported.COMPOSER_AUTH!)).toEqual({ bearer: { 'git.example.com': TOKEN } })
  })

  test('npm refuses a RUNNER_TEMP inside the workspace, before writing anything', () => {
    const { rec, run } = setup(['npm'], {}, { runnerTemp: path.join(workspace, 'tmp') })
    expect(run).toThrow(/RUNNER_TEMP .* lies inside the workspace/)
    expect(rec.state).toEqual({})
    expect(fs.readdirSync(workspace)).toEqual([])
  })

  test('the state is saved before the file is written', () => {
    fs.writeFileSync(path.join(runnerTemp, `bitbucket-oauth-npm-${ID}.npmrc`), 'in the way')
    const { rec, run } = setup(['npm'])
    expect(run).toThrow(/Could not create the npm configuration in RUNNER_TEMP/)
    expect(JSON.parse(rec.state[PACKAGE_MANAGERS_STATE_KEY]!).files).toHaveLength(1)
  })
})

describe('cleanupPackageManagers', () => {
  function cleanup(state: string | undefined) {
    const lines: string[] = []
    cleanupPackageManagers({
      getState: (n) => (n === PACKAGE_MANAGERS_STATE_KEY ? (state ?? '') : ''),
      info: (m) => void lines.push(m),
      warning: (m) => void lines.push(`warning: ${m}`),
      debug: (m) => void lines.push(`debug: ${m}`),
    })
    return lines
  }

  test('deletes the recorded files; a file already gone is fine', () => {
    const { rec, run } = setup(['npm'])
    run()
    const file = rec.exported.NPM_CONFIG_USERCONFIG!
    expect(cleanup(rec.state[PACKAGE_MANAGERS_STATE_KEY])).toContain(
      'Removed the package manager configuration that this action wrote for later steps.',
    )
    expect(fs.existsSync(file)).toBe(false)
    expect(cleanup(rec.state[PACKAGE_MANAGERS_STATE_KEY]).some((l) => l.startsWith('warning'))).toBe(false)
  })

  test('nothing to do without a state; a state that names other files deletes nothing', () => {
    expect(cleanup(undefined)).toEqual(['debug: No package manager files to remove.'])
    const victim = path.join(home, '.npmrc')
    fs.writeFileSync(victim, 'keep')
    for (const state of ['not json', '{"version":2,"files":[]}', JSON.stringify({ version: 1, files: [victim] })]) {
      expect(cleanup(state).join('\n')).toMatch(/^warning: Could not remove the package manager files/)
    }
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep')
  })

  test('a file that cannot be deleted is a warning naming it', () => {
    const dir = path.join(runnerTemp, `bitbucket-oauth-npm-${ID}.npmrc`)
    fs.mkdirSync(dir) // unlink fails on a directory
    const lines = cleanup(JSON.stringify({ version: 1, files: [dir] }))
    expect(lines.join('\n')).toMatch(new RegExp(`warning: Package manager cleanup: could not delete ${dir} \\(E`))
  })
})
