/**
 * One token for every job of a workflow run, end to end on the bundled
 * action: a mint job refreshes (and saves the rotated refresh token to the
 * fake GitHub), and the other jobs of the same run, each in a fresh job
 * directory, reuse its token through the `sealed-token` output and input.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { archivesOf, sampleTree } from '../../emulator/bitbucket/archive-store.ts'
import {
  DEFAULT_RUN_ID,
  findLeaks,
  newJob,
  removeJob,
  runStep,
  type Job,
  type StepOptions,
  type StepResult,
} from '../helpers/action.ts'
import { FAST_RETRY, allSecrets, startFixture, type Fixture } from '../helpers/emulator.ts'
import { git, tokenForms } from '../helpers/git.ts'
import { startGitHubFixture, type GitHubFixture } from '../helpers/github.ts'

const SECRET = 'BITBUCKET_REFRESH_TOKEN'
const TOKEN_PATH = '/site/oauth2/access_token'

let fx: Fixture
let g: GitHubFixture
let jobs: Job[] = []

async function start(emulator: Parameters<typeof startFixture>[0] = {}): Promise<void> {
  fx = await startFixture(emulator)
  archivesOf(fx.emu.state).addCommit('acme/shared-lib', sampleTree('acme/shared-lib@v1.2.0'), { tags: ['v1.2.0'] })
  fx.emu.git.create('acme', 'private-lib', { 'README.md': '# private\n', 'src/lib.txt': 'secret sauce\n' })
}

beforeEach(async () => {
  g = await startGitHubFixture()
})
afterEach(async () => {
  await fx.emu.close()
  await g.gh.close()
  for (const job of jobs) removeJob(job)
  jobs = []
})

/** What every job of the workflow passes: the consumer, the stored refresh token, and where to save a rotated one. */
function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...fx.inputs,
    'refresh-token': fx.refreshToken,
    'refresh-token-secret': SECRET,
    'secret-repository': g.repository,
    'github-token': g.token,
    'github-api-url': g.gh.url,
    ...extra,
  }
}

function job(name: string): Job {
  const j = newJob(name)
  jobs.push(j)
  return j
}

function step(j: Job, extra: Record<string, string>, options: StepOptions = {}): Promise<StepResult> {
  return runStep(j, 'main', { inputs: inputs(extra), env: FAST_RETRY, ...options })
}

const tokenRequests = () => fx.emu.router.requests.filter((q) => q.path === TOKEN_PATH)
const secretWrites = () => g.gh.router.requests.filter((q) => q.method === 'PUT')

/** Every secret there is: the client secret and id, every token the emulator issued (and the forms git uses), the GitHub token. */
function everySecret(): Record<string, string> {
  const out: Record<string, string> = { ...allSecrets(fx), 'client-id': fx.consumer.key, 'github-token': g.token }
  for (const value of fx.emu.state.accessTokens.keys()) {
    const forms = tokenForms(value)
    out[`basic ${value.slice(0, 6)}`] = forms.basic
  }
  return out
}

function expectOk(r: StepResult): void {
  expect(r.errors).toEqual([])
  expect(r.code).toBe(0)
}

