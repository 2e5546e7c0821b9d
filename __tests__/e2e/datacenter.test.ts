/**
 * Bitbucket Data Center, end to end: the bundled action against the Data
 * Center emulator (context path `/bitbucket`, form-body client auth, strict
 * rotation, REST refs, the archive endpoint, git at /scm/ with Bearer only)
 * and the fake GitHub secrets API.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { startDataCenter, type DataCenter } from '../../emulator/datacenter/server.ts'
import type { Consumer } from '../../emulator/bitbucket/state.ts'
import { findLeaks, newJob, removeJob, runStep, type Job, type StepResult } from '../helpers/action.ts'
import { FAST_RETRY } from '../helpers/emulator.ts'
import { filesContaining, git } from '../helpers/git.ts'
import { freePort, get, runLogin } from '../helpers/login.ts'
import { startGitHubFixture, type GitHubFixture } from '../helpers/github.ts'

const SECRET = 'BITBUCKET_REFRESH_TOKEN'
const FILES: Record<string, string> = {
  'README.md': '# platform lib\n',
  'src/index.js': 'export const answer = 42\n',
  'src/deep/nested/util.js': 'export const deep = true\n',
  'docs/a file with spaces.txt': 'spaces\n',
}

let dc: DataCenter
let g: GitHubFixture
let link: Consumer
let refreshToken: string
let jobs: Job[] = []
beforeEach(async () => {
  dc = await startDataCenter()
  g = await startGitHubFixture()
  link = dc.state.addApplicationLink({ scopes: ['REPO_READ'] })
  refreshToken = dc.state.issueDcRefreshToken(link.key)
})
afterEach(async () => {
  await dc.close()
  await g.gh.close()
  for (const job of jobs) removeJob(job)
  jobs = []
})

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'bitbucket-type': 'datacenter',
    'bitbucket-url': dc.url,
    'client-id': link.key,
    'client-secret': link.secret,
    'refresh-token': refreshToken,
    ...extra,
  }
}

function withSecret(token: string): Record<string, string> {
  return {
    'refresh-token': token,
    'refresh-token-secret': SECRET,
    'secret-repository': g.repository,
    'github-token': g.token,
    'github-api-url': g.gh.url,
  }
}

function run(extra: Record<string, string> = {}, env: Record<string, string> = {}, job?: Job): Promise<StepResult> {
  const j = job ?? newJob('dc')
  if (!job) jobs.push(j)
  return runStep(j, 'main', { inputs: inputs(extra), env: { ...FAST_RETRY, ...env }, debug: true })
}

function leaks(r: StepResult): string[] {
  const secrets: Record<string, string | undefined> = { clientSecret: link.secret, githubToken: g.token }
  let i = 0
  for (const v of dc.state.refreshTokens.keys()) secrets[`refresh-${i++}`] = v
  for (const v of dc.state.accessTokens.keys()) secrets[`access-${i++}`] = v
  return findLeaks(r, secrets)
}

function tokenRequests() {
  return dc.router.requests.filter((q) => q.method === 'POST' && q.path === '/bitbucket/rest/oauth2/latest/token')
}

describe('Data Center: the token', () => {
  test('refresh with the exact form body and no Basic header; the rotated token is saved and the spent one refused', async () => {
    const r1 = await run(withSecret(refreshToken))
    expect(r1.errors).toEqual([])
    expect(r1.code).toBe(0)
    const [q] = tokenRequests()
    expect(q!.headers.authorization).toBeUndefined()
    expect(q!.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(q!.body).toBe(
      new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        redirect_uri: 'http://localhost:8976/',
        client_id: link.key,
        client_secret: link.secret,
      }).toString(),
    )
    expect(r1.outputs['expires-in']).toBe('3600')
    expect(r1.outputs['refresh-token-rotated']).toBe('true')
    const saved = g.gh.repoSecret(g.repository, SECRET)
    expect(saved).toBe(r1.outputs['refresh-token'])
    expect(saved).not.toBe(refreshToken)
    expect(r1.stdout).toContain(`from ${new URL(dc.url).origin}`)
    expect(leaks(r1)).toEqual([])

    // No grace window: the used token is dead at once; replaying it ends the saved one too.
    expect(dc.state.acceptsRefreshToken(refreshToken)).toBe(false)
    expect(dc.state.acceptsRefreshToken(saved!)).toBe(true)
    const replay = await run(withSecret(refreshToken))
    expect(replay.code).not.toBe(0)
    expect(replay.errors.join('\n')).toMatch(
      /Bitbucket Data Center refused the refresh token \(invalid_grant.*already used.*no grace window.*`redirect-uri`.*bitbucket-oauth login.*sealed-token.*queue: max/s,
    )
    expect(tokenRequests()).toHaveLength(2) // refused once, never retried
    expect(dc.state.acceptsRefreshToken(saved!)).toBe(false)
    expect(leaks(replay)).toEqual([])
  })

  test('the saved token works for the next run (a chain of refreshes)', async () => {
    const r1 = await run(withSecret(refreshToken))
    expect(r1.code).toBe(0)
    const saved1 = g.gh.repoSecret(g.repository, SECRET)!
    const r2 = await run(withSecret(saved1))
    expect(r2.errors).toEqual([])
    const saved2 = g.gh.repoSecret(g.repository, SECRET)!
    expect(saved2).not.toBe(saved1)
    expect(dc.state.acceptsRefreshToken(saved2)).toBe(true)
  })

  test('a wrong redirect-uri: the bare invalid_grant names both causes', async () => {
    const r = await run({ 'redirect-uri': 'http://localhost:9999/' })
    expect(r.code).not.toBe(0)
    expect(r.errors.join('\n')).toMatch(/invalid_grant.*`redirect-uri` is not the redirect URL/s)
    expect(tokenRequests()[0]!.body).toContain('redirect_uri=http%3A%2F%2Flocalhost%3A9999%2F')
  })

  test('a wrong client secret: the application link is named', async () => {
    const r = await run({ 'client-secret': 'wrong-secret' })
    expect(r.errors.join('\n')).toMatch(/refused the client of the incoming application link \(invalid_client/)
  })

  test('a rotation without refresh-token-secret warns that the stored token is already dead', async () => {
    const r = await run()
    expect(r.code).toBe(0)
    expect(r.warnings.join('\n')).toMatch(/already dead \(no grace window\)/)
  })
})

describe('Data Center: input errors, before any request', () => {
  test.each([
    [
      { 'refresh-token': '' },
      {},
      /`refresh-token` is empty.*no client_credentials grant.*bitbucket-oauth login --bitbucket-type datacenter/,
    ],
    [{ 'bitbucket-type': 'server' }, {}, /`bitbucket-type` must be `cloud`.*`datacenter`.*got "server"/],
    [{ 'redirect-uri': 'not a url' }, {}, /`redirect-uri` "not a url" is not an http\(s\) URL/],
    [
      {},
      { INPUT_DOWNLOADS: 'PLAT/lib:file.zip' },
      /`downloads` cannot be used with `bitbucket-type: datacenter`.*no Downloads section/,
    ],
    [{ archives: 'PLAT/lib' }, {}, /archives line 1 \("PLAT\/lib"\) is not of the form PROJECT\/REPO@REF/],
  ])('%j %j', async (extra, env, message) => {
    const r = await run(extra as Record<string, string>, env as Record<string, string>)
    expect(r.code).not.toBe(0)
    expect(r.errors.join('\n')).toMatch(message)
    expect(dc.router.requests).toEqual([])
  })

  test('bitbucket-type is case-insensitive', async () => {
    const r = await run({ 'bitbucket-type': 'DataCenter' })
    expect(r.errors).toEqual([])
  })
})

describe('Data Center: archives', () => {
  test('by tag, branch and commit: the REST refs, the archive endpoint, the tree byte-identical at DEST', async () => {
    const commit = dc.git.create('PLAT', 'lib', FILES)
    dc.tag('PLAT', 'lib', 'v1.0', commit)
    // Partial matches of "release" over more than one page: only the exact displayId counts.
    for (let i = 0; i < 30; i++) dc.branch('PLAT', 'lib', `a-release-${String(i).padStart(2, '0')}`, commit)
    dc.branch('PLAT', 'lib', 'release', commit)
    const job = newJob('dc-archives')
    jobs.push(job)
    const r = await run(
      {
        archives: [`PLAT/lib@v1.0 -> by-tag`, `PLAT/lib@release -> by-branch`, `PLAT/lib@${commit} -> by-commit`].join(
          '\n',
        ),
      },
      {},
      job,
    )
    expect(r.errors).toEqual([])
    const results = JSON.parse(r.outputs.archives!) as { commit: string; sha256: string; bytes: number }[]
    expect(results.map((a) => a.commit)).toEqual([commit, commit, commit])
    for (const dest of ['by-tag', 'by-branch', 'by-commit']) {
      const dir = path.join(job.workspace, dest)
      for (const [file, content] of Object.entries(FILES)) {
        expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(content)
      }
      expect(fs.readdirSync(dir).sort()).toEqual(['README.md', 'docs', 'src'])
    }
    const paths = dc.router.requests.filter((q) => q.method === 'GET').map((q) => q.path)
    const api = '/bitbucket/rest/api/latest/projects/PLAT/repos/lib'
    expect(paths).toContain(`${api}/tags/v1.0`)
    expect(paths).toContain(`${api}/branches?filterText=release&start=25&limit=100`)
    expect(paths).toContain(`${api}/commits/${commit}`)
    expect(paths.filter((p) => p.includes('/archive'))).toEqual(
      Array(3).fill(`${api}/archive?at=${commit}&format=tar.gz`),
    )
    // The sha256 output is of the bytes of that URL.
    const bytes = await fetch(`${dc.url}/rest/api/latest/projects/PLAT/repos/lib/archive?at=${commit}&format=tar.gz`, {
      headers: { authorization: `Bearer ${r.outputs['access-token']}` },
    }).then(async (res) => Buffer.from(await res.arrayBuffer()))
    expect(results[0]!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(leaks(r)).toEqual([])
  })

  test('a missing ref and a missing repository say which', async () => {
    dc.git.create('PLAT', 'lib', FILES)
    const r1 = await run({ archives: 'PLAT/lib@nope' })
    expect(r1.errors.join('\n')).toMatch(/PLAT\/lib has no tag, branch or commit named "nope"/)
    // A refresh token per run: the first run spent the fixture's.
    const r2 = await run({ archives: 'PLAT/gone@main', 'refresh-token': dc.state.issueDcRefreshToken(link.key) })
    expect(r2.errors.join('\n')).toMatch(/Repository PLAT\/gone was not found.*PROJECT\/REPO/)
  })
})

/** What no Data Center error may say: Cloud's settings and site. */
const CLOUD_WORDS = /consumer|bitbucket\.org|`repository`|Workspace settings/i

