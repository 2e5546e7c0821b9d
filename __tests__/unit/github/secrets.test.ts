/**
 * saveSecret on the wire: the exact request sequence per scope, the headers,
 * a body whose sealed box opens to the value, and the error mapping. undici's
 * MockAgent stands in for GitHub (no network).
 */
import { afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import sodium from 'libsodium-wrappers'
import { MockAgent } from 'undici'
import { ACTION_WORDING as wording } from '../../../src/action/wording.ts'
import { HttpClient } from '../../../src/net/http.ts'
import { saveSecret } from '../../../src/github/secrets.ts'
import type { SecretTarget } from '../../../src/github/secret-target.ts'
import { ACTION_WORDING } from '../../../src/action/wording.ts'

const API = 'https://api.github.com'
const TOKEN = 'github_pat_unit_test_token_0123456789'
const VALUE = 'rotated-refresh-token-' + 'r'.repeat(2600)

interface Seen {
  method: string
  path: string
  headers: Record<string, string>
  body: string | undefined
}

let keys: { publicKey: Uint8Array; privateKey: Uint8Array }
let publicKeyB64: string
beforeAll(async () => {
  await sodium.ready
  keys = sodium.crypto_box_keypair()
  publicKeyB64 = sodium.to_base64(keys.publicKey, sodium.base64_variants.ORIGINAL)
})

let agent: MockAgent
afterEach(async () => {
  await agent?.close()
})

function lowerHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (Array.isArray(h)) for (let i = 0; i < h.length; i += 2) out[String(h[i]).toLowerCase()] = String(h[i + 1])
  else for (const [k, v] of Object.entries((h ?? {}) as Record<string, string>)) out[k.toLowerCase()] = String(v)
  return out
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> }

/** A fake origin answering from `routes` ("METHOD path" → reply, or a list used in turn); records every request. */
function fakeGitHub(
  routes: Record<string, Reply | Reply[]>,
  origin = API,
): { seen: Seen[]; http: HttpClient; debug: string[] } {
  agent = new MockAgent()
  agent.disableNetConnect()
  const seen: Seen[] = []
  const pool = agent.get(origin)
  const left = new Map(Object.entries(routes).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]))
  pool
    .intercept({ path: () => true, method: () => true })
    .reply((opts) => {
      const body =
        typeof opts.body === 'string'
          ? opts.body
          : opts.body === undefined || opts.body === null
            ? undefined
            : String(opts.body)
      seen.push({ method: opts.method, path: opts.path, headers: lowerHeaders(opts.headers), body })
      const route = left.get(`${opts.method} ${opts.path}`)
      const reply = Array.isArray(route) ? (route.length > 1 ? route.shift()! : route[0]!) : route
      if (!reply) return { statusCode: 599, data: 'unexpected request' }
      return {
        statusCode: reply.status,
        data: reply.body === undefined ? '' : JSON.stringify(reply.body),
        responseOptions: { headers: { 'content-type': 'application/json', ...reply.headers } },
      }
    })
    .persist()
  const debug: string[] = []
  const http = new HttpClient({
    wording,
    dispatcher: agent,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    debug: (m) => debug.push(m),
  })
  return { seen, http, debug }
}

function target(t: Partial<SecretTarget>): SecretTarget {
  return {
    name: 'BB_REFRESH',
    repository: 'octo-org/octo-repo',
    environment: undefined,
    organization: undefined,
    githubToken: TOKEN,
    githubApiUrl: new URL(API),
    ...t,
  }
}

const KEY = () => ({ status: 200, body: { key_id: '3380204578043523366', key: publicKeyB64 } })

function opened(body: string | undefined): { value: string; rest: Record<string, unknown> } {
  const json = JSON.parse(body ?? '{}') as Record<string, unknown>
  const { encrypted_value, ...rest } = json
  const sealed = sodium.from_base64(encrypted_value as string, sodium.base64_variants.ORIGINAL)
  return { value: sodium.to_string(sodium.crypto_box_seal_open(sealed, keys.publicKey, keys.privateKey)), rest }
}

