/**
 * `package-managers` with the real tools: go, Composer, Cargo, pip, Bundler
 * and Poetry install a private dependency from `bitbucket.org` (the emulator,
 * through a loopback CONNECT proxy with a private CA) in a later step of the
 * job. Each runs once after the action without the input (it fails), once
 * after the action with it (it works), and once more after the post step,
 * with empty caches (it fails again); no token is left in a file, and the
 * leak check of the action's log (debug on) is clean.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect } from '@jest/globals'
import { findLeaks, newJob, removeJob, runStep, wasMasked, type Job, type StepResult } from '../helpers/action.ts'
import { tokenForms, type ProcResult } from '../helpers/git.ts'
import {
  available,
  freshDir,
  repoRequests,
  startBitbucketOrg,
  tool as runTool,
  toolTest,
  writeTree,
  type BitbucketOrg,
  LIBRARY_FILES,
  pipInstallArgs,
  expectNoTokenOnDisk,
  failed,
  succeeded,
} from '../helpers/package-managers.ts'
import { tagGitRepo } from '../../emulator/bitbucket/package-managers.ts'

/** The interpreter behind `python3` (a version manager's shim costs seconds per call). */
const PYTHON =
  spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout?.trim() || 'python3'

const HAS = {
  go: available('go', ['version']),
  composer: available('composer', ['--version', '--no-interaction']),
  cargo: available('cargo', ['--version']),
  pip: available('python3', ['-m', 'pip', '--version']),
  bundler: available('bundle', ['--version']),
  poetry: available('poetry', ['--version', '--no-interaction']),
}

let bb: BitbucketOrg
const jobs: Job[] = []
beforeAll(async () => {
  bb = await startBitbucketOrg()
  const git = bb.fx.emu.git
  const repo = (name: string, files: Record<string, string>, tag = 'v1.0.0') => {
    git.create('acme', name, files)
    tagGitRepo(git, 'acme', name, tag)
  }
  repo('gomod', {
    'go.mod': 'module bitbucket.org/acme/gomod\n\ngo 1.19\n',
    'gomod.go': 'package gomod\n\n// Answer is private.\nconst Answer = 42\n',
  })
  repo('phplib', {
    'composer.json': JSON.stringify({
      name: 'acme/phplib',
      type: 'library',
      autoload: { 'psr-4': { 'Acme\\Phplib\\': 'src/' } },
    }),
    'src/Lib.php': '<?php\nnamespace Acme\\Phplib;\n\nclass Lib\n{\n    const ANSWER = 42;\n}\n',
  })
  repo('rustlib', LIBRARY_FILES.rustlib, 'v0.1.0')
  for (const slug of ['pylib', 'rubylib', 'poetrylib'] as const) repo(slug, LIBRARY_FILES[slug])
})
afterAll(async () => {
  await bb?.close()
})
afterEach(() => {
  for (const j of jobs.splice(0)) removeJob(j)
})

/** A later step of the job running `cmd`: through the test proxy, trusting the test CA. */
function tool(j: Job, cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<ProcResult> {
  return runTool(j, cmd, args, cwd, { ...bb.toolEnv, ...env })
}

function job(name: string): Job {
  const j = newJob(`pm-${name}`)
  jobs.push(j)
  return j
}

async function main(j: Job, inputs: Record<string, string>): Promise<StepResult> {
  const result = await runStep(j, 'main', { inputs: { ...bb.inputs, ...inputs }, env: bb.actionEnv })
  expect(result.errors).toEqual([])
  expect(result.code).toBe(0)
  return result
}

/** The post step ends clean, and neither step printed a secret. */
async function post(j: Job, mainResult: StepResult, extraSecrets: Record<string, string> = {}): Promise<StepResult> {
  const result = await runStep(j, 'post', { env: bb.actionEnv })
  expect(result.code).toBe(0)
  expect(result.warnings).toEqual([])
  expect(result.errors).toEqual([])
  const access = mainResult.outputs['access-token']!
  const secrets = { ...tokenForms(access), ...extraSecrets }
  expect(findLeaks(mainResult, secrets)).toEqual([])
  expect(findLeaks(result, secrets)).toEqual([])
  expect(mainResult.stdout).toContain('::debug::') // the leak check ran with debug logging on
  return result
}

let projects = 0
/** A new project directory in the job's workspace, holding `files` (each install starts from scratch). */
function project(j: Job, files: Record<string, string>): string {
  return writeTree(path.join(j.workspace, `project-${++projects}`), files)
}

/** Runs `fn` in `dir` and keeps the directory with the result. */
async function inDir(dir: string, fn: (dir: string) => Promise<ProcResult>): Promise<ProcResult & { dir: string }> {
  return { ...(await fn(dir)), dir }
}

/** Files of a directory tree, relative. */
function tree(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).map(String) : []
}