describe("Data Center: a refused archive names Data Center's own fixes", () => {
  test.each([401, 403, 404])('HTTP %i: the incoming application link and REPO_READ', async (status) => {
    dc.git.create('PLAT', 'lib', FILES)
    dc.faults.add({
      kind: 'status',
      path: '/bitbucket/rest/api/latest/projects/PLAT/repos/lib/archive',
      status,
      contentType: 'application/json',
      body: JSON.stringify({ errors: [{ context: null, message: 'refused', exceptionName: null }] }),
    })
    const r = await run({ archives: 'PLAT/lib@main -> lib' })
    expect(r.code).not.toBe(0)
    const errors = r.errors.join('\n')
    expect(errors).toMatch(
      status === 404
        ? /Bitbucket Data Center has no archive for PLAT\/lib@main \(commit [0-9a-f]{40}, HTTP 404\)/
        : new RegExp(`Bitbucket Data Center refused the archive download of PLAT/lib@main \\(HTTP ${status} from `),
    )
    expect(errors).toMatch(
      /incoming application link allows the scope `REPO_READ` \(Administration › Application links\)/,
    )
    expect(errors).not.toMatch(CLOUD_WORDS)
    expect(dc.router.requests.filter((q) => q.path.includes('/archive'))).toHaveLength(1)
    expect(leaks(r)).toEqual([])
  })
})