function expectHeaders(seen: Seen[]): void {
  for (const s of seen) {
    expect(s.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(s.headers.accept).toBe('application/vnd.github+json')
    expect(s.headers['x-github-api-version']).toBe('2022-11-28')
    if (s.method === 'PUT') expect(s.headers['content-type']).toBe('application/json')
  }
}

describe('request sequence per scope', () => {
  test('repository secret: GET public key, PUT sealed value', async () => {
    const { seen, http, debug } = fakeGitHub({
      'GET /repos/octo-org/octo-repo/actions/secrets/public-key': KEY(),
      'PUT /repos/octo-org/octo-repo/actions/secrets/BB_REFRESH': { status: 204 },
    })
    await saveSecret(http, target({}), VALUE, (m) => debug.push(m), ACTION_WORDING)
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /repos/octo-org/octo-repo/actions/secrets/public-key',
      'PUT /repos/octo-org/octo-repo/actions/secrets/BB_REFRESH',
    ])
    expectHeaders(seen)
    const put = opened(seen[1]!.body)
    expect(put.value).toBe(VALUE)
    expect(put.rest).toEqual({ key_id: '3380204578043523366' })
    const log = debug.join('\n')
    expect(log).not.toContain(VALUE)
    expect(log).not.toContain(TOKEN)
    expect(log).not.toContain(JSON.parse(seen[1]!.body!).encrypted_value)
  })

  test('environment secret: the environment API, name encoded', async () => {
    const { seen, http } = fakeGitHub({
      'GET /repos/octo-org/octo-repo/environments/prod%20eu/secrets/public-key': KEY(),
      'PUT /repos/octo-org/octo-repo/environments/prod%20eu/secrets/BB_REFRESH': { status: 201 },
    })
    await saveSecret(http, target({ environment: 'prod eu' }), VALUE, () => {}, ACTION_WORDING)
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /repos/octo-org/octo-repo/environments/prod%20eu/secrets/public-key',
      'PUT /repos/octo-org/octo-repo/environments/prod%20eu/secrets/BB_REFRESH',
    ])
    expectHeaders(seen)
    expect(opened(seen[1]!.body).value).toBe(VALUE)
  })

  test('new organization secret: visibility private', async () => {
    const { seen, http } = fakeGitHub({
      'GET /orgs/octo-org/actions/secrets/public-key': KEY(),
      'GET /orgs/octo-org/actions/secrets/BB_REFRESH': { status: 404, body: { message: 'Not Found' } },
      'PUT /orgs/octo-org/actions/secrets/BB_REFRESH': { status: 201 },
    })
    await saveSecret(http, target({ organization: 'octo-org', repository: undefined }), VALUE, () => {}, ACTION_WORDING)
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /orgs/octo-org/actions/secrets/public-key',
      'GET /orgs/octo-org/actions/secrets/BB_REFRESH',
      'PUT /orgs/octo-org/actions/secrets/BB_REFRESH',
    ])
    expectHeaders(seen)
    const put = opened(seen[2]!.body)
    expect(put.value).toBe(VALUE)
    expect(put.rest).toEqual({ key_id: '3380204578043523366', visibility: 'private' })
  })

  test('existing organization secret with visibility all keeps it', async () => {
    const { seen, http } = fakeGitHub({
      'GET /orgs/octo-org/actions/secrets/public-key': KEY(),
      'GET /orgs/octo-org/actions/secrets/BB_REFRESH': { status: 200, body: { name: 'BB_REFRESH', visibility: 'all' } },
      'PUT /orgs/octo-org/actions/secrets/BB_REFRESH': { status: 204 },
    })
    await saveSecret(http, target({ organization: 'octo-org', repository: undefined }), VALUE, () => {}, ACTION_WORDING)
    expect(seen).toHaveLength(3)
    expect(opened(seen[2]!.body).rest).toEqual({ key_id: '3380204578043523366', visibility: 'all' })
  })

  test('existing selected organization secret keeps every selected repository (paginated)', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => 5000 + i)
    const page = (n: number) => ({
      status: 200,
      body: {
        total_count: ids.length,
        repositories: ids.slice((n - 1) * 100, n * 100).map((id) => ({ id, full_name: `octo-org/r${id}` })),
      },
    })
    const { seen, http } = fakeGitHub({
      'GET /orgs/octo-org/actions/secrets/public-key': KEY(),
      'GET /orgs/octo-org/actions/secrets/BB_REFRESH': {
        status: 200,
        body: { name: 'BB_REFRESH', visibility: 'selected' },
      },
      'GET /orgs/octo-org/actions/secrets/BB_REFRESH/repositories?per_page=100&page=1': page(1),
      'GET /orgs/octo-org/actions/secrets/BB_REFRESH/repositories?per_page=100&page=2': page(2),
      'PUT /orgs/octo-org/actions/secrets/BB_REFRESH': { status: 204 },
    })
    await saveSecret(http, target({ organization: 'octo-org', repository: undefined }), VALUE, () => {}, ACTION_WORDING)
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /orgs/octo-org/actions/secrets/public-key',
      'GET /orgs/octo-org/actions/secrets/BB_REFRESH',
      'GET /orgs/octo-org/actions/secrets/BB_REFRESH/repositories?per_page=100&page=1',
      'GET /orgs/octo-org/actions/secrets/BB_REFRESH/repositories?per_page=100&page=2',
      'PUT /orgs/octo-org/actions/secrets/BB_REFRESH',
    ])
    expectHeaders(seen)
    const put = opened(seen[4]!.body)
    expect(put.value).toBe(VALUE)
    expect(put.rest).toEqual({ key_id: '3380204578043523366', visibility: 'selected', selected_repository_ids: ids })
  })

  test('GitHub Enterprise Server: the API root path is kept', async () => {
    const ghes = 'https://ghes.example.com'
    const { seen, http } = fakeGitHub(
      {
        'GET /api/v3/repos/octo-org/octo-repo/actions/secrets/public-key': KEY(),
        'PUT /api/v3/repos/octo-org/octo-repo/actions/secrets/BB_REFRESH': { status: 204 },
      },
      ghes,
    )
    await saveSecret(http, target({ githubApiUrl: new URL(`${ghes}/api/v3`) }), VALUE, () => {}, ACTION_WORDING)
    expect(seen.map((s) => s.path)).toEqual([
      '/api/v3/repos/octo-org/octo-repo/actions/secrets/public-key',
      '/api/v3/repos/octo-org/octo-repo/actions/secrets/BB_REFRESH',
    ])
  })

  test('a 502 on the PUT is retried through the shared client', async () => {
    const { seen, http } = fakeGitHub({
      'GET /repos/octo-org/octo-repo/actions/secrets/public-key': KEY(),
      'PUT /repos/octo-org/octo-repo/actions/secrets/BB_REFRESH': [{ status: 502 }, { status: 204 }],
    })
    await saveSecret(http, target({}), VALUE, () => {}, ACTION_WORDING)
    expect(seen.map((s) => s.method)).toEqual(['GET', 'PUT', 'PUT'])
    expect(opened(seen[2]!.body).value).toBe(VALUE)
  })
})