describe('package-managers: input errors come before any request', () => {
  test.each([
    [
      'an unknown name',
      { 'package-managers': 'npm, yarn' },
      {},
      /`package-managers`: "yarn" is not a package manager the action knows/,
    ],
    [
      'a COMPOSER_AUTH that is not JSON',
      { 'package-managers': 'composer' },
      { COMPOSER_AUTH: 'secret-in-here' },
      /COMPOSER_AUTH is set but is not valid JSON/,
    ],
  ])('%s', async (_name, inputs, env, message) => {
    const j = job('input-error')
    const from = bb.fx.emu.router.requests.length
    const result = await runStep(j, 'main', { inputs: { ...bb.inputs, ...inputs }, env: { ...bb.actionEnv, ...env } })
    expect(result.code).not.toBe(0)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(message)
    expect(result.stdout).not.toContain('secret-in-here')
    expect(bb.fx.emu.router.requests.length).toBe(from)
    expect(result.state).toEqual({})
  })
})

describe('package-managers with the real tools', () => {
  toolTest('go', HAS.go, 'go: go mod download of bitbucket.org/acme/gomod, GOPRIVATE kept', async () => {
    const goApp = (j: Job) =>
      project(j, {
        'go.mod': 'module example.com/app\n\ngo 1.19\n\nrequire bitbucket.org/acme/gomod v1.0.0\n',
      })
    const goEnv = (j: Job) => ({
      GOPATH: freshDir(j, 'gopath'),
      GOMODCACHE: freshDir(j, 'gomodcache'),
      GOCACHE: freshDir(j, 'gocache'),
    })
    const download = (j: Job) =>
      inDir(goApp(j), (dir) => tool(j, 'go', ['mod', 'download', 'bitbucket.org/acme/gomod'], dir, goEnv(j)))

    // Without the input (git credentials alone): the go command asks the public module proxy, which the test network refuses.
    const before = job('go-without')
    await main(before, { 'git-credentials': 'true' })
    const seen = bb.proxy.seen.length
    failed(await download(before), /proxy\.golang\.org/)
    expect(bb.proxy.seen.slice(seen)).toContain('CONNECT proxy.golang.org:443')
    await runStep(before, 'post', { env: bb.actionEnv })

    // With it, after the user's own `go env -w GOPRIVATE=…` in an earlier step.
    const j = job('go-with')
    const userGoEnv = path.join(j.home, '.config/go/env')
    succeeded(await tool(j, 'go', ['env', '-w', 'GOPRIVATE=example.com/private'], j.workspace, goEnv(j)))
    const userGoEnvBytes = fs.readFileSync(userGoEnv, 'utf8')
    const m = await main(j, { 'package-managers': 'go' })
    expect(m.exported.GOPRIVATE).toBe('example.com/private,bitbucket.org')
    expect(m.stdout).toContain('go: GOPRIVATE=example.com/private,bitbucket.org')
    const from = bb.proxy.seen.length
    const fromRequest = repoRequests(bb, 'acme/gomod').length
    const ok = await download(j)
    succeeded(ok)
    // Straight to bitbucket.org with git: no module proxy, no checksum database.
    expect(new Set(bb.proxy.seen.slice(from))).toEqual(new Set(['CONNECT bitbucket.org:443']))
    expect(fs.readFileSync(path.join(ok.dir, 'go.sum'), 'utf8')).toMatch(/^bitbucket\.org\/acme\/gomod v1\.0\.0 h1:/m)
    const gitRequests = repoRequests(bb, 'acme/gomod').slice(fromRequest)
    expect(gitRequests.map((r) => r.path)).toContain('/acme/gomod/info/refs?service=git-upload-pack')
    expect(new Set(gitRequests.map((r) => r.auth))).toEqual(new Set(['basic']))
    expect((await tool(j, 'go', ['env', 'GOPRIVATE'], j.workspace, goEnv(j))).stdout.trim()).toBe(
      'example.com/private,bitbucket.org',
    )

    await post(j, m)
    expect(fs.readFileSync(userGoEnv, 'utf8')).toBe(userGoEnvBytes)
    failed(await download(j), /terminal prompts disabled|could not read Username|Authentication failed/)
    expectNoTokenOnDisk(j, m.outputs['access-token']!)
  })

  toolTest(
    'composer',
    HAS.composer,
    "composer: its Bitbucket driver (REST API and zips), the user's COMPOSER_AUTH kept",
    async () => {
      const phpApp = (j: Job) =>
        project(j, {
          'composer.json': JSON.stringify({
            name: 'octo/app',
            require: { 'acme/phplib': '^1.0' },
            repositories: [{ type: 'vcs', url: 'https://bitbucket.org/acme/phplib.git' }, { 'packagist.org': false }],
          }),
        })
      // No SSH key and no network: Composer's fallback to git@bitbucket.org fails at once.
      const composerEnv = (j: Job) => ({
        COMPOSER_HOME: path.join(j.home, '.composer'),
        COMPOSER_CACHE_DIR: freshDir(j, 'composer-cache'),
        GIT_SSH_COMMAND: 'false',
      })
      const install = (j: Job, env: Record<string, string> = {}) =>
        inDir(phpApp(j), (dir) =>
          tool(j, 'composer', ['install', '--no-interaction', '--no-progress', '--no-plugins', '--no-scripts'], dir, {
            ...composerEnv(j),
            ...env,
          }),
        )

      const before = job('composer-without')
      await main(before, {})
      failed(await install(before), /bitbucket\.org/)
      await runStep(before, 'post', { env: bb.actionEnv })

      // The user's own credentials for other hosts: in COMPOSER_AUTH and in COMPOSER_HOME/auth.json.
      const j = job('composer-with')
      const userAuth = {
        'github-oauth': { 'github.com': 'ghp_user' },
        'http-basic': { 'repo.example.com': { username: 'u', password: 'p' } },
      }
      j.env.COMPOSER_AUTH = JSON.stringify(userAuth)
      const authJson = writeTree(path.join(j.home, '.composer'), {
        'auth.json': '{"http-basic":{"packages.example.com":{"username":"me","password":"mine"}}}\n',
      })
      const m = await main(j, { 'package-managers': 'Composer' })
      const access = m.outputs['access-token']!
      const composerAuth = m.exported.COMPOSER_AUTH!
      expect(JSON.parse(composerAuth)).toEqual({
        ...userAuth,
        'http-basic': { ...userAuth['http-basic'], 'bitbucket.org': { username: 'x-token-auth', password: access } },
      })
      expect(wasMasked(m.stdout, access)).toBe(true)
      expect(m.stdout).not.toContain('ghp_user') // the value is exported, never printed

      const from = bb.fx.emu.router.requests.length
      const ok = await install(j)
      succeeded(ok)
      expect(fs.readFileSync(path.join(ok.dir, 'vendor/acme/phplib/src/Lib.php'), 'utf8')).toContain('ANSWER = 42')
      const lock = JSON.parse(fs.readFileSync(path.join(ok.dir, 'composer.lock'), 'utf8'))
      expect(lock.packages[0].dist.url).toMatch(/^https:\/\/bitbucket\.org\/acme\/phplib\/get\/[0-9a-f]{40}\.zip$/)
      // Composer's Bitbucket driver: the REST API on api.bitbucket.org and the zip on bitbucket.org, with the token as Bearer.
      const seen = bb.fx.emu.router.requests.slice(from).map((r) => ({
        host: r.host,
        path: r.path.replace(/\?.*/, ''),
        auth: String(r.headers.authorization ?? 'none').split(' ')[0],
      }))
      expect(seen).toContainEqual({ host: 'api.bitbucket.org', path: '/2.0/repositories/acme/phplib', auth: 'Bearer' })
      expect(seen).toContainEqual({
        host: 'api.bitbucket.org',
        path: '/2.0/repositories/acme/phplib/refs/tags',
        auth: 'Bearer',
      })
      expect(seen.filter((r) => r.path.endsWith('.zip'))).toEqual([
        {
          host: 'bitbucket.org',
          path: expect.stringMatching(/^\/acme\/phplib\/get\/[0-9a-f]{40}\.zip$/),
          auth: 'Bearer',
        },
      ])
      expect(seen.every((r) => r.auth === 'Bearer')).toBe(true)
      for (const r of bb.fx.emu.router.requests.slice(from)) expect(r.headers.authorization).toBe(`Bearer ${access}`)

      await post(j, m, { 'composer-auth': composerAuth })
      expect(fs.readFileSync(path.join(authJson, 'auth.json'), 'utf8')).toBe(
        '{"http-basic":{"packages.example.com":{"username":"me","password":"mine"}}}\n',
      )
      // COMPOSER_AUTH holds the token in the job's environment until the job ends (the post step cannot unset it);
      // on disk nothing is left: with the variable the user had, a fresh install fails again.
      failed(await install(j, { COMPOSER_AUTH: JSON.stringify(userAuth) }), /bitbucket\.org/)
      expectNoTokenOnDisk(j, access)
    },
  )

  toolTest('cargo', HAS.cargo, 'cargo: a git dependency on bitbucket.org', async () => {
    const rustApp = (j: Job) =>
      project(j, {
        'Cargo.toml':
          '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nrustlib = { git = "https://bitbucket.org/acme/rustlib.git", tag = "v0.1.0" }\n',
        'src/main.rs': 'fn main() {\n    println!("{}", rustlib::ANSWER);\n}\n',
      })
    // CARGO_NET_RETRY=0: libgit2's failure is not retried for seconds.
    const fetch = (j: Job) =>
      inDir(rustApp(j), (dir) =>
        tool(j, 'cargo', ['fetch'], dir, { CARGO_HOME: freshDir(j, 'cargo-home'), CARGO_NET_RETRY: '0' }),
      )

    // Git credentials alone: Cargo's libgit2 ignores them.
    const before = job('cargo-without')
    await main(before, { 'git-credentials': 'true' })
    failed(await fetch(before), /401|authenticat/i)
    await runStep(before, 'post', { env: bb.actionEnv })

    const j = job('cargo-with')
    const m = await main(j, { 'package-managers': 'cargo' })
    expect(m.exported.CARGO_NET_GIT_FETCH_WITH_CLI).toBe('true')
    const ok = await fetch(j)
    succeeded(ok)
    expect(fs.readFileSync(path.join(ok.dir, 'Cargo.lock'), 'utf8')).toMatch(
      /source = "git\+https:\/\/bitbucket\.org\/acme\/rustlib\.git\?tag=v0\.1\.0#[0-9a-f]{40}"/,
    )

    await post(j, m)
    failed(await fetch(j), /terminal prompts disabled|could not read Username|Authentication failed/)
    expectNoTokenOnDisk(j, m.outputs['access-token']!)
  })

  toolTest('pip', HAS.pip, 'pip: git+https:// with --no-build-isolation, nothing from PyPI', async () => {
    const install = (j: Job) => {
      const target = freshDir(j, 'site-packages')
      return tool(
        j,
        PYTHON,
        pipInstallArgs(target, 'pylib @ git+https://bitbucket.org/acme/pylib.git@v1.0.0'),
        j.workspace,
        {},
      ).then((r) => ({ ...r, target }))
    }

    const before = job('pip-without')
    await main(before, {})
    failed(await install(before), /git|bitbucket\.org/)
    await runStep(before, 'post', { env: bb.actionEnv })

    const j = job('pip-with')
    const m = await main(j, { 'package-managers': 'pip' })
    const ok = await install(j)
    succeeded(ok)
    expect(fs.readFileSync(path.join(ok.target, 'pylib/__init__.py'), 'utf8')).toBe('ANSWER = 42\n')

    await post(j, m)
    failed(await install(j), /terminal prompts disabled|could not read Username|Authentication failed/)
    expectNoTokenOnDisk(j, m.outputs['access-token']!)
  })

  toolTest('bundler', HAS.bundler, 'bundler: a git: source on bitbucket.org', async () => {
    const install = (j: Job) => {
      const bundlePath = freshDir(j, 'bundle')
      const app = project(j, {
        Gemfile: 'gem "rubylib", git: "https://bitbucket.org/acme/rubylib.git", tag: "v1.0.0"\n',
      })
      return inDir(app, (dir) =>
        tool(j, 'bundle', ['install'], dir, { BUNDLE_PATH: bundlePath, BUNDLE_DISABLE_VERSION_CHECK: 'true' }),
      ).then((r) => ({ ...r, bundlePath }))
    }

    const before = job('bundler-without')
    await main(before, {})
    failed(await install(before), /bitbucket\.org/)
    await runStep(before, 'post', { env: bb.actionEnv })

    const j = job('bundler-with')
    const m = await main(j, { 'package-managers': 'bundler' })
    const ok = await install(j)
    succeeded(ok)
    expect(tree(ok.bundlePath).some((f) => /bundler\/gems\/rubylib-[0-9a-f]+\/lib\/rubylib\.rb$/.test(f))).toBe(true)
    expect(fs.readFileSync(path.join(ok.dir, 'Gemfile.lock'), 'utf8')).toContain(
      'remote: https://bitbucket.org/acme/rubylib.git',
    )

    await post(j, m)
    failed(await install(j), /terminal prompts disabled|could not read Username|Authentication failed|bitbucket\.org/)
    expectNoTokenOnDisk(j, m.outputs['access-token']!)
  })

  toolTest('poetry', HAS.poetry, 'poetry: a git dependency, cloned with the system git from the start', async () => {
    const lock = (j: Job) =>
      inDir(
        project(j, {
          'pyproject.toml':
            '[tool.poetry]\nname = "app"\nversion = "0.1.0"\ndescription = ""\nauthors = ["Octo <octo@example.com>"]\n\n[tool.poetry.dependencies]\npython = ">=3.8"\npoetrylib = { git = "https://bitbucket.org/acme/poetrylib.git", tag = "v1.0.0" }\n\n[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n',
        }),
        (dir) =>
          tool(j, 'poetry', ['lock', '--no-interaction'], dir, {
            POETRY_CACHE_DIR: freshDir(j, 'poetry-cache'),
            POETRY_VIRTUALENVS_CREATE: 'false',
          }),
      )

    const before = job('poetry-without')
    await main(before, {})
    failed(await lock(before), /bitbucket\.org|poetrylib/)
    await runStep(before, 'post', { env: bb.actionEnv })

    const j = job('poetry-with')
    const m = await main(j, { 'package-managers': 'poetry' })
    expect(m.exported).toMatchObject({
      POETRY_SYSTEM_GIT_CLIENT: 'true',
      POETRY_EXPERIMENTAL_SYSTEM_GIT_CLIENT: 'true',
    })
    const from = repoRequests(bb, 'acme/poetrylib').length
    const ok = await lock(j)
    succeeded(ok)
    expect(fs.readFileSync(path.join(ok.dir, 'poetry.lock'), 'utf8')).toMatch(
      /url = "https:\/\/bitbucket\.org\/acme\/poetrylib\.git"[\s\S]*resolved_reference = "[0-9a-f]{40}"/,
    )
    // git sends the credential with every request; dulwich would have tried without first.
    const auth = repoRequests(bb, 'acme/poetrylib')
      .slice(from)
      .map((r) => r.auth)
    expect(auth.length).toBeGreaterThan(0)
    expect(new Set(auth)).toEqual(new Set(['basic']))

    await post(j, m)
    failed(await lock(j), /bitbucket\.org|poetrylib/)
    expectNoTokenOnDisk(j, m.outputs['access-token']!)
  })
})
