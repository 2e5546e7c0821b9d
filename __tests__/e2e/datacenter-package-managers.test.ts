/**
 * `package-managers` on Bitbucket Data Center with the real tools: npm, go,
 * Composer, Cargo, pip, Bundler and Poetry install a private dependency
 * hosted as a git repository at `{bitbucket-url}/scm/PLAT/{slug}.git` (the
 * Data Center emulator over HTTPS with a private CA, as
 * `https://bitbucket.example.com/bitbucket` through a loopback CONNECT proxy),
 * in a later step of the job, with nothing but what the action configured:
 * git's Bearer header in the job's git configuration, and the Bearer token
 * for npm's and Composer's own downloads from the server. Each tool runs
 * once without the input (it fails), once with it (it works, and the server
 * saw only Bearer headers), and once more after the post step with empty
 * caches (it fails again); no file holds the token, and the leak check of
 * the action's log (debug on) is clean.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect } from '@jest/globals'
import { ROOT, newJob, removeJob, runStep, wasMasked, type Job, type StepResult } from '../helpers/action.ts'
import { filesContaining, tokenForms, type ProcResult } from '../helpers/git.ts'
import {
  LIBRARY_FILES,
  pipInstallArgs,
  available,
  freshDir,
  tool as runTool,
  toolTest,
  writeTree,
  expectNoTokenOnDisk,
  failed,
  succeeded,
} from '../helpers/package-managers.ts'
import { startDataCenterSite, type DataCenterSite } from '../helpers/datacenter.ts'

const HOST = 'bitbucket.example.com'
const BASE = `https://${HOST}/bitbucket`
/** The clone URL of a repository of the project PLAT. */
const scm = (slug: string) => `${BASE}/scm/PLAT/${slug}.git`
/** The archive endpoint of a repository of the project PLAT, at a tag. */
const archive = (slug: string, format: string, extra = '') =>
  `${BASE}/rest/api/latest/projects/PLAT/repos/${slug}/archive?at=refs%2Ftags%2Fv1.0.0&format=${format}${extra}`

const PYTHON =
  spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout?.trim() || 'python3'
const PNPM = path.join(ROOT, 'node_modules/pnpm/bin/pnpm.cjs')

const HAS = {
  npm: available('npm', ['--version']),
  go: available('go', ['version']),
  composer: available('composer', ['--version', '--no-interaction']),
  cargo: available('cargo', ['--version']),
  pip: available('python3', ['-m', 'pip', '--version']),
  bundler: available('bundle', ['--version']),
  poetry: available('poetry', ['--version', '--no-interaction']),
}

let dc: DataCenterSite
const jobs: Job[] = []
beforeAll(async () => {
  dc = await startDataCenterSite(HOST)
  const repo = (slug: string, files: Record<string, string>, tag = 'v1.0.0') => {
    const commit = dc.dc.git.create('PLAT', slug, files)
    dc.dc.tag('PLAT', slug, tag, commit)
  }
  for (const slug of ['tiny-git', 'tiny-tarball']) {
    repo(slug, {
      'package.json': JSON.stringify({ name: slug, version: '1.0.0', main: 'index.js' }),
      'index.js': `module.exports = ${JSON.stringify(slug)}\n`,
    })
  }
  repo('gomod', {
    'go.mod': `module ${HOST}/bitbucket/scm/PLAT/gomod.git\n\ngo 1.19\n`,
    'gomod.go': 'package gomod\n\n// Answer is private.\nconst Answer = 42\n',
  })
  for (const slug of ['phplib', 'phpdist']) {
    repo(slug, {
      'composer.json': JSON.stringify({ name: `plat/${slug}`, type: 'library' }),
      'src/Lib.php': `<?php\n// ${slug}\nconst ANSWER = 42;\n`,
    })
  }
  for (const [slug, files] of Object.entries(LIBRARY_FILES)) repo(slug, files)
})
afterAll(async () => {
  await dc?.close()
})
afterEach(() => {
  for (const j of jobs.splice(0)) removeJob(j)
})