describe('errors say what to fix, never the token or the value', () => {
  async function failure(routes: Record<string, Reply | Reply[]>, t: Partial<SecretTarget> = {}): Promise<string> {
    const { http } = fakeGitHub(routes)
    const err = await saveSecret(http, target(t), VALUE, () => {}, ACTION_WORDING).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(err).toBeInstanceOf(Error)
    expect(err!.name).toBe('ActionError')
    expect(err!.message).not.toContain(TOKEN)
    expect(err!.message).not.toContain(VALUE)
    return err!.message
  }

  test('401', async () => {
    const m = await failure({
      'GET /repos/octo-org/octo-repo/actions/secrets/public-key': { status: 401, body: { message: 'Bad credentials' } },
    })
    expect(m).toMatch(
      /GitHub refused the `github-token` \(HTTP 401: "Bad credentials"\): it is invalid, expired or revoked/,
    )
  })

  test('403 on an environment names both permissions', async () => {
    const m = await failure(
      {
        'GET /repos/octo-org/octo-repo/environments/prod/secrets/public-key': KEY(),
        'PUT /repos/octo-org/octo-repo/environments/prod/secrets/BB_REFRESH': {
          status: 403,
          body: { message: 'Resource not accessible by integration' },
        },
      },
      { environment: 'prod' },
    )
    expect(m).toContain(
      'may not write secret BB_REFRESH of environment prod of repository octo-org/octo-repo (HTTP 403: "Resource not accessible by integration")',
    )
    expect(m).toContain('Secrets: Read and write and Environments: Read and write')
    expect(m).toContain('GitHub App')
  })

  test('403 from the rate limit is told apart', async () => {
    const m = await failure({
      'GET /repos/octo-org/octo-repo/actions/secrets/public-key': {
        status: 403,
        body: { message: 'API rate limit exceeded for user ID 1.' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1893456000' },
      },
    })
    expect(m).toContain("hit GitHub's API rate limit")
    expect(m).toContain('2030-01-01T00:00:00Z')
  })

  test('404 for an organization', async () => {
    const m = await failure(
      { 'GET /orgs/nope/actions/secrets/public-key': { status: 404, body: { message: 'Not Found' } } },
      { organization: 'nope', repository: undefined },
    )
    expect(m).toContain('organization nope: it does not exist or is not visible to the `github-token`')
  })

  test('an answer without a key', async () => {
    const m = await failure({
      'GET /repos/octo-org/octo-repo/actions/secrets/public-key': { status: 200, body: { hello: 'world' } },
    })
    expect(m).toContain('has no key_id and key')
  })

  test('a public key of the wrong size', async () => {
    const m = await failure({
      'GET /repos/octo-org/octo-repo/actions/secrets/public-key': { status: 200, body: { key_id: '1', key: 'AAAA' } },
    })
    expect(m).toContain('public key of 3 bytes, not 32')
  })

  test('persistent 5xx', async () => {
    const m = await failure({
      'GET /repos/octo-org/octo-repo/actions/secrets/public-key': KEY(),
      'PUT /repos/octo-org/octo-repo/actions/secrets/BB_REFRESH': { status: 500, body: { message: 'Server Error' } },
    })
    expect(m).toMatch(
      /The GitHub API answered HTTP 500: "Server Error" after 4 attempts when asked to write secret BB_REFRESH of repository octo-org\/octo-repo/,
    )
  })
})