describe('Data Center: a personal repository (~USERSLUG)', () => {
  const DOTS: Record<string, string> = {
    '.bashrc': 'alias ll="ls -l"\n',
    '.config/git/config': '[user]\n\tname = Alice\n',
    'bin/hello': '#!/bin/sh\necho hello\n',
  }

  test('archives: ~ALICE/dotfiles@v1 -> dots, byte-identical, with ~ unencoded in the URLs', async () => {
    const commit = dc.git.create('~ALICE', 'dotfiles', DOTS)
    dc.tag('~ALICE', 'dotfiles', 'v1', commit)
    const job = newJob('dc-personal')
    jobs.push(job)
    const r = await run({ archives: '~ALICE/dotfiles@v1 -> dots' }, {}, job)
    expect(r.errors).toEqual([])
    const [result] = JSON.parse(r.outputs.archives!) as { commit: string; sha256: string; path: string }[]
    expect(result!.commit).toBe(commit)
    const dir = path.join(job.workspace, 'dots')
    for (const [file, content] of Object.entries(DOTS)) {
      expect(fs.readFileSync(path.join(dir, file))).toEqual(Buffer.from(content))
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['.bashrc', '.config', 'bin'])
    const api = '/bitbucket/rest/api/latest/projects/~ALICE/repos/dotfiles'
    const paths = dc.router.requests.filter((q) => q.method === 'GET').map((q) => q.path)
    expect(paths).toContain(`${api}/tags/v1`)
    expect(paths.filter((p) => p.includes('/archive'))).toEqual([`${api}/archive?at=${commit}&format=tar.gz`])
    const bytes = await fetch(
      `${dc.url}/rest/api/latest/projects/~ALICE/repos/dotfiles/archive?at=${commit}&format=tar.gz`,
      {
        headers: { authorization: `Bearer ${r.outputs['access-token']}` },
      },
    ).then(async (res) => Buffer.from(await res.arrayBuffer()))
    expect(result!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(leaks(r)).toEqual([])
  })

  test("git clones {bitbucket-url}/scm/~alice/dotfiles.git with the action's credentials", async () => {
    dc.git.create('~ALICE', 'dotfiles', DOTS)
    const job = newJob('dc-personal-git')
    jobs.push(job)
    const main = await run({ 'git-credentials': 'true' }, {}, job)
    expect(main.errors).toEqual([])
    const access = main.outputs['access-token']!
    const cloned = await git(job, ['clone', '-q', `${dc.url}/scm/~alice/dotfiles.git`, 'dots'])
    expect(cloned.stderr).toBe('')
    expect(cloned.code).toBe(0)
    expect(fs.readFileSync(path.join(job.workspace, 'dots/bin/hello'), 'utf8')).toBe(DOTS['bin/hello'])
    const gitRequests = dc.router.requests.filter((q) => q.path.startsWith('/bitbucket/scm/~alice/dotfiles.git'))
    expect(gitRequests.length).toBeGreaterThan(0)
    for (const q of gitRequests) expect(q.headers.authorization).toBe(`Bearer ${access}`)
    expect(filesContaining([job.workspace], { access })).toEqual([])
  })
})

describe('Data Center: git credentials', () => {
  test('git clones over /scm/ with a Bearer header; the post step leaves nothing', async () => {
    dc.git.create('PLAT', 'app', FILES)
    const job = newJob('dc-git')
    jobs.push(job)
    const main = await run({ 'git-credentials': 'true' }, {}, job)
    expect(main.errors).toEqual([])
    const access = main.outputs['access-token']!
    expect(main.stdout).toContain(`Git in later steps of this job authenticates to ${dc.url}/scm/ with a Bearer header`)

    const cloned = await git(job, ['clone', '-q', `${dc.url}/scm/PLAT/app.git`, 'app'])
    expect(cloned.stderr).toBe('')
    expect(cloned.code).toBe(0)
    expect(fs.readFileSync(path.join(job.workspace, 'app/src/index.js'), 'utf8')).toBe(FILES['src/index.js'])
    const gitRequests = dc.router.requests.filter((q) => q.path.includes('/scm/'))
    expect(gitRequests.length).toBeGreaterThan(0)
    for (const q of gitRequests) expect(q.headers.authorization).toBe(`Bearer ${access}`)
    expect(filesContaining([job.workspace], { access })).toEqual([])

    const post = await runStep(job, 'post')
    expect(post.code).toBe(0)
    expect(post.warnings).toEqual([])
    expect(post.stdout).toContain('Removed the git credentials')
    const after = await git(job, ['clone', '-q', `${dc.url}/scm/PLAT/app.git`, 'again'])
    expect(after.code).not.toBe(0)
    expect(filesContaining([job.home, job.runnerTemp, job.workspace], { access })).toEqual([])
    expect(fs.readdirSync(job.runnerTemp)).toEqual([])
  })
})

/** Plays the browser at the Data Center consent page: Allow or Deny; resolves with the redirect target. */
async function decide(authorizeUrl: string, decision: 'grant' | 'deny'): Promise<string> {
  const page = await get(authorizeUrl)
  expect(page.status).toBe(200)
  const request = /name="request" value="([^"]+)"/.exec(page.text)![1]!
  const res = await fetch(`${dc.url}/rest/oauth2/latest/authorize/decision`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request, decision }).toString(),
  })
  await res.text()
  return res.headers.get('location')!
}