describe('a workflow run: one mint job, then six jobs started together', () => {
  test('one token request, one secret write, the same token in every job, no leak', async () => {
    await start()
    const mintJob = job('mint')
    const mint = await step(mintJob, {})
    expectOk(mint)
    const sealed = mint.outputs['sealed-token']!
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/)
    const access = mint.outputs['access-token']!
    expect(mint.outputs['refresh-token-rotated']).toBe('true')
    expect(g.gh.repoSecret(g.repository, SECRET)).toBe(mint.outputs['refresh-token'])
    expect(mint.summary).toMatch(/\| Token \| minted \|/)

    // The needs.<job>.outputs hop: the runner drops a job output that contains any value masked in the job.
    const masks = [...mint.stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1]!)
    expect(masks).toContain(access)
    for (const value of masks) expect(sealed).not.toContain(value)

    // Six consumer jobs of the same run, in fresh job directories, started together.
    const consumers = Array.from({ length: 6 }, (_, i) => job(`consumer-${i}`))
    const results = await Promise.all(
      consumers.map((j, i) =>
        step(
          j,
          i % 2 === 0
            ? { 'sealed-token': sealed, archives: 'acme/shared-lib@v1.2.0 -> vendor/shared-lib' }
            : { 'sealed-token': sealed, 'git-credentials': 'true' },
        ),
      ),
    )
    for (const [i, r] of results.entries()) {
      expectOk(r)
      expect(r.warnings).toEqual([])
      expect(r.outputs).toMatchObject({
        'access-token': access,
        'token-type': mint.outputs['token-type'],
        'expires-at': mint.outputs['expires-at'],
        scopes: mint.outputs.scopes,
        'refresh-token': '',
        'refresh-token-rotated': 'false',
      })
      const left = Number(r.outputs['expires-in'])
      expect(left).toBeGreaterThan(7200 - 120)
      expect(left).toBeLessThanOrEqual(7200)
      expect(r.outputs['sealed-token']).toMatch(/^v1\./)
      expect(r.exported.BITBUCKET_ACCESS_TOKEN).toBe(access)
      expect(r.stdout).toContain(`::add-mask::${access}`)
      expect(r.summary).toMatch(/\| Token \| reused from sealed-token \(minted by an earlier job of this run at /)
      if (i % 2 === 0) {
        expect(fs.readdirSync(path.join(consumers[i]!.workspace, 'vendor/shared-lib')).length).toBeGreaterThan(0)
      }
    }
    // Later steps of the git jobs clone with the reused token; their post steps remove it.
    for (const i of [1, 3, 5]) {
      const cloned = await git(consumers[i]!, ['clone', '-q', `${fx.emu.url}/acme/private-lib.git`, 'private-lib'])
      expect(cloned.code).toBe(0)
      const post = await runStep(consumers[i]!, 'post')
      expect(post.code).toBe(0)
      expect(post.warnings).toEqual([])
      expect(findLeaks(post, everySecret())).toEqual([])
    }

    expect(tokenRequests()).toHaveLength(1)
    expect(secretWrites()).toHaveLength(1)
    expect(fx.emu.router.requests.filter((q) => q.path.includes('/get/')).length).toBe(3)

    // Debug is on in every step (RUNNER_DEBUG=1): nothing secret is printed, and the sealed value holds no secret form.
    for (const r of [mint, ...results]) {
      expect(r.stdout).toContain('::debug::')
      expect(findLeaks(r, everySecret())).toEqual([])
    }
    for (const value of [sealed, ...results.map((r) => r.outputs['sealed-token']!)]) {
      for (const [name, secret] of Object.entries(everySecret())) {
        const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')]
        for (const form of forms) expect(`${name}: ${value.includes(form)}`).toBe(`${name}: false`)
      }
      expect(value).not.toContain(g.repository)
    }
  })
})