/** A later step of the job running `cmd`: through the test proxy, trusting the test CA. */
function tool(j: Job, cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<ProcResult> {
  return runTool(j, cmd, args, cwd, { ...dc.toolEnv, ...env })
}

function job(name: string): Job {
  const j = newJob(`dc-pm-${name}`)
  jobs.push(j)
  return j
}

async function main(j: Job, inputs: Record<string, string>): Promise<StepResult> {
  const result = await runStep(j, 'main', { inputs: { ...dc.inputs(), ...inputs }, env: dc.actionEnv })
  expect(result.errors).toEqual([])
  expect(result.code).toBe(0)
  return result
}

/** The post step ends clean, and neither step printed a secret. */
async function post(j: Job, mainResult: StepResult, extraSecrets: Record<string, string> = {}): Promise<StepResult> {
  const result = await runStep(j, 'post', { env: dc.actionEnv })
  expect(result.code).toBe(0)
  expect(result.warnings).toEqual([])
  expect(result.errors).toEqual([])
  const secrets = { ...tokenForms(mainResult.outputs['access-token']!), ...extraSecrets }
  expect(dc.leaks(mainResult)).toEqual([])
  expect(dc.leaks(result)).toEqual([])
  for (const [name, value] of Object.entries(extraSecrets)) {
    expect([name, mainResult.stdout.includes(value), result.stdout.includes(value)]).toEqual([name, false, false])
  }
  expect(filesContaining([j.workspace], secrets)).toEqual([])
  expect(mainResult.stdout).toContain('::debug::') // the leak check ran with debug logging on
  return result
}

/** Requests the server received since `from` whose path starts with `prefix`, as "METHOD path scheme". */
function requests(from: number, prefix: string): { path: string; auth: string }[] {
  return dc.dc.router.requests
    .slice(from)
    .filter((q) => q.path.startsWith(prefix))
    .map((q) => ({
      path: q.path,
      auth: q.headers.authorization === undefined ? 'none' : String(q.headers.authorization).split(' ')[0]!,
    }))
}

/** Every request of a repository's git (or archive) since `from` carried the job's token as a Bearer header. */
function expectBearerOnly(from: number, prefix: string, access: string): void {
  const seen = dc.dc.router.requests.slice(from).filter((q) => q.path.startsWith(prefix))
  expect(seen.length).toBeGreaterThan(0)
  for (const q of seen) expect([q.path, q.headers.authorization]).toEqual([q.path, `Bearer ${access}`])
}

const GIT_AUTH_FAILED = /terminal prompts disabled|could not read Username|Authentication failed|401/

let projects = 0
/** A new project directory in the job's workspace, holding `files` (each install starts from scratch). */
function project(j: Job, files: Record<string, string>): string {
  return writeTree(path.join(j.workspace, `project-${++projects}`), files)
}

async function inDir(dir: string, fn: (dir: string) => Promise<ProcResult>): Promise<ProcResult & { dir: string }> {
  return { ...(await fn(dir)), dir }
}

function tree(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).map(String) : []
}

