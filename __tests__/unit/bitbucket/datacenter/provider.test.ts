/** The Data Center provider against the Data Center emulator: token requests, refs, scopes, URLs, the git header. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { startDataCenter, type DataCenter } from '../../../../emulator/datacenter/server.ts'
import type { Consumer } from '../../../../emulator/bitbucket/state.ts'
import { ACTION_WORDING as wording } from '../../../../src/action/wording.ts'
import { requestToken } from '../../../../src/bitbucket/oauth.ts'
import { CLOUD } from '../../../../src/bitbucket/cloud/provider.ts'
import { DATACENTER, missingScopes } from '../../../../src/bitbucket/datacenter/provider.ts'
import { resolveRef } from '../../../../src/bitbucket/datacenter/refs.ts'
import { HttpClient } from '../../../../src/net/http.ts'
import { Masker } from '../../../../src/shared/mask.ts'

let dc: DataCenter
let link: Consumer
let http: HttpClient
let commit: string
let auth: string
beforeAll(async () => {
  dc = await startDataCenter()
  link = dc.state.addApplicationLink()
  http = new HttpClient({ wording, sleep: async () => {}, random: () => 0 })
  commit = dc.git.create('PLAT', 'lib', { 'README.md': '# lib\n' })
  dc.tag('PLAT', 'lib', 'v1', commit)
  for (let i = 0; i < 26; i++) dc.branch('PLAT', 'lib', `a-main-${i}`, commit)
  dc.branch('PLAT', 'lib', 'main', commit)
  auth = `Bearer ${dc.state.issueAccessToken(link.key, ['REPO_READ']).value}`
})
afterAll(async () => {
  await http.close()
  await dc.close()
})

const base = () => new URL(dc.url)
const deps = () => ({ http, masker: new Masker(() => {}), debug: () => {}, wording })
const refresh = (refreshToken: string, redirectUri = 'http://localhost:8976/') =>
  requestToken(deps(), {
    tokenUrl: DATACENTER.tokenUrl(base()),
    clientId: link.key,
    clientSecret: link.secret,
    grant: { type: 'refresh_token', refreshToken, redirectUri },
    provider: DATACENTER,
  })

describe('the Data Center token endpoint', () => {
  test('the refresh sends the credentials and redirect_uri in the form body, no Authorization header', async () => {
    const token = dc.state.issueDcRefreshToken(link.key)
    const before = dc.router.requests.length
    const t = await refresh(token)
    expect(t.expiresIn).toBe(3600)
    expect(t.refreshToken).not.toBe(token)
    const q = dc.router.requests[before]!
    expect(q.path).toBe('/bitbucket/rest/oauth2/latest/token')
    expect(q.headers.authorization).toBeUndefined()
    expect(Object.fromEntries(new URLSearchParams(q.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: token,
      redirect_uri: 'http://localhost:8976/',
      client_id: link.key,
      client_secret: link.secret,
    })
  })

  test("a spent token: the message names both causes and Data Center's own fixes", async () => {
    const token = dc.state.issueDcRefreshToken(link.key)
    await refresh(token)
    await expect(refresh(token)).rejects.toThrow(
      /^Bitbucket Data Center refused the refresh token \(invalid_grant: Invalid grant\): .*already used.*no grace window.*`redirect-uri` is not the redirect URL.*`bitbucket-oauth login --bitbucket-type datacenter` command.*sealed-token.*queue: max/,
    )
  })

  test('Cloud is unchanged: Basic client authentication, nothing in the form', () => {
    const masker = new Masker(() => {})
    expect(CLOUD.clientAuthentication('k', 's', masker)).toEqual({
      authorization: `Basic ${Buffer.from('k:s').toString('base64')}`,
      form: {},
    })
    expect(CLOUD.tokenUrl(new URL('https://bitbucket.org')).href).toBe('https://bitbucket.org/site/oauth2/access_token')
  })
})

describe('Data Center URLs, scopes and the git header', () => {
  test('api-url: empty or the Cloud default means {bitbucket-url}/rest/api/latest', () => {
    const b = new URL('https://git.example.com/bitbucket')
    expect(DATACENTER.apiUrl(b, '').href).toBe('https://git.example.com/bitbucket/rest/api/latest')
    expect(DATACENTER.apiUrl(b, 'https://api.bitbucket.org/2.0/').href).toBe(
      'https://git.example.com/bitbucket/rest/api/latest',
    )
    expect(DATACENTER.apiUrl(b, 'https://api.example.com/rest/api/1.0').href).toBe(
      'https://api.example.com/rest/api/1.0',
    )
    expect(DATACENTER.tokenUrl(b).href).toBe('https://git.example.com/bitbucket/rest/oauth2/latest/token')
  })

  test('the archive URL is exactly at, format, no prefix', () => {
    const apiUrl = new URL('https://git.example.com/bitbucket/rest/api/latest')
    expect(DATACENTER.archiveUrl({ bitbucketUrl: apiUrl, apiUrl }, '~jdoe', 'my repo', 'a'.repeat(40)).href).toBe(
      `https://git.example.com/bitbucket/rest/api/latest/projects/~jdoe/repos/my%20repo/archive?at=${'a'.repeat(40)}&format=tar.gz`,
    )
  })

  test('scopes: REPO_ADMIN ⊇ REPO_WRITE ⊇ REPO_READ, PROJECT_ADMIN and SYSTEM_ADMIN above them', () => {
    expect(missingScopes(['REPO_READ'], ['REPO_WRITE'])).toEqual([])
    expect(missingScopes(['REPO_WRITE'], ['REPO_ADMIN'])).toEqual([])
    expect(missingScopes(['REPO_ADMIN', 'REPO_READ'], ['PROJECT_ADMIN'])).toEqual([])
    expect(missingScopes(['PROJECT_ADMIN'], ['SYSTEM_ADMIN'])).toEqual([])
    expect(missingScopes(['REPO_WRITE'], ['REPO_READ'])).toEqual(['REPO_WRITE'])
    expect(missingScopes(['SYSTEM_ADMIN', 'ACCOUNT_WRITE'], ['PROJECT_ADMIN'])).toEqual([
      'SYSTEM_ADMIN',
      'ACCOUNT_WRITE',
    ])
  })

  test('git: a Bearer header below {bitbucket-url}/scm/, no rewrites', () => {
    const c = DATACENTER.gitCredential(new URL('https://git.example.com:8443/bitbucket'), 'TOKEN')
    expect(c).toMatchObject({
      url: 'https://git.example.com:8443/bitbucket/scm/',
      header: 'Authorization: Bearer TOKEN',
      rewrites: undefined,
    })
  })
})

describe('Data Center refs', () => {
  const rd = () => ({ http, apiUrl: DATACENTER.apiUrl(base(), ''), authorization: auth })
  test('a tag by its latestCommit (not the tag object), a branch by exact displayId over pages, a commit', async () => {
    expect(await resolveRef(rd(), 'PLAT', 'lib', 'v1')).toEqual({ commit, kind: 'tag' })
    expect(await resolveRef(rd(), 'PLAT', 'lib', 'main')).toEqual({ commit, kind: 'branch' })
    expect(await resolveRef(rd(), 'PLAT', 'lib', commit.slice(0, 12))).toEqual({ commit, kind: 'commit' })
    expect(await resolveRef(rd(), 'PLAT', 'lib', commit.toUpperCase())).toEqual({ commit, kind: 'commit' })
  })

  test('a partial branch name is not a branch; a missing repository; an invalid token', async () => {
    await expect(resolveRef(rd(), 'PLAT', 'lib', 'a-main')).rejects.toThrow(
      /has no tag, branch or commit named "a-main"/,
    )
    await expect(resolveRef(rd(), 'PLAT', 'nope', 'main')).rejects.toThrow(/Repository PLAT\/nope was not found/)
    await expect(resolveRef({ ...rd(), authorization: 'Bearer wrong' }, 'PLAT', 'lib', 'v1')).rejects.toThrow(
      /refused the access token while resolving PLAT\/lib@v1 \(HTTP 401/,
    )
  })
})