describe('fallback: a warning, then the grant of the other inputs (rotated and saved)', () => {
  async function mintThenConsume(consumer: { extra?: Record<string, string>; options?: StepOptions }) {
    const mint = await step(job('mint'), {})
    expectOk(mint)
    const sealed = mint.outputs['sealed-token']!
    const extra = { 'sealed-token': sealed, archives: 'acme/shared-lib@v1.2.0', ...consumer.extra }
    const r = await step(job('consumer'), extra, consumer.options)
    expectOk(r)
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toMatch(/ Falling back to the refresh_token grant\.$/)
    expect(tokenRequests()).toHaveLength(2)
    expect(secretWrites()).toHaveLength(2)
    expect(r.outputs['refresh-token-rotated']).toBe('true')
    expect(r.outputs['access-token']).not.toBe(mint.outputs['access-token'])
    expect(g.gh.repoSecret(g.repository, SECRET)).toBe(r.outputs['refresh-token'])
    expect(r.summary).toMatch(/\| Token \| minted \|/)
    expect(JSON.parse(r.outputs.archives!)).toHaveLength(1)
    expect(findLeaks(r, everySecret())).toEqual([])
    return { sealed, warning: r.warnings[0]! }
  }

  test('another run (the value was copied into another workflow run)', async () => {
    await start()
    const { warning } = await mintThenConsume({ options: { context: { run_id: '16000000999' } } })
    expect(warning).toMatch(
      new RegExp(`^The \`sealed-token\` input was sealed in another workflow run \\(run ${DEFAULT_RUN_ID}\\)`),
    )
  })

  test('another attempt of the same run reuses it', async () => {
    await start()
    const mint = await step(job('mint'), {})
    const r = await step(
      job('rerun'),
      { 'sealed-token': mint.outputs['sealed-token']! },
      { context: { run_attempt: '2' } },
    )
    expectOk(r)
    expect(r.warnings).toEqual([])
    expect(tokenRequests()).toHaveLength(1)
  })

  test('another repository', async () => {
    await start()
    const { warning } = await mintThenConsume({ options: { context: { repository: 'octo-org/fork' } } })
    expect(warning).toMatch(/^The `sealed-token` input was sealed for another repository \(octo-org\/octo-repo\)/)
  })

  test('expiring: less than 15 minutes left (here Bitbucket grants 14 minutes)', async () => {
    await start({ accessTtlSec: 14 * 60 })
    const { warning } = await mintThenConsume({})
    expect(warning).toMatch(
      /^The `sealed-token` input holds a token that expires at \S+Z, in 1[34] minutes; at least 15/,
    )
  })

  test('another consumer: cannot be opened', async () => {
    await start()
    const other = fx.emu.state.addConsumer()
    const mint = await step(job('mint'), {
      'client-id': other.key,
      'client-secret': other.secret,
      'refresh-token': fx.emu.state.issueRefreshToken(other.key).value,
      'refresh-token-secret': '',
    })
    expectOk(mint)
    const r = await step(job('consumer'), { 'sealed-token': mint.outputs['sealed-token']! })
    expectOk(r)
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^The `sealed-token` input could not be opened \(altered, or sealed with another `client-id` or `client-secret`\)\. /,
      ),
    ])
    expect(tokenRequests()).toHaveLength(2)
    expect(findLeaks(r, { ...everySecret(), 'other-secret': other.secret })).toEqual([])
  })

  test('altered: one character changed', async () => {
    await start()
    const mint = await step(job('mint'), {})
    const sealed = mint.outputs['sealed-token']!
    const i = Math.floor(sealed.length / 2)
    const altered = sealed.slice(0, i) + (sealed[i] === 'x' ? 'y' : 'x') + sealed.slice(i + 1)
    const r = await step(job('consumer'), { 'sealed-token': altered })
    expectOk(r)
    expect(r.warnings[0]).toMatch(
      /^The `sealed-token` input could not be opened \(altered, or sealed with another `client-id` or `client-secret`\)/,
    )
    expect(tokenRequests()).toHaveLength(2)
  })

  test.each([
    [
      'an unknown version prefix',
      (s: string) => `v2.${s.slice(3)}`,
      /its format "v2" is not one this version of the action reads/,
    ],
    ['a malformed value', () => 'not-a-sealed-token', /it is not a `sealed-token` output of this action/],
  ])('%s: refused cleanly, no crash', async (_name, change, pattern) => {
    await start()
    const mint = await step(job('mint'), {})
    const r = await step(job('consumer'), { 'sealed-token': change(mint.outputs['sealed-token']!) })
    expectOk(r)
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toMatch(/^The `sealed-token` input could not be opened/)
    expect(r.warnings[0]).toMatch(pattern)
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
    expect(tokenRequests()).toHaveLength(2)
  })
})

test('a failed grant sets no sealed-token', async () => {
  await start()
  const r = await step(job('mint'), { 'refresh-token': 'not-a-refresh-token' })
  expect(r.code).not.toBe(0)
  expect(r.outputs['sealed-token']).toBeUndefined()
  expect(r.outputs['access-token']).toBeUndefined()
})
