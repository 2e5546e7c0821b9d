import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { findLeaks, newJob, removeJob, runStep, wasMasked, type Job, type StepResult } from '../helpers/action.ts'
import { startProxy } from '../helpers/proxy.ts'
import { makeCert, type TestCert } from '../helpers/tls.ts'
import { FAST_RETRY, startFixture, type Fixture } from '../helpers/emulator.ts'
import { filesContaining, git, npmInstall, tokenForms } from '../helpers/git.ts'

const STATE_KEY = 'git-credentials'

let fx: Fixture
let job: Job
beforeEach(async () => {
  fx = await startFixture()
  fx.emu.git.create('acme', 'private-lib', { 'README.md': '# private\n', 'src/lib.txt': 'secret sauce\n' })
  job = newJob('gitauth')
})
afterEach(async () => {
  await fx.emu.close()
  removeJob(job)
})

const withGit = (extra: Record<string, string> = {}) => ({
  inputs: { ...fx.inputs, 'git-credentials': 'true', ...extra },
  env: FAST_RETRY,
})

function credentialFile(result: StepResult): string {
  return (JSON.parse(result.state[STATE_KEY]!) as { file: string }).file
}

/** The job's global git configuration that the main step exported for later steps. */
function jobConfig(result: StepResult): string {
  return result.exported.GIT_CONFIG_GLOBAL!
}

function expectNoLeaks(result: StepResult, accessToken: string): void {
  expect(
    findLeaks(result, { ...tokenForms(accessToken), secret: fx.consumer.secret, refresh: fx.refreshToken }),
  ).toEqual([])
}

function clone(repo: string, dest: string, base = fx.emu.url) {
  return git(job, ['clone', '-q', `${base}/acme/${repo}.git`, dest])
}