describe('Data Center: bitbucket-oauth login --bitbucket-type datacenter', () => {
  test('authorizes at the Data Center endpoint with PKCE and REPO_READ, exchanges the 10-second code at once with the credentials in the form body', async () => {
    const port = await freePort()
    link.callbackUrl = `http://localhost:${port}/`
    const env = { BITBUCKET_CLIENT_ID: link.key, BITBUCKET_CLIENT_SECRET: link.secret }
    const cli = runLogin(
      ['--no-open', '--port', String(port), '--bitbucket-type', 'datacenter', '--bitbucket-url', dc.url],
      env,
    )
    const authorize = new URL(await cli.authorizeUrl)
    expect(authorize.origin + authorize.pathname).toBe(`${dc.url}/rest/oauth2/latest/authorize`)
    expect(authorize.searchParams.get('scope')).toBe('REPO_READ')
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('redirect_uri')).toBe(`http://localhost:${port}/`)
    const callback = await decide(authorize.href, 'grant')
    expect((await get(callback)).status).toBe(200)
    const r = await cli.done
    expect(r.stderr).not.toMatch(/bitbucket-oauth login: /)
    expect(r.code).toBe(0)
    const token = r.stdout.trim()
    expect(dc.state.acceptsRefreshToken(token)).toBe(true)
    expect(r.stderr).toMatch(/no grace window/)

    const decision = dc.router.requests.find((q) => q.path.endsWith('/authorize/decision'))!
    const [exchange] = tokenRequests()
    expect(exchange!.headers.authorization).toBeUndefined()
    const form = new URLSearchParams(exchange!.body)
    expect(form.get('grant_type')).toBe('authorization_code')
    expect(form.get('client_id')).toBe(link.key)
    expect(form.get('client_secret')).toBe(link.secret)
    expect(form.get('redirect_uri')).toBe(`http://localhost:${port}/`)
    expect(form.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/)
    // Exchanged well inside the code's 10 seconds.
    expect(exchange!.at - decision.at).toBeLessThan(10_000)

    // The token from the login works in the action, with the redirect URI it was authorized with.
    const a = await run({ 'refresh-token': token, 'redirect-uri': `http://localhost:${port}/` })
    expect(a.errors).toEqual([])
    expect(a.outputs.scopes).toBe('REPO_READ')
  })

  test('a scope the application link does not allow: invalid_scope names the link and its scopes, not a consumer', async () => {
    const port = await freePort()
    link.callbackUrl = `http://localhost:${port}/`
    const cli = runLogin(
      [
        '--no-open',
        '--port',
        String(port),
        '--bitbucket-type',
        'datacenter',
        '--bitbucket-url',
        dc.url,
        '--scope',
        'REPO_WRITE',
      ],
      { BITBUCKET_CLIENT_ID: link.key, BITBUCKET_CLIENT_SECRET: link.secret },
    )
    const page = await get(await cli.authorizeUrl)
    expect(page.status).toBe(302)
    const callback = new URL(page.location!)
    expect(callback.searchParams.get('error')).toBe('invalid_scope')
    expect((await get(callback.href)).status).toBe(400)
    const r = await cli.done
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(
      /bitbucket-oauth login: Bitbucket Data Center refused the authorization \(error=invalid_scope: The application link allows REPO_READ\.\)\. Allow the permissions the workflow needs on the incoming application link \(Administration › Application links; scopes `REPO_READ`\/`REPO_WRITE`\)/,
    )
    expect(r.stderr).not.toMatch(CLOUD_WORDS)
    expect(tokenRequests()).toEqual([])
  })

  test('an unknown --bitbucket-type is a usage error', async () => {
    const r = await runLogin(['--bitbucket-type', 'server'], {
      BITBUCKET_CLIENT_ID: link.key,
      BITBUCKET_CLIENT_SECRET: link.secret,
    }).done
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--bitbucket-type must be `cloud`.*got "server"/)
  })
})
