/** The fake GitHub secrets API behaves like GitHub where the tests rely on it, and refuses what GitHub would. */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import sodium from 'libsodium-wrappers'
import { startFakeGitHub, type FakeGitHub } from '../../../emulator/github/server.ts'
import { ACTION_WORDING as wording } from '../../../src/action/wording.ts'
import { HttpClient } from '../../../src/net/http.ts'
import { saveSecret } from '../../../src/github/secrets.ts'
import type { SecretTarget } from '../../../src/github/secret-target.ts'
import { ACTION_WORDING } from '../../../src/action/wording.ts'

let gh: FakeGitHub
let http: HttpClient
let token: string
beforeEach(async () => {
  gh = await startFakeGitHub({ basePath: '/api/v3' })
  gh.addRepository('Octo-Org/Octo-Repo', { environments: ['prod'] })
  gh.addOrganization('octo-org')
  token = gh.addToken({ repositories: { 'octo-org/octo-repo': 'write' }, organizations: { 'octo-org': 'read' } })
  http = new HttpClient({ wording, retry: { attempts: 1 } })
})
afterEach(async () => {
  await http.close()
  await gh.close()
})

async function call(
  method: 'GET' | 'PUT',
  path: string,
  body?: unknown,
  auth = `Bearer ${token}`,
): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
  const { response, text } = await http.text(`${gh.url}${path}`, {
    method,
    what: 'fake GitHub',
    authorization: auth,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined }
}

const target = (t: Partial<SecretTarget>): SecretTarget => ({
  name: 'TOKEN_A',
  repository: 'octo-org/octo-repo',
  environment: undefined,
  organization: undefined,
  githubToken: token,
  githubApiUrl: new URL(gh.url),
  ...t,
})

describe('fake GitHub secrets API', () => {
  test('stores what saveSecret sealed, readable as plaintext; names and repositories case-insensitive', async () => {
    await saveSecret(http, target({ repository: 'OCTO-ORG/octo-repo' }), 'value-1', () => {}, ACTION_WORDING)
    expect(gh.repoSecret('octo-org/octo-repo', 'token_a')).toBe('value-1')
    await saveSecret(http, target({ environment: 'prod' }), 'value-2', () => {}, ACTION_WORDING)
    expect(gh.envSecret('octo-org/octo-repo', 'prod', 'TOKEN_A')).toBe('value-2')
    expect(gh.repoSecret('octo-org/octo-repo', 'TOKEN_A')).toBe('value-1')
    const meta = await call('GET', '/repos/octo-org/octo-repo/actions/secrets/TOKEN_A')
    expect(meta.status).toBe(200)
    expect(meta.json?.name).toBe('TOKEN_A')
  })

  test('each scope has its own real key', async () => {
    const a = await call('GET', '/repos/octo-org/octo-repo/actions/secrets/public-key')
    const b = await call('GET', '/repos/octo-org/octo-repo/environments/prod/secrets/public-key')
    expect(a.status).toBe(200)
    expect(a.json?.key_id).not.toBe(b.json?.key_id)
    expect(sodium.from_base64(a.json?.key as string, sodium.base64_variants.ORIGINAL)).toHaveLength(32)
  })

  test('refuses a wrong key_id and a value that does not open', async () => {
    await sodium.ready
    const key = await call('GET', '/repos/octo-org/octo-repo/actions/secrets/public-key')
    const pub = sodium.from_base64(key.json?.key as string, sodium.base64_variants.ORIGINAL)
    const good = sodium.to_base64(sodium.crypto_box_seal('x', pub), sodium.base64_variants.ORIGINAL)
    const other = sodium.to_base64(
      sodium.crypto_box_seal('x', sodium.crypto_box_keypair().publicKey),
      sodium.base64_variants.ORIGINAL,
    )
    expect(
      (await call('PUT', '/repos/octo-org/octo-repo/actions/secrets/T', { encrypted_value: good, key_id: '1' })).status,
    ).toBe(422)
    expect(
      (
        await call('PUT', '/repos/octo-org/octo-repo/actions/secrets/T', {
          encrypted_value: other,
          key_id: key.json?.key_id,
        })
      ).status,
    ).toBe(422)
    expect(
      (
        await call('PUT', '/repos/octo-org/octo-repo/actions/secrets/GITHUB_T', {
          encrypted_value: good,
          key_id: key.json?.key_id,
        })
      ).status,
    ).toBe(422)
    expect(
      (
        await call('PUT', '/repos/octo-org/octo-repo/actions/secrets/T', {
          encrypted_value: good,
          key_id: key.json?.key_id,
        })
      ).status,
    ).toBe(201)
    expect(
      (
        await call('PUT', '/repos/octo-org/octo-repo/actions/secrets/T', {
          encrypted_value: good,
          key_id: key.json?.key_id,
        })
      ).status,
    ).toBe(204)
  })

  test('401 for an unknown token, 404 for what it cannot see, 403 for read-only', async () => {
    expect(
      (await call('GET', '/repos/octo-org/octo-repo/actions/secrets/public-key', undefined, 'Bearer nope')).status,
    ).toBe(401)
    expect((await call('GET', '/repos/octo-org/hidden/actions/secrets/public-key')).status).toBe(404)
    expect((await call('GET', '/repos/octo-org/octo-repo/environments/staging/secrets/public-key')).status).toBe(404)
    expect((await call('GET', '/orgs/octo-org/actions/secrets/public-key')).status).toBe(200)
    const err = await saveSecret(
      http,
      target({ organization: 'octo-org', repository: undefined }),
      'v',
      () => {},
      ACTION_WORDING,
    ).catch((e: Error) => e)
    expect(String(err)).toContain('HTTP 403')
  })

  test('organization secrets: visibility, selected repositories, pagination', async () => {
    const writer = gh.addToken({ organizations: { 'octo-org': 'write' } })
    const ids = Array.from({ length: 3 }, (_, i) => gh.addRepository(`octo-org/r${i}`).id)
    gh.setOrgSecret('octo-org', 'SHARED', 'old', { visibility: 'selected', selectedRepositoryIds: ids })
    const page2 = await call(
      'GET',
      '/orgs/octo-org/actions/secrets/SHARED/repositories?per_page=2&page=2',
      undefined,
      `Bearer ${writer}`,
    )
    expect(page2.json?.total_count).toBe(3)
    expect((page2.json?.repositories as { id: number }[]).map((r) => r.id)).toEqual([ids[2]])
    await saveSecret(
      http,
      target({ organization: 'octo-org', repository: undefined, name: 'SHARED', githubToken: writer }),
      'new',
      () => {},
      ACTION_WORDING,
    )
    expect(gh.orgSecret('octo-org', 'SHARED')).toEqual({
      value: 'new',
      visibility: 'selected',
      selectedRepositoryIds: ids,
    })
  })

  test('faults apply to matching requests', async () => {
    gh.faults.add({ kind: 'status', status: 502, path: '/api/v3/repos/', method: 'GET' })
    expect((await call('GET', '/repos/octo-org/octo-repo/actions/secrets/public-key')).status).toBe(502)
    expect((await call('GET', '/repos/octo-org/octo-repo/actions/secrets/public-key')).status).toBe(200)
    expect(gh.router.requests).toHaveLength(2)
  })
})
