/**
 * `bitbucket-oauth login --secret NAME --store-consumer`, from a new consumer
 * to a working workflow: the bundled command stores three secrets in the
 * fake GitHub (the test opens the sealed boxes), takes the GitHub CLI's token
 * when no variable holds one (a stand-in `gh` on PATH), prints the workflow
 * step, and that step, parsed as YAML with its `${{ secrets.* }}` filled from
 * what was stored, runs the bundled action against the emulator.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { parse } from 'yaml'
import { findLeaks, newJob, removeJob, runStep, type Job, type StepResult } from '../helpers/action.ts'
import { FAST_RETRY, startFixture, type Fixture } from '../helpers/emulator.ts'
import { startGitHubFixture, type GitHubFixture } from '../helpers/github.ts'
import { consent, freePort, get, runLogin, tokenRequests, type LoginResult } from '../helpers/login.ts'
import { standIn, type StandIn } from '../helpers/stand-in.ts'

let fx: Fixture
let gh: GitHubFixture
let port: number
let cleanup: (() => void)[] = []
beforeEach(async () => {
  fx = await startFixture()
  gh = await startGitHubFixture()
  port = await freePort()
  fx.emu.state.consumers.get(fx.consumer.key)!.callbackUrl = `http://localhost:${port}`
})
afterEach(async () => {
  await fx.emu.close()
  await gh.gh.close()
  for (const f of cleanup) f()
  cleanup = []
})

type Scope = { kind: 'repository' } | { kind: 'environment'; name: string } | { kind: 'organization'; name: string }

/** The plaintext of a secret in the fake GitHub, opened from its sealed box. */
function stored(scope: Scope, name: string): string | undefined {
  if (scope.kind === 'environment') return gh.gh.envSecret(gh.repository, scope.name, name)
  if (scope.kind === 'organization') return gh.gh.orgSecret(scope.name, name)?.value
  return gh.gh.repoSecret(gh.repository, name)
}

function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    BITBUCKET_CLIENT_ID: fx.consumer.key,
    BITBUCKET_CLIENT_SECRET: fx.consumer.secret,
    GH_TOKEN: gh.token,
    GITHUB_API_URL: gh.gh.url,
    ...extra,
  }
}

async function grantedLogin(args: string[], environment = env()): Promise<{ r: LoginResult; page: string }> {
  const run = runLogin(['--no-open', '--port', String(port), '--bitbucket-url', fx.emu.url, ...args], environment)
  const page = await get(await consent(await run.authorizeUrl, 'grant'))
  return { r: await run.done, page: page.text }
}

interface PrintedStep {
  uses: string
  with: Record<string, string>
}

/** The step block that follows "Paste this step …" on stderr, parsed as YAML exactly as printed. */
function printedStep(stderr: string): { step: PrintedStep; text: string } {
  const lines = stderr.split('\n')
  const header = lines.findIndex((l) => l.startsWith('Paste this step into a workflow of '))
  expect(header).toBeGreaterThanOrEqual(0)
  expect(lines[header + 1]).toBe('')
  const end = lines.indexOf('', header + 2)
  const text = lines.slice(header + 2, end).join('\n')
  const doc = parse(text) as PrintedStep[]
  expect(doc).toHaveLength(1)
  return { step: doc[0]!, text }
}

/** `${{ secrets.NAME }}` filled as GitHub would for the job: from the stored secrets; the writer token is the test's. */
function fill(step: PrintedStep, scope: Scope): Record<string, string> {
  const inputs: Record<string, string> = {}
  for (const [name, value] of Object.entries(step.with)) {
    inputs[name] = String(value).replace(/^\$\{\{ secrets\.([A-Za-z0-9_]+) \}\}$/, (_, secret: string) => {
      if (secret === 'SECRETS_WRITER_TOKEN') return gh.token
      const v = stored(scope, secret)
      if (v === undefined) throw new Error(`the step reads secret ${secret}, which was not stored`)
      return v
    })
  }
  return inputs
}

/** Runs the printed step with the action's own e2e helper, the runner's `github` context pointing at the fake GitHub. */
async function runPrintedStep(step: PrintedStep, scope: Scope): Promise<StepResult> {
  const job: Job = newJob('login-step')
  cleanup.push(() => removeJob(job))
  return runStep(job, 'main', {
    inputs: fill(step, scope),
    context: { repository: gh.repository, api_url: gh.gh.url },
    env: FAST_RETRY,
  })
}

/** The run minted a token with the stored refresh token and saved the rotated one where login stored the first. */
function expectWorkingStep(result: StepResult, scope: Scope, refreshName: string, first: string): void {
  expect(result.errors).toEqual([])
  expect(result.code).toBe(0)
  expect(result.outputs['refresh-token-rotated']).toBe('true')
  const saved = stored(scope, refreshName)
  expect(saved).toBe(result.outputs['refresh-token'])
  expect(saved).not.toBe(first)
  expect(fx.emu.state.acceptsRefreshToken(saved!)).toBe(true)
  expect(fx.emu.state.accessTokens.has(result.outputs['access-token']!)).toBe(true)
  expect(
    findLeaks(result, {
      clientSecret: fx.consumer.secret,
      githubToken: gh.token,
      first,
      rotated: saved,
      access: result.outputs['access-token'],
    }),
  ).toEqual([])
}

