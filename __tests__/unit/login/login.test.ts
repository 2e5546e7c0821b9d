/** The pure parts of `bitbucket-oauth login`: options, the origin remote, the callback check, PKCE, the opener. */
import { describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { ChildProcess } from 'node:child_process'
import { parseLoginArgs, UsageError } from '../../../src/login/args.ts'
import { openBrowser, openerCommand } from '../../../src/login/browser.ts'
import { authorizeUrl, checkCallback } from '../../../src/login/flow.ts'
import { githubHost, parseGitHubRemote } from '../../../src/login/git-remote.ts'
import { createPkce, createState } from '../../../src/login/pkce.ts'
import { resolveSecretTarget } from '../../../src/login/secret-target.ts'
import { forTheCommand } from '../../../src/login/wording.ts'

const ENV = { BITBUCKET_CLIENT_ID: 'key', BITBUCKET_CLIENT_SECRET: 'secret' }

describe('parseLoginArgs', () => {
  test('defaults', () => {
    const o = parseLoginArgs([], ENV)
    expect(o).toMatchObject({
      clientId: 'key',
      clientSecret: 'secret',
      clientSecretOnCommandLine: false,
      port: 8976,
      open: true,
      timeoutMs: 300_000,
      secret: undefined,
    })
    expect(o.bitbucketUrl.href).toBe('https://bitbucket.org/')
  })

  test('options win over the environment; --no-open; fractional --timeout; loopback http', () => {
    const o = parseLoginArgs(
      [
        '--client-id',
        'k2',
        '--client-secret',
        's2',
        '--no-open',
        '--timeout',
        '0.5',
        '--port',
        '9000',
        '--bitbucket-url',
        'http://127.0.0.1:1234/',
      ],
      ENV,
    )
    expect(o).toMatchObject({
      clientId: 'k2',
      clientSecret: 's2',
      clientSecretOnCommandLine: true,
      open: false,
      timeoutMs: 500,
      port: 9000,
    })
    expect(o.bitbucketUrl.href).toBe('http://127.0.0.1:1234/')
  })

  test('--secret with its scope options', () => {
    expect(parseLoginArgs(['--secret', 'BB_TOKEN', '--repo', 'o/r', '--environment', 'prod'], ENV).secret).toEqual({
      name: 'BB_TOKEN',
      repository: 'o/r',
      environment: 'prod',
      organization: undefined,
    })
    expect(parseLoginArgs(['--secret', 'BB_TOKEN', '--organization', 'octo-org'], ENV).secret).toEqual({
      name: 'BB_TOKEN',
      repository: undefined,
      environment: undefined,
      organization: 'octo-org',
    })
  })

  test.each([
    [['--repo', 'o/r', '--organization', 'x', '--secret', 'S']],
    [['--secret', 'S', '--repo', 'not-a-repo']],
    [['--secret', '1BAD']],
    [['--timeout', '0']],
    [['--port', '80.5']],
    [['positional']],
    [['--bitbucket-url', 'https://user:pw@bitbucket.org']],
  ])('%j is a usage error', (argv) => {
    expect(() => parseLoginArgs(argv, ENV)).toThrow(UsageError)
  })

  test('--help needs no credentials', () => {
    expect(parseLoginArgs(['--help'], {}).help).toBe(true)
  })
})

describe('parseGitHubRemote', () => {
  test.each([
    ['https://github.com/octo-org/octo-repo.git', 'octo-org/octo-repo'],
    ['https://github.com/octo-org/octo-repo', 'octo-org/octo-repo'],
    ['https://github.com/octo-org/octo-repo/', 'octo-org/octo-repo'],
    ['https://x-access-token:abc@github.com/octo-org/octo.repo.git', 'octo-org/octo.repo'],
    ['git@github.com:octo-org/octo-repo.git', 'octo-org/octo-repo'],
    ['git@github.com:octo-org/octo-repo', 'octo-org/octo-repo'],
    ['ssh://git@github.com/octo-org/octo-repo.git', 'octo-org/octo-repo'],
    ['ssh://git@ssh.github.com:443/octo-org/octo-repo.git', 'octo-org/octo-repo'],
    ['https://bitbucket.org/ws/repo.git', undefined],
    ['git@bitbucket.org:ws/repo.git', undefined],
    ['https://github.com/only-owner', undefined],
    ['https://github.com/a/b/c', undefined],
    ['/local/path/repo', undefined],
  ])('%s → %s', (remote, expected) => {
    expect(parseGitHubRemote(remote)).toBe(expected)
  })

  test('GitHub Enterprise: the host comes from GITHUB_API_URL', () => {
    expect(githubHost(new URL('https://api.github.com'))).toBe('github.com')
    expect(githubHost(new URL('https://ghe.example.com/api/v3'))).toBe('ghe.example.com')
    expect(parseGitHubRemote('git@ghe.example.com:team/app.git', 'ghe.example.com')).toBe('team/app')
    expect(parseGitHubRemote('git@github.com:team/app.git', 'ghe.example.com')).toBeUndefined()
  })
})

describe('resolveSecretTarget', () => {
  const req = { name: 'BB', repository: undefined, environment: undefined, organization: undefined }
  test('repository from the origin remote, token from GH_TOKEN before GITHUB_TOKEN', async () => {
    const t = await resolveSecretTarget(req, {
      env: { GH_TOKEN: 'gh', GITHUB_TOKEN: 'other' },
      readOriginUrl: async () => 'git@github.com:o/r.git',
    })
    expect(t).toMatchObject({ name: 'BB', repository: 'o/r', githubToken: 'gh' })
    expect(t.githubApiUrl.href).toBe('https://api.github.com/')
  })
  test('no token, no remote, a foreign remote: say what to do', async () => {
    await expect(resolveSecretTarget(req, { env: {}, readOriginUrl: async () => undefined })).rejects.toThrow(
      /GH_TOKEN or GITHUB_TOKEN.*gh auth token/,
    )
    await expect(
      resolveSecretTarget(req, { env: { GITHUB_TOKEN: 't' }, readOriginUrl: async () => undefined }),
    ).rejects.toThrow(/no git "origin" remote.*--repo OWNER\/REPO/)
    await expect(
      resolveSecretTarget(req, {
        env: { GITHUB_TOKEN: 't' },
        readOriginUrl: async () => 'https://tok@bitbucket.org/ws/r.git',
      }),
    ).rejects.toThrow(/\(https:\/\/bitbucket.org\/ws\/r.git\) is not a github.com repository/)
  })
  test('an organization secret needs no repository', async () => {
    const t = await resolveSecretTarget(
      { ...req, organization: 'org' },
      { env: { GITHUB_TOKEN: 't' }, readOriginUrl: async () => 'git@github.com:o/r.git' },
    )
    expect(t.repository).toBeUndefined()
  })
})

describe('checkCallback', () => {
  const q = (s: string) => new URLSearchParams(s)
  test('returns the code when the state matches', () => {
    expect(checkCallback(q('code=abc&state=S1'), 'S1', 8976)).toBe('abc')
  })
  test.each([
    ['code=abc&state=S2', /wrong state/],
    ['code=abc', /wrong state/],
    ['state=S1', /no authorization code/],
    ['error=access_denied&state=S1', /Access was denied/],
    ['error=invalid_scope&state=S1', /permissions ticked/],
    ['error=temporarily_unavailable&state=S1', /in a few minutes/],
    [
      'error=unauthorized_client&error_description=x&state=S1',
      /error=unauthorized_client: x.*callback URL is http:\/\/localhost:8976/,
    ],
  ])('%s', (query, message) => {
    expect(() => checkCallback(q(query), 'S1', 8976)).toThrow(message)
  })
})

describe('state and PKCE', () => {
  test('fresh random values; the challenge is base64url(SHA-256(verifier))', () => {
    const a = createPkce()
    const b = createPkce()
    expect(a.verifier).not.toBe(b.verifier)
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(a.challenge).toBe(createHash('sha256').update(a.verifier).digest('base64url'))
    expect(createState()).not.toBe(createState())
  })
  test('the authorize URL keeps a base path and encodes redirect_uri', () => {
    const url = authorizeUrl(new URL('https://bb.example/sub'), {
      clientId: 'k',
      state: 's',
      redirectUri: 'http://localhost:8976/',
      pkce: { verifier: 'v', challenge: 'c', method: 'S256' },
    })
    expect(url.href).toBe(
      'https://bb.example/sub/site/oauth2/authorize?client_id=k&response_type=code&state=s&redirect_uri=http%3A%2F%2Flocalhost%3A8976%2F&code_challenge=c&code_challenge_method=S256',
    )
  })
})

describe('openBrowser', () => {
  test('platform openers', () => {
    expect(openerCommand('u', 'linux', {})).toEqual({ command: 'xdg-open', args: ['u'] })
    expect(openerCommand('u', 'darwin', {})).toEqual({ command: 'open', args: ['u'] })
    expect(openerCommand('u', 'win32', {})).toEqual({ command: 'rundll32', args: ['url.dll,FileProtocolHandler', 'u'] })
    expect(openerCommand('u', 'linux', { BROWSER: 'firefox' })).toEqual({ command: 'firefox', args: ['u'] })
  })
  test('detached, unref-ed; a spawn failure or a failing opener is only a warning', () => {
    const warnings: string[] = []
    const calls: unknown[] = []
    let child: EventEmitter & { unref?: () => void; unrefed?: boolean } = new EventEmitter()
    const spawn = ((command: string, args: string[], options: unknown) => {
      calls.push({ command, args, options })
      child = Object.assign(new EventEmitter(), { unrefed: false, unref: () => (child.unrefed = true) })
      return child as unknown as ChildProcess
    }) as never
    openBrowser('https://x/', {
      platform: 'linux',
      env: { DISPLAY: ':0', BITBUCKET_CLIENT_SECRET: 's', GH_TOKEN: 'g' },
      warn: (m) => warnings.push(m),
      spawn,
    })
    // The opener gets no secrets in its environment.
    expect(calls).toEqual([
      {
        command: 'xdg-open',
        args: ['https://x/'],
        options: { detached: true, stdio: 'ignore', windowsHide: true, env: { DISPLAY: ':0' } },
      },
    ])
    expect(child.unrefed).toBe(true)
    child.emit('exit', 3)
    openBrowser('https://x/', { platform: 'linux', env: {}, warn: (m) => warnings.push(m), spawn })
    child.emit('error', Object.assign(new Error('spawn xdg-open ENOENT'), { code: 'ENOENT' }))
    expect(warnings).toEqual([
      'xdg-open exited with status 3: open the URL above in a browser yourself.',
      'Could not start xdg-open (ENOENT): open the URL above in a browser yourself.',
    ])
  })
})

describe('forTheCommand', () => {
  test("names the command's options and variables instead of the action's inputs", () => {
    expect(forTheCommand('Check the `client-id` and `client-secret` inputs: x. Check that `bitbucket-url` is y.')).toBe(
      'Check --client-id and --client-secret (BITBUCKET_CLIENT_ID, BITBUCKET_CLIENT_SECRET): x. Check that --bitbucket-url is y.',
    )
    expect(
      forTheCommand("The `github-token` may not write. The workflow's own GITHUB_TOKEN cannot write secrets. Done."),
    ).toBe('The GitHub token in GH_TOKEN/GITHUB_TOKEN may not write. Done.')
    expect(forTheCommand('Check `refresh-token-secret` and the secret.')).toBe('Check --secret and the secret.')
  })
})
