/**
 * `package-managers: npm` with the real npm and pnpm: a `bitbucket:` shortcut,
 * a `git+https://bitbucket.org/…` dependency and a tarball URL on
 * `bitbucket.org` (the emulator, through a loopback CONNECT proxy with a
 * private CA). npm downloads all three as tarballs from the site, which works
 * only with the token in a user configuration file. The user's own
 * configuration (as actions/setup-node writes it: a registry and that
 * registry's auth line) still applies, and the file itself is never touched.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect } from '@jest/globals'
import { ROOT, findLeaks, newJob, removeJob, runStep, type Job, type StepResult } from '../helpers/action.ts'
import { filesContaining, tokenForms, type ProcResult } from '../helpers/git.ts'
import {
  available,
  freshDir,
  repoRequests,
  startBitbucketOrg,
  tool,
  toolTest,
  writeTree,
  type BitbucketOrg,
} from '../helpers/package-managers.ts'
import { tagGitRepo } from '../../emulator/bitbucket/package-managers.ts'
import { tarGz } from '../../emulator/tar-writer.ts'

const PNPM = path.join(ROOT, 'node_modules/pnpm/bin/pnpm.cjs')
const HAS_NPM = available('npm', ['--version'])
const HAS_PNPM = fs.existsSync(PNPM)

/** What actions/setup-node leaves: a user configuration in RUNNER_TEMP, named by NPM_CONFIG_USERCONFIG, and NODE_AUTH_TOKEN. */
const NODE_AUTH_TOKEN = 'npm_userRegistryToken0123456789'

interface Registry {
  url: string
  /** Authorization headers it received, by path. */
  requests: { path: string; authorization: string | undefined }[]
  close(): Promise<void>
}

/** A loopback npm registry with one package, `user-dep@1.0.0`, that insists on the user's own token. */
async function startRegistry(): Promise<Registry> {
  const tarball = tarGz([
    { name: 'package/', type: 'directory' },
    { name: 'package/package.json', type: 'file', data: JSON.stringify({ name: 'user-dep', version: '1.0.0' }) },
    { name: 'package/index.js', type: 'file', data: 'module.exports = "from the user registry"\n' },
  ])
  const requests: Registry['requests'] = []
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization })
    if (req.headers.authorization !== `Bearer ${NODE_AUTH_TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' })
      return void res.end('{"error":"auth required"}')
    }
    const { port } = server.address() as AddressInfo
    if (req.url === '/user-dep') {
      const version = {
        name: 'user-dep',
        version: '1.0.0',
        dist: {
          tarball: `http://127.0.0.1:${port}/user-dep/-/user-dep-1.0.0.tgz`,
          integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
          shasum: createHash('sha1').update(tarball).digest('hex'),
        },
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      return void res.end(
        JSON.stringify({ name: 'user-dep', 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': version } }),
      )
    }
    if (req.url === '/user-dep/-/user-dep-1.0.0.tgz') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(tarball.length) })
      return void res.end(tarball)
    }
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end('{"error":"not found"}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

let bb: BitbucketOrg
let registry: Registry
const jobs: Job[] = []
beforeAll(async () => {
  bb = await startBitbucketOrg()
  registry = await startRegistry()
  for (const name of ['tiny-hosted', 'tiny-https', 'tiny-tarball']) {
    bb.fx.emu.git.create('acme', name, {
      'package.json': JSON.stringify({ name, version: '1.0.0', main: 'index.js' }),
      'index.js': `module.exports = ${JSON.stringify(name)}\n`,
    })
    tagGitRepo(bb.fx.emu.git, 'acme', name, 'v1.0.0')
  }
})
afterAll(async () => {
  await registry?.close()
  await bb?.close()
})
afterEach(() => {
  for (const j of jobs.splice(0)) removeJob(j)
})

const BITBUCKET_DEPS = {
  'tiny-hosted': 'bitbucket:acme/tiny-hosted#v1.0.0',
  'tiny-https': 'git+https://bitbucket.org/acme/tiny-https.git#v1.0.0',
  'tiny-tarball': 'https://bitbucket.org/acme/tiny-tarball/get/v1.0.0.tar.gz',
}

/** A job whose earlier step was actions/setup-node with a registry: its user configuration and variables. */
function jobAfterSetupNode(name: string): { job: Job; userConfig: string; userConfigText: string } {
  const job = newJob(`pm-${name}`)
  jobs.push(job)
  const host = new URL(registry.url).host
  const userConfig = path.join(job.runnerTemp, '.npmrc')
  const userConfigText = `//${host}/:_authToken=\${NODE_AUTH_TOKEN}\nregistry=${registry.url}\n`
  fs.writeFileSync(userConfig, userConfigText)
  Object.assign(job.env, { NPM_CONFIG_USERCONFIG: userConfig, NODE_AUTH_TOKEN })
  return { job, userConfig, userConfigText }
}

function app(job: Job, name: string, dependencies: Record<string, string>): string {
  return writeTree(path.join(job.workspace, name), {
    'package.json': JSON.stringify({ name, version: '1.0.0', private: true, dependencies }),
  })
}

/** npm and pnpm as a later step runs them: fresh caches, no retries (a failure is final at once), the test CA. */
function npmEnv(job: Job): Record<string, string> {
  return {
    ...bb.toolEnv,
    npm_config_cache: freshDir(job, 'npm-cache'),
    npm_config_cafile: bb.tls.certFile,
    npm_config_fetch_retries: '0',
    npm_config_update_notifier: 'false',
  }
}

function npmInstall(job: Job, dir: string): Promise<ProcResult> {
  return tool(job, 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], dir, npmEnv(job))
}

