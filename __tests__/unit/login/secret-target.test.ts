/** Where --secret stores the token: the GitHub token, the API root, the repository. */
import { describe, expect, test } from '@jest/globals'
import { resolveSecretTarget } from '../../../src/login/secret-target.ts'

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