describe('git-credentials: true', () => {
  test('later steps clone and npm-install private repositories; the post step removes every trace', async () => {
    // A user's own settings and include, which the action must leave as they are.
    const userInclude = path.join(job.home, 'user-extra.gitconfig')
    fs.writeFileSync(userInclude, '[core]\n\tautocrlf = false\n')
    const gitconfig = path.join(job.home, '.gitconfig')
    const userConfig = `[user]\n\tname = Octo Cat\n\temail = octo@example.com\n[include]\n\tpath = ${userInclude}\n`
    fs.writeFileSync(gitconfig, userConfig)
    fx.emu.git.create('acme', 'left-pad-private', {
      'package.json': JSON.stringify({ name: 'left-pad-private', version: '1.2.3', main: 'index.js' }),
      'index.js': 'module.exports = (s, n) => String(s).padStart(n)\n',
    })

    // Every git call of the action goes through a shim that logs its command line and environment.
    const shim = gitShim(job)
    const main = await runStep(job, 'main', { ...withGit(), env: { ...FAST_RETRY, PATH: shim.path } })
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    expect(main.stdout).toContain('::debug::git-credentials: wrote') // debug logging is on
    const access = main.outputs['access-token']!
    const forms = tokenForms(access)
    expect(wasMasked(main.stdout, access)).toBe(true)
    expect(wasMasked(main.stdout, forms.basic)).toBe(true)
    expectNoLeaks(main, access)
    expect(main.stdout).toContain(`Git in later steps of this job authenticates to ${fx.emu.url}/ as x-token-auth`)

    // The credential file: under RUNNER_TEMP, outside the workspace, 0600, pulled in by the job's own
    // global configuration, which GIT_CONFIG_GLOBAL names for later steps. ~/.gitconfig is not touched.
    const file = credentialFile(main)
    expect(path.dirname(file)).toBe(job.runnerTemp)
    expect(path.relative(job.workspace, file).startsWith('..')).toBe(true)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(fs.readFileSync(file, 'utf8')).toContain(forms.basic)
    const global = jobConfig(main)
    expect(path.dirname(global)).toBe(job.runnerTemp)
    expect((await git(job, ['config', '--global', '--get-all', 'include.path'])).stdout.trim().split('\n')).toEqual([
      '~/.config/git/config',
      '~/.gitconfig',
      file,
    ])
    expect(fs.readFileSync(gitconfig, 'utf8')).toBe(userConfig)
    // The user's own settings, and their include, still apply.
    expect((await git(job, ['config', 'user.name'])).stdout.trim()).toBe('Octo Cat')
    expect((await git(job, ['config', 'core.autocrlf'])).stdout.trim()).toBe('false')

    // A later step: clone with no prompt possible.
    const cloned = await clone('private-lib', 'private-lib')
    expect(cloned.stderr).toBe('')
    expect(cloned.code).toBe(0)
    expect(fs.readFileSync(path.join(job.workspace, 'private-lib/src/lib.txt'), 'utf8')).toBe('secret sauce\n')
    const auth = fx.emu.router.requests
      .filter((r) => r.path.startsWith('/acme/private-lib.git/'))
      .map((r) => r.headers.authorization)
    expect(auth.length).toBeGreaterThan(0)
    expect(new Set(auth)).toEqual(new Set([`basic ${forms.basic}`]))

    // A later step: npm install of a git+http(s) dependency hosted there.
    const app = path.join(job.workspace, 'app')
    fs.mkdirSync(app)
    fs.writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({
        name: 'app',
        version: '1.0.0',
        private: true,
        dependencies: { 'left-pad-private': `git+${fx.emu.url}/acme/left-pad-private.git` },
      }),
    )
    const npm = await npmInstall(job, app)
    expect(npm.stderr).not.toMatch(/ERR!/)
    expect(npm.code).toBe(0)
    expect(
      JSON.parse(fs.readFileSync(path.join(app, 'node_modules/left-pad-private/package.json'), 'utf8')).version,
    ).toBe('1.2.3')

    // Nothing secret landed in the workspace (clone, node_modules, lock file).
    expect(filesContaining([job.workspace], forms)).toEqual([])

    const post = await runStep(job, 'post', { env: { PATH: shim.path } })
    expect(post.code).toBe(0)
    expect(post.warnings).toEqual([])
    expect(post.errors).toEqual([])
    expectNoLeaks(post, access)
    // The action ran git once, to read its version; the post step did not need git at all.
    const argv = fs.readFileSync(shim.log, 'utf8')
    expect(argv).toBe('--version\n')
    const childEnv = fs.readFileSync(shim.envLog, 'utf8')
    for (const [name, value] of Object.entries({ ...forms, secret: fx.consumer.secret, refresh: fx.refreshToken }))
      expect(`${name}: ${argv.includes(value) || childEnv.includes(value)}`).toBe(`${name}: false`)
    expect(childEnv).not.toMatch(/^INPUT_/m)
    expect(post.stdout).toContain('Removed the git credentials')

    // The token is still valid: only the git configuration stops the clone now.
    expect(fx.emu.state.validAccessToken(access)).toBeDefined()
    const after = await clone('private-lib', 'again')
    expect(after.code).not.toBe(0)
    expect(after.stderr).toMatch(/terminal prompts disabled|Authentication failed/)
    expect(fs.existsSync(file)).toBe(false)
    expect(fs.existsSync(global)).toBe(false)
    expect(fs.readFileSync(gitconfig, 'utf8')).toBe(userConfig)
    expect(fs.readFileSync(userInclude, 'utf8')).toBe('[core]\n\tautocrlf = false\n')
    expect(filesContaining([job.home, job.runnerTemp, job.workspace], forms)).toEqual([])
    expect(fs.readdirSync(job.runnerTemp)).toEqual([])
  })

  test('submodules on the same site (absolute and relative URLs) are fetched too', async () => {
    const lib = fx.emu.git.create('acme', 'shared-lib', { 'lib.txt': 'shared\n' })
    fx.emu.git.create(
      'acme',
      'app',
      { 'README.md': 'app\n' },
      {
        submodules: {
          'vendor/abs': { url: `${fx.emu.url}/acme/shared-lib.git`, commit: lib },
          'vendor/rel': { url: '../shared-lib.git', commit: lib },
        },
      },
    )
    const main = await runStep(job, 'main', withGit())
    expect(main.code).toBe(0)
    const cloned = await git(job, ['clone', '-q', '--recurse-submodules', `${fx.emu.url}/acme/app.git`, 'app'])
    expect(cloned.code).toBe(0)
    expect(fs.readFileSync(path.join(job.workspace, 'app/vendor/abs/lib.txt'), 'utf8')).toBe('shared\n')
    expect(fs.readFileSync(path.join(job.workspace, 'app/vendor/rel/lib.txt'), 'utf8')).toBe('shared\n')
    expect(filesContaining([job.workspace], tokenForms(main.outputs['access-token']!))).toEqual([])
    await runStep(job, 'post')
  })

  test('applies to the scheme, host and port of bitbucket-url only', async () => {
    const other = await startFixture()
    try {
      other.emu.git.create('acme', 'private-lib', { 'README.md': 'other\n' })
      const main = await runStep(job, 'main', withGit())
      expect(main.code).toBe(0)
      const access = main.outputs['access-token']!
      // Same host, another port: git must not send the header there.
      const elsewhere = await clone('private-lib', 'elsewhere', other.emu.url)
      expect(elsewhere.code).not.toBe(0)
      const sent = other.emu.router.requests.map((r) => String(r.headers.authorization ?? ''))
      expect(sent.some((h) => h.includes(tokenForms(access).basic))).toBe(false)
      // `localhost` is another host name for git, even if it resolves to the same address.
      const byName = await clone('private-lib', 'by-name', fx.emu.url.replace('127.0.0.1', 'localhost'))
      expect(byName.code).not.toBe(0)
      expect((await clone('private-lib', 'right')).code).toBe(0)
    } finally {
      await other.emu.close()
    }
  })

  test('two uses in one job each clean up their own', async () => {
    const first = await runStep(job, 'main', withGit())
    expect(first.code).toBe(0)
    const firstState = first.state
    const firstToken = first.outputs['access-token']!
    // The second use refreshes with the rotated token, as a later step of the same job would; its
    // environment holds the first token (exported), which the action's own git must not get.
    const shim = gitShim(job)
    const second = await runStep(job, 'main', {
      ...withGit({ 'refresh-token': first.outputs['refresh-token']! }),
      env: { ...FAST_RETRY, PATH: shim.path },
    })
    expect(second.code).toBe(0)
    expect(fs.readFileSync(shim.envLog, 'utf8')).not.toContain(firstToken)
    expect(fs.readFileSync(shim.envLog, 'utf8')).not.toMatch(/^BITBUCKET_ACCESS_TOKEN=/m)
    // The second's global configuration includes the first's, then its own credential.
    expect(fs.readFileSync(jobConfig(second), 'utf8')).toContain(
      `\tpath = "${jobConfig(first)}"\n\tpath = "${credentialFile(second)}"\n`,
    )
    const secondState = second.state
    const secondToken = second.outputs['access-token']!
    expect(credentialFile(second)).not.toBe(credentialFile(first))

    // Both included; the later one's header wins (no second Authorization header).
    fx.emu.state.accessTokens.delete(firstToken)
    expect((await clone('private-lib', 'both')).code).toBe(0)
    const lastAuth = fx.emu.router.requests
      .filter((r) => r.path.startsWith('/acme/'))
      .map((r) => r.headers.authorization)
    expect(new Set(lastAuth)).toEqual(new Set([`basic ${tokenForms(secondToken).basic}`]))

    // Posts run in reverse order; each removes only its own.
    job.state = secondState
    const post2 = await runStep(job, 'post')
    expect(post2.warnings).toEqual([])
    expect(fs.existsSync(credentialFile(second))).toBe(false)
    expect(fs.existsSync(credentialFile(first))).toBe(true)
    // The second's post step pointed GIT_CONFIG_GLOBAL back at the first's configuration.
    expect(job.env.GIT_CONFIG_GLOBAL).toBe(jobConfig(first))
    expect((await git(job, ['config', '--global', '--get-all', 'include.path'])).stdout.trim().split('\n')).toEqual([
      '~/.config/git/config',
      '~/.gitconfig',
      credentialFile(first),
    ])
    expect((await clone('private-lib', 'first-only')).code).not.toBe(0) // the first token was revoked above
    fx.emu.state.accessTokens.set(firstToken, {
      value: firstToken,
      consumer: fx.consumer.key,
      scopes: ['repository'],
      expiresAt: Date.now() + 3_600_000,
    })
    expect((await clone('private-lib', 'first-again')).code).toBe(0)

    job.state = firstState
    const post1 = await runStep(job, 'post')
    expect(post1.warnings).toEqual([])
    expect(fs.existsSync(credentialFile(first))).toBe(false)
    // ~/.gitconfig was never created, and RUNNER_TEMP holds nothing of ours.
    expect(fs.existsSync(path.join(job.home, '.gitconfig'))).toBe(false)
    expect(fs.readdirSync(job.runnerTemp)).toEqual([])
    expect((await clone('private-lib', 'none')).code).not.toBe(0)
    expect(
      filesContaining([job.home, job.runnerTemp, job.workspace], {
        ...tokenForms(firstToken),
        ...prefix('second-', tokenForms(secondToken)),
      }),
    ).toEqual([])
    for (const r of [first, second, post1, post2]) {
      expect(findLeaks(r, { ...tokenForms(firstToken), ...prefix('second-', tokenForms(secondToken)) })).toEqual([])
    }
  })

  test('without git-credentials the clone fails and git configuration is left alone', async () => {
    const main = await runStep(job, 'main', { inputs: fx.inputs, env: FAST_RETRY })
    expect(main.code).toBe(0)
    expect(main.state[STATE_KEY]).toBeUndefined()
    const cloned = await clone('private-lib', 'private-lib')
    expect(cloned.code).not.toBe(0)
    expect(cloned.stderr).toMatch(/terminal prompts disabled/)
    expect(fs.existsSync(path.join(job.home, '.gitconfig'))).toBe(false)
    expect(fs.readdirSync(job.runnerTemp)).toEqual([])
    const post = await runStep(job, 'post')
    expect(post.code).toBe(0)
    expect(post.warnings).toEqual([])
  })

  test('when the main step fails before git is set up, the post step has nothing to do', async () => {
    const main = await runStep(job, 'main', {
      inputs: { ...fx.inputs, 'client-secret': 'wrong-secret', 'git-credentials': 'true' },
      env: FAST_RETRY,
    })
    expect(main.code).not.toBe(0)
    expect(main.state[STATE_KEY]).toBeUndefined()
    const post = await runStep(job, 'post')
    expect(post.code).toBe(0)
    expect(post.warnings).toEqual([])
    expect(post.errors).toEqual([])
    expect(fs.existsSync(path.join(job.home, '.gitconfig'))).toBe(false)
  })

  test('a corrupt state gives a warning, not a failure, and touches nothing', async () => {
    fs.writeFileSync(path.join(job.home, '.gitconfig'), '[user]\n\tname = Octo\n')
    job.state = {
      [STATE_KEY]: JSON.stringify({
        version: 2,
        file: '/home/runner/.ssh/id_rsa',
        globalFile: '/home/runner/.ssh/bitbucket-oauth-global-00000000-0000-4000-8000-000000000001.gitconfig',
      }),
    }
    const post = await runStep(job, 'post')
    expect(post.code).toBe(0)
    expect(post.errors).toEqual([])
    expect(post.warnings.join('\n')).toMatch(
      /Could not remove the git credentials: the saved state names a file the action does not write/,
    )
    expect(fs.readFileSync(path.join(job.home, '.gitconfig'), 'utf8')).toBe('[user]\n\tname = Octo\n')
  })
})

