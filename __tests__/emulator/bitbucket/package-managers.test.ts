/** The emulator's routes for package managers (emulator/package-managers.ts), without the tools. */
import http from 'node:http'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { startEmulator, type Emulator } from '../../../emulator/bitbucket/server.ts'
import { tagGitRepo } from '../../../emulator/bitbucket/package-managers.ts'
import { archivesOf, sampleTree } from '../../../emulator/bitbucket/archive-store.ts'

let emu: Emulator
let token: string
let noScope: string
let commit: string
beforeEach(async () => {
  emu = await startEmulator()
  const c = emu.state.addConsumer()
  token = emu.state.issueAccessToken(c.key, ['repository']).value
  noScope = emu.state.issueAccessToken(c.key, ['account']).value
  emu.git.create('acme', 'phplib', { 'composer.json': '{"name":"acme/phplib"}', 'src/Lib.php': '<?php\n' })
  commit = tagGitRepo(emu.git, 'acme', 'phplib', 'v1.0.0')
})
afterEach(() => emu.close())

const get = (p: string, auth = `Bearer ${token}`, headers: Record<string, string> = {}) =>
  fetch(`${emu.url}${p}`, { headers: { authorization: auth, ...headers }, redirect: 'manual' })

describe('emulator: what package managers call', () => {
  test("Composer's Bitbucket driver: repository, refs, file and commit date", async () => {
    const repo = (await (await get('/2.0/repositories/acme/phplib?fields=-project,-owner')).json()) as Record<
      string,
      never
    >
    expect(repo).toMatchObject({ scm: 'git', mainbranch: { name: 'main' }, has_issues: false, website: null })
    expect(repo.links).toMatchObject({
      tags: { href: `${emu.apiUrl}/repositories/acme/phplib/refs/tags` },
      branches: { href: `${emu.apiUrl}/repositories/acme/phplib/refs/branches` },
      clone: expect.arrayContaining([
        { name: 'https', href: `${emu.url.replace('://', '://x-token-auth@')}/acme/phplib.git` },
      ]),
    })
    const tags = (await (await get('/2.0/repositories/acme/phplib/refs/tags?pagelen=100')).json()) as {
      values: unknown[]
    }
    expect(tags.values).toEqual([{ type: 'tag', name: 'v1.0.0', target: expect.objectContaining({ hash: commit }) }])
    const branches = (await (await get('/2.0/repositories/acme/phplib/refs/branches')).json()) as { values: unknown[] }
    expect(branches.values).toEqual([
      expect.objectContaining({ name: 'main', target: expect.objectContaining({ hash: commit }) }),
    ])
    expect(await (await get(`/2.0/repositories/acme/phplib/src/${commit}/composer.json`)).text()).toBe(
      '{"name":"acme/phplib"}',
    )
    expect((await get(`/2.0/repositories/acme/phplib/src/${commit}/missing.json`)).status).toBe(404)
    const c = (await (await get(`/2.0/repositories/acme/phplib/commit/${commit}?fields=date`)).json()) as {
      date: string
    }
    expect(c).toMatchObject({ hash: commit, date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })
  })

  test('links name bitbucket.org when the request came for it', async () => {
    // fetch() cannot set Host: a plain request, as one arriving through the test's CONNECT proxy.
    const body = await new Promise<string>((resolve, reject) => {
      const url = new URL(`${emu.url}/2.0/repositories/acme/phplib`)
      http
        .get(url, { headers: { host: 'api.bitbucket.org', authorization: `Bearer ${token}` } }, (res) => {
          let text = ''
          res.on('data', (d: Buffer) => (text += d.toString('utf8')))
          res.on('end', () => resolve(text))
        })
        .on('error', reject)
    })
    const repo = JSON.parse(body) as { links: { tags: { href: string }; clone: { href: string }[] } }
    expect(repo.links.tags.href).toBe('https://api.bitbucket.org/2.0/repositories/acme/phplib/refs/tags')
    expect(repo.links.clone[0]!.href).toBe('https://x-token-auth@bitbucket.org/acme/phplib.git')
  })

  test('the API wants a Bearer token with a repository scope', async () => {
    expect((await get('/2.0/repositories/acme/phplib', '')).status).toBe(401)
    expect((await get('/2.0/repositories/acme/phplib/refs/tags', 'Bearer nope')).status).toBe(401)
    expect((await get('/2.0/repositories/acme/phplib', `Bearer ${noScope}`)).status).toBe(403)
  })

  test('zip archives: with the token the zip, without it the sign-in page', async () => {
    const zip = await get(`/acme/phplib/get/${commit}.zip`)
    expect(zip.status).toBe(200)
    const bytes = Buffer.from(await zip.arrayBuffer())
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04')
    expect(bytes.includes(Buffer.from(`acme-phplib-${commit.slice(0, 12)}/src/Lib.php`))).toBe(true)
    const anonymous = await get('/acme/phplib/get/v1.0.0.zip', '')
    expect(anonymous.status).toBe(302)
    expect(anonymous.headers.get('location')).toMatch(/^\/account\/signin\//)
    expect((await get('/acme/phplib/get/nope.zip')).status).toBe(404)
  })

  test('git without the .git suffix, as the go command clones', async () => {
    const basic = `Basic ${Buffer.from(`x-token-auth:${token}`).toString('base64')}`
    const res = await get('/acme/phplib/info/refs?service=git-upload-pack', basic)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('refs/tags/v1.0.0')
    expect((await get('/acme/phplib/info/refs?service=git-upload-pack', '')).status).toBe(401)
  })

  test("the archives' repositories keep their own routes", async () => {
    const store = archivesOf(emu.state)
    store.addCommit('acme/shared', sampleTree('x'), { tags: ['v1'] })
    const res = await get('/2.0/repositories/acme/shared')
    expect(await res.json()).toEqual({ type: 'repository', full_name: 'acme/shared', slug: 'shared', is_private: true })
    expect((await get('/2.0/repositories/acme/unknown')).status).toBe(404)
    expect((await get('/acme/%E0%A4%A/info/refs')).status).toBe(404)
  })
})