describe('package-managers on Data Center with the real tools', () => {
  toolTest(
    'npm',
    HAS.npm && fs.existsSync(PNPM),
    'npm and pnpm: a git+https:// dependency at /scm/ (git) and a tarball from the archive endpoint (the npm token as Bearer)',
    async () => {
      const deps = {
        'tiny-git': `git+${scm('tiny-git')}#v1.0.0`,
        // Data Center's archive has its entries at the root; npm wants them under package/.
        'tiny-tarball': archive('tiny-tarball', 'tgz', '&prefix=package'),
      }
      const npmEnv = (j: Job) => ({
        npm_config_cache: freshDir(j, 'npm-cache'),
        npm_config_cafile: dc.tls.certFile,
        npm_config_fetch_retries: '0',
        npm_config_update_notifier: 'false',
        npm_config_registry: 'http://127.0.0.1:9/', // no registry: only the two dependencies
      })
      const app = (j: Job, d: Record<string, string>) =>
        project(j, {
          'package.json': JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: d }),
        })
      const npmInstall = (j: Job, d: Record<string, string>) =>
        inDir(app(j, d), (dir) =>
          tool(j, 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], dir, npmEnv(j)),
        )
      const installed = (dir: string, name: string) =>
        JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version

      // Git credentials alone: the git dependency installs, the archive answers 401.
      const before = job('npm-without')
      await main(before, { 'git-credentials': 'true' })
      const gitOnly = await npmInstall(before, { 'tiny-git': deps['tiny-git'] })
      succeeded(gitOnly)
      failed(await npmInstall(before, { 'tiny-tarball': deps['tiny-tarball'] }), /E401|401/)
      await runStep(before, 'post', { env: dc.actionEnv })

      const j = job('npm-with')
      const m = await main(j, { 'package-managers': 'npm' })
      const access = m.outputs['access-token']!
      const file = m.exported.NPM_CONFIG_USERCONFIG!
      expect(fs.readFileSync(file, 'utf8')).toContain(`//${HOST}/:_authToken=${access}\n`)
      const from = dc.dc.router.requests.length
      const ok = await npmInstall(j, deps)
      succeeded(ok)
      for (const name of Object.keys(deps)) expect(installed(ok.dir, name)).toBe('1.0.0')
      expectBearerOnly(from, '/bitbucket/scm/PLAT/tiny-git', access)
      expectBearerOnly(from, '/bitbucket/rest/api/latest/projects/PLAT/repos/tiny-tarball/archive', access)

      // pnpm reads the same user configuration.
      const pnpmDir = app(j, deps)
      const pnpm = await tool(
        j,
        process.execPath,
        [PNPM, 'install', '--store-dir', freshDir(j, 'pnpm-store'), '--ignore-scripts'],
        pnpmDir,
        npmEnv(j),
      )
      succeeded(pnpm)
      for (const name of Object.keys(deps)) expect(installed(pnpmDir, name)).toBe('1.0.0')

      await post(j, m)
      failed(await npmInstall(j, { 'tiny-tarball': deps['tiny-tarball'] }), /E401|401/)
      failed(await npmInstall(j, { 'tiny-git': deps['tiny-git'] }), GIT_AUTH_FAILED)
      expectNoTokenOnDisk(j, access)
    },
  )

  toolTest('go', HAS.go, `go: go mod download of ${HOST}/bitbucket/scm/PLAT/gomod.git`, async () => {
    const module = `${HOST}/bitbucket/scm/PLAT/gomod.git`
    const goApp = (j: Job) =>
      project(j, { 'go.mod': `module example.com/app\n\ngo 1.19\n\nrequire ${module} v1.0.0\n` })
    const goEnv = (j: Job) => ({
      GOPATH: freshDir(j, 'gopath'),
      GOMODCACHE: freshDir(j, 'gomodcache'),
      GOCACHE: freshDir(j, 'gocache'),
    })
    const download = (j: Job) => inDir(goApp(j), (dir) => tool(j, 'go', ['mod', 'download', module], dir, goEnv(j)))

    // Git credentials alone: the go command asks the public module proxy, which the test network refuses.
    const before = job('go-without')
    await main(before, { 'git-credentials': 'true' })
    const seen = dc.proxy.seen.length
    failed(await download(before), /proxy\.golang\.org/)
    expect(dc.proxy.seen.slice(seen)).toContain('CONNECT proxy.golang.org:443')
    await runStep(before, 'post', { env: dc.actionEnv })

    const j = job('go-with')
    const m = await main(j, { 'package-managers': 'go' })
    expect(m.exported.GOPRIVATE).toBe(HOST)
    expect(m.stdout).toContain(`go: GOPRIVATE=${HOST} `)
    expect(m.stdout).toContain(`${HOST}/bitbucket/scm/KEY/slug.git`) // how to name a module on Data Center
    expect(m.warnings.join('\n')).not.toContain('go:') // port 443: nothing to warn about
    const fromProxy = dc.proxy.seen.length
    const from = dc.dc.router.requests.length
    const ok = await download(j)
    succeeded(ok)
    // Straight to the server with git: no module proxy, no checksum database.
    expect(new Set(dc.proxy.seen.slice(fromProxy))).toEqual(new Set([`CONNECT ${HOST}:443`]))
    expect(fs.readFileSync(path.join(ok.dir, 'go.sum'), 'utf8')).toContain(`${module} v1.0.0 h1:`)
    // The go command clones the module's repository without the .git suffix.
    expect(requests(from, '/bitbucket/scm/PLAT/gomod').map((r) => r.path)).toContain(
      '/bitbucket/scm/PLAT/gomod/info/refs?service=git-upload-pack',
    )
    expectBearerOnly(from, '/bitbucket/scm/PLAT/gomod', m.outputs['access-token']!)

    await post(j, m)
    const fromAfter = dc.dc.router.requests.length
    // https is refused (401), so the go command tries its other schemes, which fail too.
    failed(await download(j), /git ls-remote/)
    const after = requests(fromAfter, '/bitbucket/scm/PLAT/gomod')
    expect(after.length).toBeGreaterThan(0)
    expect(new Set(after.map((r) => r.auth))).toEqual(new Set(['none']))
    expectNoTokenOnDisk(j, m.outputs['access-token']!)
  })

  toolTest(
    'composer',
    HAS.composer,
    "composer: a vcs repository at /scm/ (git) and a zip dist from the archive endpoint (COMPOSER_AUTH's bearer entry)",
    async () => {
      const phpApp = (j: Job) =>
        project(j, {
          'composer.json': JSON.stringify({
            name: 'octo/app',
            require: { 'plat/phplib': '^1.0', 'plat/phpdist': '1.0.0' },
            repositories: [
              { type: 'vcs', url: scm('phplib') },
              {
                type: 'package',
                package: {
                  name: 'plat/phpdist',
                  version: '1.0.0',
                  dist: { type: 'zip', url: archive('phpdist', 'zip') },
                },
              },
              { 'packagist.org': false },
            ],
          }),
        })
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

      // Git credentials alone: the vcs repository is read with git, but the zip answers 401.
      const before = job('composer-without')
      await main(before, { 'git-credentials': 'true' })
      failed(await install(before), /plat\/phpdist|401/)
      await runStep(before, 'post', { env: dc.actionEnv })

      const j = job('composer-with')
      const userAuth = { 'http-basic': { 'repo.example.com': { username: 'u', password: 'p' } } }
      j.env.COMPOSER_AUTH = JSON.stringify(userAuth)
      const m = await main(j, { 'package-managers': 'composer' })
      const access = m.outputs['access-token']!
      const composerAuth = m.exported.COMPOSER_AUTH!
      expect(JSON.parse(composerAuth)).toEqual({ ...userAuth, bearer: { [HOST]: access } })
      expect(wasMasked(m.stdout, access)).toBe(true)
      expect(m.stdout).toContain(`composer: COMPOSER_AUTH (masked) has a bearer entry for "${HOST}"`)

      const from = dc.dc.router.requests.length
      const ok = await install(j)
      succeeded(ok)
      for (const slug of ['phplib', 'phpdist']) {
        expect(fs.readFileSync(path.join(ok.dir, `vendor/plat/${slug}/src/Lib.php`), 'utf8')).toContain(`// ${slug}`)
      }
      const lock = JSON.parse(fs.readFileSync(path.join(ok.dir, 'composer.lock'), 'utf8'))
      expect(lock.packages.map((p: { name: string; source?: { url: string } }) => [p.name, p.source?.url])).toEqual([
        ['plat/phpdist', undefined],
        ['plat/phplib', scm('phplib')],
      ])
      expectBearerOnly(from, '/bitbucket/scm/PLAT/phplib', access)
      expectBearerOnly(from, '/bitbucket/rest/api/latest/projects/PLAT/repos/phpdist/archive', access)

      await post(j, m, { 'composer-auth': composerAuth })
      // COMPOSER_AUTH holds the token in the job's environment until the job ends (the post step cannot unset
      // it); with the variable the user had, a fresh install fails again.
      failed(await install(j, { COMPOSER_AUTH: JSON.stringify(userAuth) }), /phplib|phpdist|401/)
      expectNoTokenOnDisk(j, access)
    },
  )

  toolTest('cargo', HAS.cargo, 'cargo: a git dependency at /scm/', async () => {
    const rustApp = (j: Job) =>
      project(j, {
        'Cargo.toml': `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nrustlib = { git = "${scm('rustlib')}", tag = "v1.0.0" }\n`,
        'src/main.rs': 'fn main() {\n    println!("{}", rustlib::ANSWER);\n}\n',
      })
    const fetch = (j: Job) =>
      inDir(rustApp(j), (dir) =>
        tool(j, 'cargo', ['fetch'], dir, { CARGO_HOME: freshDir(j, 'cargo-home'), CARGO_NET_RETRY: '0' }),
      )

    // Git credentials alone: Cargo's libgit2 ignores git's extraheader.
    const before = job('cargo-without')
    await main(before, { 'git-credentials': 'true' })
    failed(await fetch(before), /401|authenticat/i)
    await runStep(before, 'post', { env: dc.actionEnv })

    const j = job('cargo-with')
    const m = await main(j, { 'package-managers': 'cargo' })
    expect(m.exported.CARGO_NET_GIT_FETCH_WITH_CLI).toBe('true')
    const from = dc.dc.router.requests.length
    const ok = await fetch(j)
    succeeded(ok)
    expect(fs.readFileSync(path.join(ok.dir, 'Cargo.lock'), 'utf8')).toContain(
      `source = "git+${scm('rustlib')}?tag=v1.0.0#`,
    )
    expectBearerOnly(from, '/bitbucket/scm/PLAT/rustlib', m.outputs['access-token']!)

    await post(j, m)
    failed(await fetch(j), GIT_AUTH_FAILED)
    expectNoTokenOnDisk(j, m.outputs['access-token']!)
  })

  toolTest('pip', HAS.pip, 'pip: git+https:// at /scm/, nothing from PyPI', async () => {
    const install = (j: Job) => {
      const target = freshDir(j, 'site-packages')
      return tool(j, PYTHON, pipInstallArgs(target, `pylib @ git+${scm('pylib')}@v1.0.0`), j.workspace, {}).then(
        (r) => ({ ...r, target }),
      )
    }

    const before = job('pip-without')
    await main(before, {})
    failed(await install(before), GIT_AUTH_FAILED)
    await runStep(before, 'post', { env: dc.actionEnv })

    const j = job('pip-with')
    const m = await main(j, { 'package-managers': 'pip' })
    const from = dc.dc.router.requests.length
    const ok = await install(j)
    succeeded(ok)
    expect(fs.readFileSync(path.join(ok.target, 'pylib/__init__.py'), 'utf8')).toBe('ANSWER = 42\n')
    expectBearerOnly(from, '/bitbucket/scm/PLAT/pylib', m.outputs['access-token']!)

    await post(j, m)
    failed(await install(j), GIT_AUTH_FAILED)
    expectNoTokenOnDisk(j, m.outputs['access-token']!)
  })

  toolTest('bundler', HAS.bundler, 'bundler: a git: source at /scm/', async () => {
    const install = (j: Job) => {
      const bundlePath = freshDir(j, 'bundle')
      const app = project(j, { Gemfile: `gem "rubylib", git: "${scm('rubylib')}", tag: "v1.0.0"\n` })
      return inDir(app, (dir) =>
        tool(j, 'bundle', ['install'], dir, { BUNDLE_PATH: bundlePath, BUNDLE_DISABLE_VERSION_CHECK: 'true' }),
      ).then((r) => ({ ...r, bundlePath }))
    }

    const before = job('bundler-without')
    await main(before, {})
    failed(await install(before), new RegExp(`${GIT_AUTH_FAILED.source}|${HOST}`))
    await runStep(before, 'post', { env: dc.actionEnv })

    const j = job('bundler-with')
    const m = await main(j, { 'package-managers': 'bundler' })
    const from = dc.dc.router.requests.length
    const ok = await install(j)
    succeeded(ok)
    expect(tree(ok.bundlePath).some((f) => /bundler\/gems\/rubylib-[0-9a-f]+\/lib\/rubylib\.rb$/.test(f))).toBe(true)
    expect(fs.readFileSync(path.join(ok.dir, 'Gemfile.lock'), 'utf8')).toContain(`remote: ${scm('rubylib')}`)
    expectBearerOnly(from, '/bitbucket/scm/PLAT/rubylib', m.outputs['access-token']!)

    await post(j, m)
    failed(await install(j), new RegExp(`${GIT_AUTH_FAILED.source}|${HOST}`))
    expectNoTokenOnDisk(j, m.outputs['access-token']!)
  })

  toolTest('poetry', HAS.poetry, 'poetry: a git dependency at /scm/, cloned with the system git', async () => {
    const lock = (j: Job) =>
      inDir(
        project(j, {
          'pyproject.toml': `[tool.poetry]\nname = "app"\nversion = "0.1.0"\ndescription = ""\nauthors = ["Octo <octo@example.com>"]\n\n[tool.poetry.dependencies]\npython = ">=3.8"\npoetrylib = { git = "${scm('poetrylib')}", tag = "v1.0.0" }\n\n[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n`,
        }),
        (dir) =>
          tool(j, 'poetry', ['lock', '--no-interaction'], dir, {
            POETRY_CACHE_DIR: freshDir(j, 'poetry-cache'),
            POETRY_VIRTUALENVS_CREATE: 'false',
          }),
      )

    const before = job('poetry-without')
    await main(before, {})
    failed(await lock(before), new RegExp(`${HOST}|poetrylib`))
    await runStep(before, 'post', { env: dc.actionEnv })

    const j = job('poetry-with')
    const m = await main(j, { 'package-managers': 'poetry' })
    expect(m.exported).toMatchObject({
      POETRY_SYSTEM_GIT_CLIENT: 'true',
      POETRY_EXPERIMENTAL_SYSTEM_GIT_CLIENT: 'true',
    })
    const from = dc.dc.router.requests.length
    const ok = await lock(j)
    succeeded(ok)
    expect(fs.readFileSync(path.join(ok.dir, 'poetry.lock'), 'utf8')).toContain(`url = "${scm('poetrylib')}"`)
    // git sends the header with every request; dulwich would have tried without it first.
    expectBearerOnly(from, '/bitbucket/scm/PLAT/poetrylib', m.outputs['access-token']!)

    await post(j, m)
    failed(await lock(j), new RegExp(`${HOST}|poetrylib`))
    expectNoTokenOnDisk(j, m.outputs['access-token']!)
  })
})