function pnpmInstall(job: Job, dir: string): Promise<ProcResult> {
  return tool(
    job,
    process.execPath,
    [PNPM, 'install', '--store-dir', freshDir(job, 'pnpm-store'), '--ignore-scripts'],
    dir,
    npmEnv(job),
  )
}

async function main(job: Job, inputs: Record<string, string>): Promise<StepResult> {
  const result = await runStep(job, 'main', { inputs: { ...bb.inputs, ...inputs }, env: bb.actionEnv })
  expect(result.errors).toEqual([])
  expect(result.code).toBe(0)
  return result
}

const output = (r: ProcResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`
const installed = (dir: string, name: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version

describe('package-managers: npm', () => {
  toolTest(
    'npm',
    HAS_NPM && HAS_PNPM,
    "npm and pnpm fetch bitbucket.org tarballs with the token; the user's npm configuration still applies",
    async () => {
      // Git credentials alone (what the action did before): npm gets Bitbucket's sign-in page for the tarball.
      const { job: before } = jobAfterSetupNode('npm-without')
      await main(before, { 'git-credentials': 'true' })
      const anonymous = await npmInstall(before, app(before, 'app', BITBUCKET_DEPS))
      expect(output(anonymous)).toMatch(/^exit [1-9][\s\S]*TAR_BAD_ARCHIVE/)
      const anonymousPnpm = await pnpmInstall(
        before,
        app(before, 'app-pnpm', { 'tiny-tarball': BITBUCKET_DEPS['tiny-tarball'] }),
      )
      expect(output(anonymousPnpm)).toMatch(/^exit [1-9][\s\S]*tiny-tarball/) // "neither a gzip nor a tar archive"
      await runStep(before, 'post', { env: bb.actionEnv })

      const { job, userConfig, userConfigText } = jobAfterSetupNode('npm-with')
      const m = await main(job, { 'package-managers': 'npm', 'export-env': '' })
      const access = m.outputs['access-token']!
      const file = m.exported.NPM_CONFIG_USERCONFIG!
      expect(path.dirname(file)).toBe(job.runnerTemp)
      expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      expect(fs.readFileSync(file, 'utf8')).toContain(`//bitbucket.org/:_authToken=${access}\n`)
      expect(fs.readFileSync(file, 'utf8')).toContain(userConfigText)
      expect(fs.readFileSync(userConfig, 'utf8')).toBe(userConfigText)
      expect(m.exported.BITBUCKET_ACCESS_TOKEN).toBeUndefined() // works whatever export-env says

      // npm: the user's registry (with its own token) and the three Bitbucket forms in one install.
      const dir = app(job, 'app', { 'user-dep': '^1.0.0', ...BITBUCKET_DEPS })
      const from = registry.requests.length
      const npm = await npmInstall(job, dir)
      expect(output(npm)).toMatch(/^exit 0\n/)
      for (const name of Object.keys(BITBUCKET_DEPS)) expect(installed(dir, name)).toBe('1.0.0')
      expect(installed(dir, 'user-dep')).toBe('1.0.0')
      expect(registry.requests.slice(from).map((r) => r.authorization)).toContain(`Bearer ${NODE_AUTH_TOKEN}`)
      for (const name of Object.keys(BITBUCKET_DEPS)) {
        const tarballs = repoRequests(bb, `acme/${name}/get/`).filter((r) => r.auth !== 'none')
        expect(tarballs.map((r) => `${r.host} ${r.auth}`)).toContain('bitbucket.org bearer')
      }
      const config = await tool(job, 'npm', ['config', 'get', 'registry'], dir, npmEnv(job))
      expect(config.stdout.trim()).toBe(registry.url)

      // pnpm reads the same user configuration.
      const pnpmDir = app(job, 'app-pnpm', { 'user-dep': '^1.0.0', ...BITBUCKET_DEPS })
      const pnpm = await pnpmInstall(job, pnpmDir)
      expect(output(pnpm)).toMatch(/^exit 0\n/)
      for (const name of [...Object.keys(BITBUCKET_DEPS), 'user-dep']) expect(installed(pnpmDir, name)).toBe('1.0.0')

      const secrets = tokenForms(access)
      expect(filesContaining([job.workspace, job.home, path.join(job.root, 'caches')], secrets)).toEqual([])
      const post = await runStep(job, 'post', { env: bb.actionEnv })
      expect(post.warnings).toEqual([])
      expect(post.errors).toEqual([])
      expect(findLeaks(m, secrets)).toEqual([])
      expect(findLeaks(post, secrets)).toEqual([])
      expect(m.stdout).toContain('::debug::package-managers: wrote')
      expect(fs.existsSync(file)).toBe(false)
      expect(fs.readFileSync(userConfig, 'utf8')).toBe(userConfigText)

      // After the post step: the same install, cold caches, fails again; no file holds the token.
      const again = await npmInstall(job, app(job, 'again', { 'tiny-tarball': BITBUCKET_DEPS['tiny-tarball'] }))
      expect(output(again)).toMatch(/^exit [1-9][\s\S]*TAR_BAD_ARCHIVE/)
      expect(
        filesContaining([job.workspace, job.home, job.runnerTemp, path.join(job.root, 'caches')], secrets),
      ).toEqual([])
      expect(fs.readdirSync(job.runnerTemp)).toEqual(['.npmrc'])
    },
  )
})