describe('two jobs on one runner sharing HOME', () => {
  /** The Authorization headers of the git requests since `from` ('none' for none). */
  const gitAuth = (from: number) =>
    fx.emu.router.requests
      .slice(from)
      .filter((r) => r.path.startsWith('/acme/'))
      .map((r) => String(r.headers.authorization ?? 'none'))

  test("the second job's git never uses the first job's token; ~/.gitconfig byte-identical before and after", async () => {
    // Self-hosted: two runners of one user, so one HOME, each job with its own RUNNER_TEMP, workspace and env.
    const gitconfig = path.join(job.home, '.gitconfig')
    fs.writeFileSync(gitconfig, '[user]\n\tname = Shared Runner\n[core]\n\tautocrlf = input\n')
    const before = fs.readFileSync(gitconfig)
    const jobB = newJob('gitauth-b', { home: job.home })
    try {
      const a = await runStep(job, 'main', withGit())
      expect(a.code).toBe(0)
      const basicA = tokenForms(a.outputs['access-token']!).basic
      expect(fs.readFileSync(gitconfig)).toEqual(before)

      // Job B without git-credentials, while job A runs: no credential at all.
      let from = fx.emu.router.requests.length
      const anonymous = await git(jobB, ['clone', '-q', `${fx.emu.url}/acme/private-lib.git`, 'lib'])
      expect(anonymous.code).not.toBe(0)
      expect(gitAuth(from).length).toBeGreaterThan(0)
      expect(new Set(gitAuth(from))).toEqual(new Set(['none']))
      expect((await git(jobB, ['config', 'user.name'])).stdout.trim()).toBe('Shared Runner')

      // Job B with git-credentials of its own: B's token only, and A's git keeps A's.
      const refreshB = fx.emu.state.issueRefreshToken(fx.consumer.key).value
      const b = await runStep(jobB, 'main', {
        inputs: { ...fx.inputs, 'refresh-token': refreshB, 'git-credentials': 'true' },
        env: FAST_RETRY,
      })
      expect(b.code).toBe(0)
      const basicB = tokenForms(b.outputs['access-token']!).basic
      from = fx.emu.router.requests.length
      expect((await git(jobB, ['clone', '-q', `${fx.emu.url}/acme/private-lib.git`, 'lib-b'])).code).toBe(0)
      expect(new Set(gitAuth(from))).toEqual(new Set([`basic ${basicB}`]))
      from = fx.emu.router.requests.length
      expect((await git(job, ['clone', '-q', `${fx.emu.url}/acme/private-lib.git`, 'lib-a'])).code).toBe(0)
      expect(new Set(gitAuth(from))).toEqual(new Set([`basic ${basicA}`]))
      expect(fs.readFileSync(gitconfig)).toEqual(before)

      // A ends first; B's git is unaffected, then B ends too.
      expect((await runStep(job, 'post')).warnings).toEqual([])
      from = fx.emu.router.requests.length
      expect((await git(jobB, ['clone', '-q', `${fx.emu.url}/acme/private-lib.git`, 'lib-b2'])).code).toBe(0)
      expect(new Set(gitAuth(from))).toEqual(new Set([`basic ${basicB}`]))
      expect((await runStep(jobB, 'post')).warnings).toEqual([])

      expect(fs.readFileSync(gitconfig)).toEqual(before)
      expect(fs.readdirSync(job.home)).toEqual(['.gitconfig'])
      expect(fs.readdirSync(job.runnerTemp)).toEqual([])
      expect(fs.readdirSync(jobB.runnerTemp)).toEqual([])
    } finally {
      removeJob(jobB)
    }
  })
})

