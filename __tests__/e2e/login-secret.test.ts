/**
 * `bitbucket-oauth login --secret NAME`: the refresh token goes into a GitHub
 * Actions secret (the fake GitHub opens the sealed box, so the test sees the
 * plaintext), and stdout stays empty.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startFakeGitHub } from '../../emulator/github/server.ts'
import { startFixture, type Fixture } from '../helpers/emulator.ts'
import { startGitHubFixture, type GitHubFixture } from '../helpers/github.ts'
import { consent, freePort, get, runLogin, tokenRequests, type LoginResult } from '../helpers/login.ts'

let fx: Fixture
let gh: GitHubFixture
let port: number
beforeEach(async () => {
  fx = await startFixture()
  gh = await startGitHubFixture()
  port = await freePort()
  fx.emu.state.consumers.get(fx.consumer.key)!.callbackUrl = `http://localhost:${port}`
})
afterEach(async () => {
  await fx.emu.close()
  await gh.gh.close()
})

const lastLine = (text: string) => text.trim().split('\n').at(-1)!

function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    BITBUCKET_CLIENT_ID: fx.consumer.key,
    BITBUCKET_CLIENT_SECRET: fx.consumer.secret,
    GH_TOKEN: gh.token,
    GITHUB_API_URL: gh.gh.url,
    ...extra,
  }
}

/** Runs the login, grants in the "browser", and returns the result and the success/failure page. */
async function grantedLogin(
  args: string[],
  environment = env(),
  cwd?: string,
): Promise<{ r: LoginResult; page: { status: number; text: string } }> {
  const run = runLogin(['--no-open', '--port', String(port), '--bitbucket-url', fx.emu.url, ...args], environment, {
    cwd,
  })
  const page = await get(await consent(await run.authorizeUrl, 'grant'))
  return { r: await run.done, page }
}

function expectStored(r: LoginResult, stored: string | undefined): string {
  expect(r.code).toBe(0)
  expect(r.stdout).toBe('')
  expect(stored).toBeDefined()
  expect(fx.emu.state.acceptsRefreshToken(stored!)).toBe(true)
  expect(r.stderr).not.toContain(stored!)
  expect(r.stderr).not.toContain(gh.token)
  expect(r.stderr).not.toContain(fx.consumer.secret)
  return stored!
}

describe('login --secret', () => {
  test('repository secret (--repo): the fake GitHub holds the token; stdout is empty; the page says where it went', async () => {
    const { r, page } = await grantedLogin(['--secret', 'BITBUCKET_REFRESH_TOKEN', '--repo', gh.repository])
    const stored = expectStored(r, gh.gh.repoSecret(gh.repository, 'BITBUCKET_REFRESH_TOKEN'))
    expect(page.status).toBe(200)
    expect(page.text).toContain(`stored as GitHub secret BITBUCKET_REFRESH_TOKEN of repository ${gh.repository}`)
    expect(page.text).not.toContain(stored)
    expect(r.stderr).toContain(
      `\nStored the refresh token as GitHub secret BITBUCKET_REFRESH_TOKEN of repository ${gh.repository}.\n`,
    )
    expect(lastLine(r.stderr)).toBe(
      `It reads the consumer's Key and Secret from the secrets BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET of repository ${gh.repository}: store them there (or run the login with --store-consumer next time).`,
    )
  })

  test('environment secret, with the token in GITHUB_TOKEN', async () => {
    const { r } = await grantedLogin(
      ['--secret', 'BB_REFRESH', '--repo', gh.repository, '--environment', gh.environment],
      env({ GH_TOKEN: undefined, GITHUB_TOKEN: gh.token }),
    )
    expectStored(r, gh.gh.envSecret(gh.repository, gh.environment, 'BB_REFRESH'))
    expect(gh.gh.repoSecret(gh.repository, 'BB_REFRESH')).toBeUndefined()
  })

  test('organization secret: a new one is private', async () => {
    const { r } = await grantedLogin(['--secret', 'BB_REFRESH', '--organization', gh.organization])
    const secret = gh.gh.orgSecret(gh.organization, 'BB_REFRESH')
    expectStored(r, secret?.value)
    expect(secret?.visibility).toBe('private')
  })

  test("--repo defaults to the origin remote's repository (GitHub Enterprise layout: host from GITHUB_API_URL)", async () => {
    const ghes = await startFakeGitHub({ basePath: '/api/v3' })
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-clone-'))
    try {
      ghes.addRepository('team/app')
      const token = ghes.addToken({ repositories: { 'team/app': 'write' } })
      const host = new URL(ghes.url).host
      execFileSync('git', ['init', '-q', dir])
      execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', `http://${host}/team/app.git`])
      const { r } = await grantedLogin(
        ['--secret', 'BB_REFRESH'],
        env({ GH_TOKEN: token, GITHUB_API_URL: ghes.url }),
        dir,
      )
      expectStored(r, ghes.repoSecret('team/app', 'BB_REFRESH'))
    } finally {
      await ghes.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('no GitHub token and no GitHub CLI: fails before listening or printing a URL', async () => {
    const r = await runLogin(
      ['--no-open', '--port', String(port), '--bitbucket-url', fx.emu.url, '--secret', 'BB', '--repo', gh.repository],
      env({ GH_TOKEN: undefined, PATH: '/nonexistent' }),
    ).done
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(
      /--secret BB needs a GitHub token allowed to write Actions secrets: GH_TOKEN and GITHUB_TOKEN are not set, and the GitHub CLI \(gh\) is not installed\. Either install gh and run `gh auth login`, or set GH_TOKEN/,
    )
    expect(fx.emu.router.requests).toEqual([])
  })

  test('no origin remote and no --repo: fails before the browser step', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-noclone-'))
    try {
      const r = await runLogin(
        ['--no-open', '--port', String(port), '--bitbucket-url', fx.emu.url, '--secret', 'BB'],
        env(),
        { cwd: dir },
      ).done
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(lastLine(r.stderr)).toMatch(
        /has no git "origin" remote to take the repository from \(or git is not installed\): pass --repo OWNER\/REPO/,
      )
      expect(r.stderr).not.toMatch(/authorize\?/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a token that may only read secrets: the login fails, the page says why, nothing is printed', async () => {
    const readOnly = gh.gh.addToken({ repositories: { [gh.repository]: 'read' } })
    const { r, page } = await grantedLogin(['--secret', 'BB', '--repo', gh.repository], env({ GH_TOKEN: readOnly }))
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(page.status).toBe(502)
    expect(page.text).toMatch(/could not store it as secret BB of repository octo-org\/octo-repo/)
    expect(lastLine(r.stderr)).toMatch(
      /^bitbucket-oauth login: Got a refresh token, but could not store it as secret BB of repository octo-org\/octo-repo: The GitHub token in GH_TOKEN\/GITHUB_TOKEN may not write secret BB .*403.*run bitbucket-oauth login again\.$/,
    )
    expect(r.stderr).not.toContain(readOnly)
    expect(gh.gh.repoSecret(gh.repository, 'BB')).toBeUndefined()
    expect(tokenRequests(fx.emu.router.requests)).toHaveLength(1)
  })
})
