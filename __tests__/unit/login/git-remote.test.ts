/** The repository of the origin remote: the default of --repo. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { githubHost, parseGitHubRemote, readOriginUrl } from '../../../src/login/git-remote.ts'
import { standIn } from '../../helpers/stand-in.ts'

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

describe('readOriginUrl', () => {
  test('asks git for remote.origin.url; git gets no GitHub token or Bitbucket secret in its environment', async () => {
    const git = standIn('git', `printf 'git@github.com:o/r.git\\n'`)
    try {
      const env = {
        PATH: `${git.dir}:/usr/bin:/bin`,
        GH_TOKEN: 'ght',
        GITHUB_TOKEN: 'gt',
        BITBUCKET_CLIENT_SECRET: 'cs',
      }
      await expect(readOriginUrl(os.tmpdir(), env)).resolves.toBe('git@github.com:o/r.git')
      expect(git.args()).toEqual(['config', '--get', 'remote.origin.url'])
      expect(git.env().PATH).toBe(env.PATH)
      for (const name of ['GH_TOKEN', 'GITHUB_TOKEN', 'BITBUCKET_CLIENT_SECRET'])
        expect(git.env()[name]).toBeUndefined()
    } finally {
      git.remove()
    }
  })

  // A `#!/bin/sh` stand-in for git: POSIX only (childEnv itself is tested on every OS).
  const posixTest = process.platform === 'win32' ? test.skip : test
  posixTest('git gets the environment less the tokens and the client secret', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-remote-'))
    try {
      const seen = path.join(dir, 'env.txt')
      fs.writeFileSync(path.join(dir, 'git'), `#!/bin/sh\nenv > '${seen}'\necho https://github.com/octo/app.git\n`, {
        mode: 0o755,
      })
      const url = await readOriginUrl(dir, {
        PATH: `${dir}${path.delimiter}${process.env.PATH}`,
        HOME: dir,
        GH_TOKEN: 'gho_secret1',
        GITHUB_TOKEN: 'ghs_secret2',
        BITBUCKET_CLIENT_SECRET: 'client-secret3',
        BITBUCKET_ACCESS_TOKEN: 'access-token4',
      })
      expect(url).toBe('https://github.com/octo/app.git')
      const env = fs.readFileSync(seen, 'utf8')
      for (const secret of ['gho_secret1', 'ghs_secret2', 'client-secret3', 'access-token4'])
        expect(env).not.toContain(secret)
      expect(env).toContain(`HOME=${dir}`)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