function expectNoSecretIn(r: LoginResult, ...secrets: string[]): void {
  for (const s of [fx.consumer.secret, gh.token, ...secrets]) {
    expect(r.stderr).not.toContain(s)
    expect(r.stdout).not.toContain(s)
  }
}

describe('login --store-consumer', () => {
  test('repository: three secrets with the right plaintext; the printed step works as pasted', async () => {
    const scope: Scope = { kind: 'repository' }
    const { r, page } = await grantedLogin([
      '--secret',
      'BITBUCKET_REFRESH_TOKEN',
      '--repo',
      gh.repository,
      '--store-consumer',
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('')
    const refresh = stored(scope, 'BITBUCKET_REFRESH_TOKEN')!
    expect(fx.emu.state.acceptsRefreshToken(refresh)).toBe(true)
    expect(stored(scope, 'BITBUCKET_CLIENT_ID')).toBe(fx.consumer.key)
    expect(stored(scope, 'BITBUCKET_CLIENT_SECRET')).toBe(fx.consumer.secret)
    expectNoSecretIn(r, refresh)
    expect(page).toContain(
      'stored as GitHub secret BITBUCKET_REFRESH_TOKEN of repository octo-org/octo-repo, with the consumer&#39;s Key and Secret as BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET',
    )
    // The refresh token first, then the Key, then the Secret.
    const puts = gh.gh.router.requests.filter((q) => q.method === 'PUT').map((q) => q.path.split('/').at(-1))
    expect(puts).toEqual(['BITBUCKET_REFRESH_TOKEN', 'BITBUCKET_CLIENT_ID', 'BITBUCKET_CLIENT_SECRET'])
    expect(r.stderr).toContain(
      "Stored the consumer's Key as GitHub secret BITBUCKET_CLIENT_ID and its Secret as BITBUCKET_CLIENT_SECRET, in the same place.\n",
    )

    const { step, text } = printedStep(r.stderr)
    expect(text).toMatch(/^ {6}- uses: /)
    expect(text).toMatch(/README.*\n.*#the-token-that-writes-the-secret/)
    expect(step).toEqual({
      uses: 'OWNER/bitbucket-oauth-action@v1',
      with: {
        'client-id': '${{ secrets.BITBUCKET_CLIENT_ID }}',
        'client-secret': '${{ secrets.BITBUCKET_CLIENT_SECRET }}',
        'refresh-token': '${{ secrets.BITBUCKET_REFRESH_TOKEN }}',
        'refresh-token-secret': 'BITBUCKET_REFRESH_TOKEN',
        'bitbucket-url': fx.emu.url,
        'github-token': '${{ secrets.SECRETS_WRITER_TOKEN }}',
      },
    })
    expectWorkingStep(await runPrintedStep(step, scope), scope, 'BITBUCKET_REFRESH_TOKEN', refresh)
  })

  test('environment, custom names, GitHub CLI token: a stand-in gh on PATH, asked with a scrubbed environment', async () => {
    const scope: Scope = { kind: 'environment', name: gh.environment }
    const ghCli: StandIn = standIn('gh', `printf '%s\\n' '${gh.token}'`)
    cleanup.push(ghCli.remove)
    const { r } = await grantedLogin(
      [
        '--secret',
        'BB_REFRESH',
        '--repo',
        gh.repository,
        '--environment',
        gh.environment,
        '--store-consumer',
        '--client-id-secret',
        'BB_KEY',
        '--client-secret-secret',
        'BB_SECRET',
      ],
      env({ GH_TOKEN: undefined, PATH: `${ghCli.dir}:${process.env.PATH}` }),
    )
    expect(r.code).toBe(0)
    expect(stored(scope, 'BB_KEY')).toBe(fx.consumer.key)
    expect(stored(scope, 'BB_SECRET')).toBe(fx.consumer.secret)
    const refresh = stored(scope, 'BB_REFRESH')!
    expect(fx.emu.state.acceptsRefreshToken(refresh)).toBe(true)
    expect(gh.gh.repoSecret(gh.repository, 'BB_KEY')).toBeUndefined()
    expectNoSecretIn(r, refresh)

    expect(ghCli.args()).toEqual(['auth', 'token', '--hostname', new URL(gh.gh.url).host])
    const childEnv = ghCli.env()
    expect(childEnv.BITBUCKET_CLIENT_SECRET).toBeUndefined()
    expect(Object.values(childEnv).join('\n')).not.toContain(fx.consumer.secret)
    expect(r.stderr).toContain("Using the GitHub CLI's token (gh auth token) to store the secrets; it is not shown.")

    const { step, text } = printedStep(r.stderr)
    expect(text.split('\n')[0]).toBe(`      # The job needs \`environment: ${gh.environment}\`: these are its secrets.`)
    expect(step.with).toMatchObject({
      'client-id': '${{ secrets.BB_KEY }}',
      'client-secret': '${{ secrets.BB_SECRET }}',
      'refresh-token': '${{ secrets.BB_REFRESH }}',
      'refresh-token-secret': 'BB_REFRESH',
      'secret-environment': gh.environment,
    })
    expectWorkingStep(await runPrintedStep(step, scope), scope, 'BB_REFRESH', refresh)
  })

  test('organization: three private organization secrets; the step saves to the organization', async () => {
    const scope: Scope = { kind: 'organization', name: gh.organization }
    const { r } = await grantedLogin(['--secret', 'BB_REFRESH', '--organization', gh.organization, '--store-consumer'])
    expect(r.code).toBe(0)
    for (const name of ['BB_REFRESH', 'BITBUCKET_CLIENT_ID', 'BITBUCKET_CLIENT_SECRET'])
      expect(gh.gh.orgSecret(gh.organization, name)?.visibility).toBe('private')
    expect(stored(scope, 'BITBUCKET_CLIENT_SECRET')).toBe(fx.consumer.secret)
    expect(r.stderr).toContain(
      `Paste this step into a workflow of a repository of organization ${gh.organization} that may use its secrets`,
    )
    const refresh = stored(scope, 'BB_REFRESH')!
    expect(fx.emu.state.acceptsRefreshToken(refresh)).toBe(true)
    expectNoSecretIn(r, refresh)
    const { step } = printedStep(r.stderr)
    expect(step.with['secret-organization']).toBe(gh.organization)
    expectWorkingStep(await runPrintedStep(step, scope), scope, 'BB_REFRESH', refresh)
  })

  test('the third PUT refused: exit 1, the error says which secrets were stored and which not; no step printed', async () => {
    const scope: Scope = { kind: 'repository' }
    gh.gh.faults.add({
      kind: 'status',
      status: 403,
      method: 'PUT',
      path: /\/actions\/secrets\/BITBUCKET_CLIENT_SECRET$/,
      contentType: 'application/json',
      body: JSON.stringify({ message: 'Resource not accessible by personal access token' }),
    })
    const { r, page } = await grantedLogin([
      '--secret',
      'BITBUCKET_REFRESH_TOKEN',
      '--repo',
      gh.repository,
      '--store-consumer',
    ])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    const refresh = stored(scope, 'BITBUCKET_REFRESH_TOKEN')!
    expect(fx.emu.state.acceptsRefreshToken(refresh)).toBe(true)
    expect(stored(scope, 'BITBUCKET_CLIENT_ID')).toBe(fx.consumer.key)
    expect(stored(scope, 'BITBUCKET_CLIENT_SECRET')).toBeUndefined()
    expect(gh.gh.router.requests.filter((q) => q.method === 'PUT')).toHaveLength(3)
    const last = r.stderr.trim().split('\n').at(-1)!
    expect(last).toBe(
      `bitbucket-oauth login: Stored the refresh token as secret BITBUCKET_REFRESH_TOKEN and the consumer's Key as secret BITBUCKET_CLIENT_ID of repository ${gh.repository}, but could not store the consumer's Secret as secret BITBUCKET_CLIENT_SECRET: The GitHub token in GH_TOKEN/GITHUB_TOKEN may not write secret BITBUCKET_CLIENT_SECRET of repository ${gh.repository} (HTTP 403: "Resource not accessible by personal access token"). Give it "Secrets: read and write" on ${gh.repository}: a fine-grained personal access token with ${gh.repository} under Repository access and Repository permissions → Secrets: Read and write (a classic token needs the repo scope), or a GitHub App installed on ${gh.repository} with the same permission. Not stored: BITBUCKET_CLIENT_SECRET (the consumer's Secret). Fix that and run bitbucket-oauth login --store-consumer again, or store it yourself: \`gh secret set BITBUCKET_CLIENT_SECRET --repo ${gh.repository}\` (gh asks for the value).`,
    )
    expect(page).toMatch(/could not store the consumer&#39;s Secret as secret BITBUCKET_CLIENT_SECRET/)
    expect(r.stderr).not.toContain('Paste this step')
    expectNoSecretIn(r, refresh)
    expect(tokenRequests(fx.emu.router.requests)).toHaveLength(1)
  })

  test('no token variable and a GitHub CLI that is not logged in: fails before the browser step, says what to run', async () => {
    const ghCli = standIn('gh', `echo 'no oauth token found for github.com' >&2; exit 1`)
    cleanup.push(ghCli.remove)
    const r = await runLogin(
      ['--no-open', '--port', String(port), '--bitbucket-url', fx.emu.url, '--secret', 'BB', '--repo', gh.repository],
      env({ GH_TOKEN: undefined, GITHUB_API_URL: undefined, PATH: `${ghCli.dir}:${process.env.PATH}` }),
    ).done
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toEqual([
      'bitbucket-oauth login: --secret BB needs a GitHub token allowed to write Actions secrets: GH_TOKEN and GITHUB_TOKEN are not set, and the GitHub CLI has no token for github.com (gh auth token: no oauth token found for github.com). Either run `gh auth login --hostname github.com`, or set GH_TOKEN to a fine-grained token with "Secrets: read and write"; then run the login again.',
    ])
    expect(fx.emu.router.requests).toEqual([])
  })
})
