/**
 * Bitbucket Data Center over HTTPS with a private CA, as README advises for
 * self-signed servers: the bundled action trusts the CA through
 * NODE_EXTRA_CA_CERTS (refresh and archive), git through `http.sslCAInfo`
 * (the clone with the action's Bearer credential). Without
 * NODE_EXTRA_CA_CERTS the refresh fails before any request reaches the
 * server, with an error that names the fix, and the refresh token is not
 * spent.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { newJob, removeJob, runStep, type Job, type StepResult } from '../helpers/action.ts'
import { FAST_RETRY } from '../helpers/emulator.ts'
import { filesContaining, git, tokenForms } from '../helpers/git.ts'
import { startDataCenterHttps, type DataCenterHttps } from '../helpers/datacenter.ts'

const FILES: Record<string, string> = {
  'README.md': '# platform lib\n',
  'src/index.js': 'export const answer = 42\n',
}

let h: DataCenterHttps
let commit: string
const jobs: Job[] = []
beforeAll(async () => {
  h = await startDataCenterHttps()
  commit = h.dc.git.create('PLAT', 'lib', FILES)
  h.dc.tag('PLAT', 'lib', 'v1.0', commit)
})
afterAll(async () => {
  await h?.close()
})
afterEach(() => {
  for (const j of jobs.splice(0)) removeJob(j)
})

function job(name: string): Job {
  const j = newJob(`dc-https-${name}`)
  jobs.push(j)
  return j
}

function main(j: Job, inputs: Record<string, string>, env: Record<string, string>): Promise<StepResult> {
  return runStep(j, 'main', { inputs: { ...h.inputs(), ...inputs }, env: { ...FAST_RETRY, ...env }, debug: true })
}

describe('Data Center over HTTPS with a private CA', () => {
  test('with NODE_EXTRA_CA_CERTS for the action and http.sslCAInfo for git: refresh, archive and clone succeed', async () => {
    expect(h.dc.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/bitbucket$/)
    const j = job('trusted')
    // An earlier step of the job, as README says: git trusts the CA (the user's global configuration).
    const sslCaInfo = await git(j, ['config', '--global', 'http.sslCAInfo', h.tls.certFile])
    expect(sslCaInfo.code).toBe(0)
    const from = h.dc.router.requests.length
    const m = await main(
      j,
      { archives: 'PLAT/lib@v1.0 -> lib', 'git-credentials': 'true' },
      { NODE_EXTRA_CA_CERTS: h.tls.certFile },
    )
    expect(m.errors).toEqual([])
    expect(m.code).toBe(0)
    const access = m.outputs['access-token']!
    expect(access).toBeTruthy()
    const paths = h.dc.router.requests.slice(from).map((q) => `${q.method} ${q.path}`)
    expect(paths).toContain('POST /bitbucket/rest/oauth2/latest/token')
    expect(paths).toContain(`GET /bitbucket/rest/api/latest/projects/PLAT/repos/lib/archive?at=${commit}&format=tar.gz`)
    for (const [file, content] of Object.entries(FILES)) {
      expect(fs.readFileSync(path.join(j.workspace, 'lib', file), 'utf8')).toBe(content)
    }
    expect(JSON.parse(m.outputs.archives!)[0].commit).toBe(commit)

    const fromGit = h.dc.router.requests.length
    const cloned = await git(j, ['clone', '-q', `${h.dc.url}/scm/PLAT/lib.git`, 'clone'])
    expect(cloned.stderr).toBe('')
    expect(cloned.code).toBe(0)
    expect(fs.readFileSync(path.join(j.workspace, 'clone/src/index.js'), 'utf8')).toBe(FILES['src/index.js'])
    const gitRequests = h.dc.router.requests.slice(fromGit)
    expect(gitRequests.length).toBeGreaterThan(0)
    for (const q of gitRequests) expect(q.headers.authorization).toBe(`Bearer ${access}`)

    const post = await runStep(j, 'post', { env: FAST_RETRY })
    expect(post.code).toBe(0)
    expect(post.warnings).toEqual([])
    expect(h.leaks(m)).toEqual([])
    expect(h.leaks(post)).toEqual([])
    expect(m.stdout).toContain('::debug::')
    expect(filesContaining([j.home, j.runnerTemp, j.workspace], tokenForms(access))).toEqual([])
  })

  test('http.sslCAInfo set by a later step (into the job configuration) also reaches the clone', async () => {
    const j = job('later')
    const m = await main(j, { 'git-credentials': 'true' }, { NODE_EXTRA_CA_CERTS: h.tls.certFile })
    expect(m.errors).toEqual([])
    // Until git trusts the CA, it refuses the server (OpenSSL and GnuTLS builds word it differently).
    const before = await git(j, ['clone', '-q', `${h.dc.url}/scm/PLAT/lib.git`, 'first'])
    expect(before.code).not.toBe(0)
    expect(before.stderr).toMatch(/SSL certificate problem|server certificate verification failed/)
    expect((await git(j, ['config', '--global', 'http.sslCAInfo', h.tls.certFile])).code).toBe(0)
    const cloned = await git(j, ['clone', '-q', `${h.dc.url}/scm/PLAT/lib.git`, 'second'])
    expect(cloned.stderr).toBe('')
    expect(cloned.code).toBe(0)
    const post = await runStep(j, 'post', { env: FAST_RETRY })
    expect(post.warnings).toEqual([])
    expect(fs.readdirSync(j.runnerTemp)).toEqual([])
    expect(h.leaks(m)).toEqual([])
  })

  test('without NODE_EXTRA_CA_CERTS the refresh fails before any request, naming the fix; the token is not spent', async () => {
    const j = job('untrusted')
    const inputs = h.inputs()
    const from = h.dc.router.requests.length
    const r = await runStep(j, 'main', { inputs, env: FAST_RETRY, debug: true })
    expect(r.code).not.toBe(0)
    expect(r.errors).toHaveLength(1)
    const error = r.errors[0]!
    expect(error).toContain(new URL(h.dc.url).origin)
    expect(error).toMatch(/certificate/i)
    expect(error).toMatch(/NODE_EXTRA_CA_CERTS/)
    // The fix, not the generic network advice; and no talk of a spent token: nothing was sent.
    expect(error).not.toMatch(/Check the URL/)
    expect(error).not.toMatch(/processed the refresh|already dead/)
    expect(h.dc.router.requests.length).toBe(from) // the TLS handshake failed: no request reached the server
    expect(h.dc.state.acceptsRefreshToken(inputs['refresh-token']!)).toBe(true)
    expect(r.ms).toBeLessThan(15_000) // not retried for the whole deadline
    expect(h.leaks(r)).toEqual([])
  })
})
