/** Where --secret stores the token: the GitHub token (the environment's or the GitHub CLI's), the API root, the repository. */
import { describe, expect, test } from '@jest/globals'
import type { GhTokenResult } from '../../../src/login/gh-token.ts'
import { resolveSecretTarget } from '../../../src/login/secret-target.ts'

const noGh = async (): Promise<GhTokenResult> => ({
  token: undefined,
  notInstalled: true,
  detail: 'gh is not installed',
})

describe('resolveSecretTarget', () => {
  const req = {
    name: 'BB',
    repository: undefined,
    environment: undefined,
    organization: undefined,
    consumer: undefined,
  }
  test('repository from the origin remote, token from GH_TOKEN before GITHUB_TOKEN; gh is not asked', async () => {
    const asked: string[] = []
    const t = await resolveSecretTarget(req, {
      env: { GH_TOKEN: 'gh', GITHUB_TOKEN: 'other' },
      readOriginUrl: async () => 'git@github.com:o/r.git',
      ghAuthToken: async (host) => {
        asked.push(host)
        return { token: 'from-gh' }
      },
    })
    expect(t).toMatchObject({ name: 'BB', repository: 'o/r', githubToken: 'gh', githubTokenFrom: 'environment' })
    expect(t.githubApiUrl.href).toBe('https://api.github.com/')
    expect(asked).toEqual([])
  })
  test("without GH_TOKEN/GITHUB_TOKEN: the GitHub CLI's token for the host of GITHUB_API_URL", async () => {
    const asked: string[] = []
    const ghAuthToken = async (host: string): Promise<GhTokenResult> => {
      asked.push(host)
      return { token: 'gho_cli' }
    }
    const t = await resolveSecretTarget(
      { ...req, repository: 'o/r' },
      { env: {}, readOriginUrl: async () => undefined, ghAuthToken },
    )
    expect(t).toMatchObject({ githubToken: 'gho_cli', githubTokenFrom: 'gh', repository: 'o/r' })
    await resolveSecretTarget(
      { ...req, repository: 'o/r' },
      { env: { GITHUB_API_URL: 'https://ghe.example/api/v3' }, readOriginUrl: async () => undefined, ghAuthToken },
    )
    expect(asked).toEqual(['github.com', 'ghe.example'])
  })
  test('no token, no remote, a foreign remote: say what to do', async () => {
    await expect(
      resolveSecretTarget(req, { env: {}, readOriginUrl: async () => undefined, ghAuthToken: noGh }),
    ).rejects.toThrow(
      /GH_TOKEN and GITHUB_TOKEN are not set, and the GitHub CLI \(gh\) is not installed\. Either install gh and run `gh auth login`, or set GH_TOKEN/,
    )
    await expect(
      resolveSecretTarget(req, {
        env: {},
        readOriginUrl: async () => undefined,
        ghAuthToken: async () => ({
          token: undefined,
          notInstalled: false,
          detail: 'no oauth token found for github.com',
        }),
      }),
    ).rejects.toThrow(
      /the GitHub CLI has no token for github.com \(gh auth token: no oauth token found for github.com\)\. Either run `gh auth login --hostname github.com`/,
    )
    await expect(
      resolveSecretTarget(req, { env: { GITHUB_TOKEN: 't' }, readOriginUrl: async () => undefined, ghAuthToken: noGh }),
    ).rejects.toThrow(/no git "origin" remote.*--repo OWNER\/REPO/)
    await expect(
      resolveSecretTarget(req, {
        env: { GITHUB_TOKEN: 't' },
        readOriginUrl: async () => 'https://tok@bitbucket.org/ws/r.git',
        ghAuthToken: noGh,
      }),
    ).rejects.toThrow(/\(https:\/\/bitbucket.org\/ws\/r.git\) is not a github.com repository/)
  })
  test('an organization secret needs no repository', async () => {
    const t = await resolveSecretTarget(
      { ...req, organization: 'org' },
      { env: { GITHUB_TOKEN: 't' }, readOriginUrl: async () => 'git@github.com:o/r.git', ghAuthToken: noGh },
    )
    expect(t.repository).toBeUndefined()
  })
})