describe('git-credentials over HTTPS', () => {
  // A self-signed certificate for 127.0.0.1 and bitbucket.org, trusted by the action (NODE_EXTRA_CA_CERTS) and by git (GIT_SSL_CAINFO).
  let certDir: string
  let tls: TestCert
  let ca: string
  beforeAll(() => {
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-cert-'))
    tls = makeCert(certDir, ['bitbucket.org'])
    ca = tls.certFile
  })
  afterAll(() => fs.rmSync(certDir, { recursive: true, force: true }))

  test('git clone and an npm git+https dependency work after main and stop after post', async () => {
    const secure = await startFixture({ tls })
    try {
      expect(secure.emu.url).toMatch(/^https:/)
      secure.emu.git.create('acme', 'tiny-private', {
        'package.json': JSON.stringify({ name: 'tiny-private', version: '0.4.0' }),
        'index.js': 'module.exports = 42\n',
      })
      const trust = { NODE_EXTRA_CA_CERTS: ca }
      const main = await runStep(job, 'main', {
        inputs: { ...secure.inputs, 'git-credentials': 'true' },
        env: { ...FAST_RETRY, ...trust },
      })
      expect(main.errors).toEqual([])
      const access = main.outputs['access-token']!
      expect(findLeaks(main, tokenForms(access))).toEqual([])
      const url = `${secure.emu.url}/acme/tiny-private.git`
      const gitEnv = { GIT_SSL_CAINFO: ca }
      expect(await git(job, ['clone', '-q', url, 'tiny'], job.workspace, gitEnv)).toMatchObject({ code: 0, stderr: '' })

      const app = path.join(job.workspace, 'app')
      fs.mkdirSync(app)
      fs.writeFileSync(
        path.join(app, 'package.json'),
        JSON.stringify({
          name: 'app',
          version: '1.0.0',
          private: true,
          dependencies: { 'tiny-private': `git+${url}#main` },
        }),
      )
      const npm = await npmInstall(job, app, gitEnv)
      expect(npm.stderr).not.toMatch(/ERR!/)
      expect(npm.code).toBe(0)
      expect(
        JSON.parse(fs.readFileSync(path.join(app, 'node_modules/tiny-private/package.json'), 'utf8')).version,
      ).toBe('0.4.0')
      expect(fs.readFileSync(path.join(app, 'package-lock.json'), 'utf8')).toContain(`git+${url}#`)

      const post = await runStep(job, 'post', { env: trust })
      expect(post.warnings).toEqual([])
      expect(findLeaks(post, tokenForms(access))).toEqual([])
      const after = await git(job, ['clone', '-q', url, 'again'], job.workspace, gitEnv)
      expect(after.code).not.toBe(0)
      expect(filesContaining([job.home, job.runnerTemp, job.workspace], tokenForms(access))).toEqual([])
    } finally {
      await secure.emu.close()
    }
  })

  test('bitbucket-url https://bitbucket.org: git@ and ssh:// URLs are cloned over HTTPS with the token (reached through a test proxy)', async () => {
    // "bitbucket.org" is this test's emulator: a CONNECT proxy on loopback tunnels bitbucket.org:443
    // to it and refuses every other destination, so nothing leaves the machine.
    const secure = await startFixture({ tls })
    const proxy = await startProxy({ 'bitbucket.org:443': new URL(secure.emu.url).host })
    const proxyUrl = proxy.url
    try {
      secure.emu.git.create('acme', 'private-lib', { 'README.md': 'via bitbucket.org\n' })
      const viaProxy = { HTTPS_PROXY: proxyUrl, https_proxy: proxyUrl, NO_PROXY: '', no_proxy: '' }
      const main = await runStep(job, 'main', {
        inputs: {
          ...secure.inputs,
          'bitbucket-url': 'https://bitbucket.org',
          'api-url': 'https://api.bitbucket.org/2.0',
          'git-credentials': 'true',
        },
        env: { ...FAST_RETRY, ...viaProxy, NODE_EXTRA_CA_CERTS: ca },
      })
      expect(main.errors).toEqual([])
      expect(main.stdout).toContain('rewrites git@bitbucket.org: and ssh://git@bitbucket.org/ URLs')
      const access = main.outputs['access-token']!
      expect(findLeaks(main, tokenForms(access))).toEqual([])

      const later = { ...viaProxy, GIT_SSL_CAINFO: ca }
      expect((await git(job, ['ls-remote', '--get-url', 'git@bitbucket.org:acme/private-lib.git'])).stdout.trim()).toBe(
        'https://bitbucket.org/acme/private-lib.git',
      )
      expect(
        (await git(job, ['ls-remote', '--get-url', 'ssh://git@bitbucket.org/acme/private-lib.git'])).stdout.trim(),
      ).toBe('https://bitbucket.org/acme/private-lib.git')
      for (const [url, dest] of [
        ['git@bitbucket.org:acme/private-lib.git', 'scp-style'],
        ['ssh://git@bitbucket.org/acme/private-lib.git', 'ssh-url'],
      ] as const) {
        const cloned = await git(job, ['clone', '-q', url, dest], job.workspace, later)
        expect(cloned).toMatchObject({ code: 0, stderr: '' })
        expect(fs.readFileSync(path.join(job.workspace, dest, 'README.md'), 'utf8')).toBe('via bitbucket.org\n')
      }
      expect(
        secure.emu.router.requests.filter((r) => r.path.startsWith('/acme/')).every((r) => r.host === 'bitbucket.org'),
      ).toBe(true)

      // npm with an SSH-style dependency on bitbucket.org, no SSH key anywhere.
      secure.emu.git.create('acme', 'tiny-private', {
        'package.json': JSON.stringify({ name: 'tiny-private', version: '0.5.0' }),
      })
      const app = path.join(job.workspace, 'app')
      fs.mkdirSync(app)
      fs.writeFileSync(
        path.join(app, 'package.json'),
        JSON.stringify({
          name: 'app',
          version: '1.0.0',
          private: true,
          dependencies: { 'tiny-private': 'git+ssh://git@bitbucket.org/acme/tiny-private.git' },
        }),
      )
      // For a bitbucket.org dependency npm first fetches the hosted tarball
      // https://bitbucket.org/acme/tiny-private/get/<sha>.tar.gz itself, without git. Anonymous, Bitbucket
      // answers with its sign-in page (an HTML 200), which npm takes for a broken archive and does not
      // fall back to git: the project's .npmrc must hand npm the exported token for that host.
      const anonymous = await npmInstall(job, app, { ...later, npm_config_cafile: ca })
      expect(anonymous.stderr).toMatch(/TAR_BAD_ARCHIVE/)
      fs.writeFileSync(path.join(app, '.npmrc'), '//bitbucket.org/:_authToken=${BITBUCKET_ACCESS_TOKEN}\n')
      const npm = await npmInstall(job, app, {
        ...later,
        npm_config_cafile: ca,
        BITBUCKET_ACCESS_TOKEN: job.env.BITBUCKET_ACCESS_TOKEN!,
      })
      expect(npm.stderr).not.toMatch(/ERR!/)
      expect(npm.code).toBe(0)
      expect(
        JSON.parse(fs.readFileSync(path.join(app, 'node_modules/tiny-private/package.json'), 'utf8')).version,
      ).toBe('0.5.0')
      // The second time npm fetched the tarball itself, with the token.
      const tarballs = secure.emu.router.requests.filter((r) => r.path.startsWith('/acme/tiny-private/get/'))
      expect(tarballs.map((r) => (r.headers.authorization ? 'bearer' : 'anonymous'))).toEqual(['anonymous', 'bearer'])

      const post = await runStep(job, 'post')
      expect(post.warnings).toEqual([])
      expect((await git(job, ['ls-remote', '--get-url', 'git@bitbucket.org:acme/private-lib.git'])).stdout.trim()).toBe(
        'git@bitbucket.org:acme/private-lib.git',
      )
      expect(
        (await git(job, ['clone', '-q', 'https://bitbucket.org/acme/private-lib.git', 'after'], job.workspace, later))
          .code,
      ).not.toBe(0)
      expect(new Set(proxy.seen)).toEqual(new Set(['CONNECT bitbucket.org:443']))
      expect(filesContaining([job.home, job.runnerTemp, job.workspace], tokenForms(access))).toEqual([])
    } finally {
      await proxy.close()
      await secure.emu.close()
    }
  })
})

/** A `git` first on PATH that appends its arguments and its environment to logs, then runs the real git. */
function gitShim(j: Job): { path: string; log: string; envLog: string } {
  const dir = fs.mkdtempSync(path.join(j.root, 'shim-bin-'))
  const log = path.join(dir, 'git-argv.log')
  const envLog = path.join(dir, 'git-env.log')
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
  fs.writeFileSync(
    path.join(dir, 'git'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nenv >> '${envLog}'\nexec '${real}' "$@"\n`,
    { mode: 0o755 },
  )
  return { path: `${dir}${path.delimiter}${process.env.PATH ?? ''}`, log, envLog }
}

function prefix(p: string, o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [p + k, v]))
}
