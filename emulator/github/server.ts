/**
 * A fake GitHub Actions secrets API on loopback, for tests and the demo. A
 * separate server from the Bitbucket emulator (its own origin, request log
 * and faults). Each scope (repository, environment, organization) holds a
 * real Curve25519 keypair, and the readers OPEN each stored sealed box with
 * the private key, so tests assert the plaintext that was saved.
 *
 *   const gh = await startFakeGitHub()
 *   const repo = gh.addRepository('octo-org/octo-repo', { environments: ['prod'] })
 *   const org = gh.addOrganization('octo-org')
 *   const token = gh.addToken({ repositories: { 'octo-org/octo-repo': 'write' }, organizations: { 'octo-org': 'write' } })
 *   // inputs: 'github-api-url': gh.url, 'github-token': token
 *   gh.repoSecret('octo-org/octo-repo', 'NAME')       // plaintext or undefined
 *   gh.envSecret('octo-org/octo-repo', 'prod', 'NAME')
 *   gh.orgSecret('octo-org', 'NAME')                   // { value, visibility, selectedRepositoryIds }
 *   gh.setOrgSecret('octo-org', 'NAME', 'v', { visibility: 'selected', selectedRepositoryIds: [repo.id] })
 *   gh.router.requests, gh.faults.add({ kind: 'status', status: 502, method: 'PUT', path: /secrets/ })
 *   await gh.close()
 *
 * Endpoints (as GitHub's REST API, version 2022-11-28), below `basePath`
 * (default '', e.g. '/api/v3' for a GitHub Enterprise Server layout):
 *   GET  /repos/{o}/{r}/actions/secrets/public-key          GET|PUT /repos/{o}/{r}/actions/secrets/{name}
 *   GET  /repos/{o}/{r}/environments/{env}/secrets/public-key  GET|PUT .../environments/{env}/secrets/{name}
 *   GET  /orgs/{org}/actions/secrets/public-key              GET|PUT /orgs/{org}/actions/secrets/{name}
 *   GET  /orgs/{org}/actions/secrets/{name}/repositories?per_page&page
 *   GET  /repos/{o}/{r}   (id, full_name)
 *
 * Access: `Authorization: Bearer T` or `token T`; unknown → 401 "Bad
 * credentials". A token's access per repository/organization: 'write' (read
 * and write secrets), 'read' (PUT → 403), 'none' (visible, secrets → 403);
 * not listed (or not existing) → 404, as GitHub hides what a token may not see.
 *
 * Stricter than GitHub where that makes tests meaningful: a PUT whose
 * `encrypted_value` does not open with the scope's key, or whose `key_id` is
 * not the scope's, is refused with 422; an organization PUT needs
 * `visibility`, and `selected` without `selected_repository_ids` leaves no
 * repository selected.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes, randomInt } from 'node:crypto'
import sodium from 'libsodium-wrappers'
import { Faults } from '../http/faults.ts'
import { sendJson } from '../http/reply.ts'
import { Router, type RequestContext } from '../http/router.ts'

export type Access = 'write' | 'read' | 'none'
export type Visibility = 'all' | 'private' | 'selected'

export interface TokenAccess {
  /** `owner/repo` → access (environments of the repository included). */
  repositories?: Record<string, Access>
  organizations?: Record<string, Access>
}

export interface FakeGitHubOptions {
  host?: string
  port?: number
  /** API root path, e.g. '/api/v3'; default '' (api.github.com layout). */
  basePath?: string
}

interface KeyPair {
  keyId: string
  publicKey: Uint8Array
  privateKey: Uint8Array
}

interface StoredSecret {
  sealed: Uint8Array
  keyId: string
  createdAt: string
  updatedAt: string
}

interface OrgSecret extends StoredSecret {
  visibility: Visibility
  selectedRepositoryIds: number[]
}

export interface FakeRepository {
  id: number
  fullName: string
  key: KeyPair
  secrets: Map<string, StoredSecret>
  environments: Map<string, { key: KeyPair; secrets: Map<string, StoredSecret> }>
}

export interface FakeOrganization {
  login: string
  key: KeyPair
  secrets: Map<string, OrgSecret>
}

export interface OrgSecretView {
  value: string
  visibility: Visibility
  selectedRepositoryIds: number[]
}

export interface FakeGitHub {
  /** API root for `github-api-url`, e.g. http://127.0.0.1:PORT (plus basePath). */
  url: string
  router: Router
  faults: Faults
  /** A token with the given access; returns its value. */
  addToken(access: TokenAccess, value?: string): string
  addRepository(fullName: string, options?: { environments?: string[] }): FakeRepository
  addEnvironment(fullName: string, environment: string): void
  addOrganization(login: string): FakeOrganization
  /** Plaintext of a repository secret (the sealed box opened), or undefined. */
  repoSecret(fullName: string, name: string): string | undefined
  envSecret(fullName: string, environment: string, name: string): string | undefined
  orgSecret(login: string, name: string): OrgSecretView | undefined
  /** Seeds a secret as if set in GitHub's UI (sealed with the scope's key). */
  setRepoSecret(fullName: string, name: string, value: string): void
  setOrgSecret(
    login: string,
    name: string,
    value: string,
    options?: { visibility?: Visibility; selectedRepositoryIds?: number[] },
  ): void
  close(): Promise<void>
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

function newKeyPair(): KeyPair {
  const kp = sodium.crypto_box_keypair()
  return {
    keyId: String(randomInt(10 ** 11, 10 ** 12)) + String(randomInt(10 ** 6, 10 ** 7)),
    publicKey: kp.publicKey,
    privateKey: kp.privateKey,
  }
}

function open(key: KeyPair, secret: StoredSecret): string {
  return sodium.to_string(sodium.crypto_box_seal_open(secret.sealed, key.publicKey, key.privateKey))
}

const iso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  await sodium.ready
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')
  const faults = new Faults()
  const router = new Router(faults)
  const tokens = new Map<string, TokenAccess>()
  const repos = new Map<string, FakeRepository>()
  const orgs = new Map<string, FakeOrganization>()
  let nextRepoId = 1_000_001

  const lower = (s: string) => s.toLowerCase()
  const findRepo = (owner: string, name: string) => repos.get(lower(`${owner}/${name}`))

  const reply = {
    badCredentials: (res: http.ServerResponse) =>
      sendJson(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      }),
    notFound: (res: http.ServerResponse) =>
      sendJson(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }),
    forbidden: (res: http.ServerResponse) =>
      sendJson(res, 403, {
        message: 'Resource not accessible by personal access token',
        documentation_url: 'https://docs.github.com/rest',
        status: '403',
      }),
    invalid: (res: http.ServerResponse, message: string) =>
      sendJson(res, 422, { message, documentation_url: 'https://docs.github.com/rest', status: '422' }),
  }

  function tokenOf(req: http.IncomingMessage): TokenAccess | undefined {
    const m = /^(?:Bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    return m ? tokens.get(m[1]!) : undefined
  }

  /** Checks the token's access; answers and returns false when refused. */
  function allowed(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    kind: 'repositories' | 'organizations',
    name: string | undefined,
    write: boolean,
  ): boolean {
    const token = tokenOf(req)
    if (!token) {
      reply.badCredentials(res)
      return false
    }
    const table = token[kind] ?? {}
    const access = name === undefined ? undefined : Object.entries(table).find(([k]) => lower(k) === lower(name))?.[1]
    if (access === undefined) {
      reply.notFound(res)
      return false
    }
    if (access === 'none' || (write && access !== 'write')) {
      reply.forbidden(res)
      return false
    }
    return true
  }

  function publicKeyAnswer(res: http.ServerResponse, key: KeyPair): void {
    sendJson(res, 200, { key_id: key.keyId, key: sodium.to_base64(key.publicKey, sodium.base64_variants.ORIGINAL) })
  }

  /** Parses and checks a PUT body; answers 422 and returns undefined when it is unusable. */
  function readPut(
    res: http.ServerResponse,
    ctx: RequestContext,
    key: KeyPair,
    name: string,
  ): { sealed: Uint8Array; body: Record<string, unknown> } | undefined {
    if (!SECRET_NAME.test(name) || /^GITHUB_/i.test(name)) {
      reply.invalid(
        res,
        'Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_), and must not start with GITHUB_ or a number.',
      )
      return undefined
    }
    let body: Record<string, unknown>
    try {
      body = JSON.parse(ctx.body.toString('utf8')) as Record<string, unknown>
    } catch {
      sendJson(res, 400, { message: 'Problems parsing JSON', status: '400' })
      return undefined
    }
    if (typeof body.encrypted_value !== 'string' || typeof body.key_id !== 'string') {
      reply.invalid(res, 'Invalid request. "encrypted_value" and "key_id" are required strings.')
      return undefined
    }
    if (body.key_id !== key.keyId) {
      reply.invalid(res, 'Bad key_id: it is not the current public key of this scope.')
      return undefined
    }
    let sealed: Uint8Array
    try {
      sealed = sodium.from_base64(body.encrypted_value, sodium.base64_variants.ORIGINAL)
      sodium.crypto_box_seal_open(sealed, key.publicKey, key.privateKey)
    } catch {
      reply.invalid(res, 'encrypted_value is not a sealed box for this public key.')
      return undefined
    }
    return { sealed, body }
  }

  function store<T extends StoredSecret>(
    map: Map<string, T>,
    name: string,
    secret: Omit<T, 'createdAt' | 'updatedAt'>,
  ): boolean {
    const key = name.toUpperCase()
    const existing = map.get(key)
    const now = iso()
    map.set(key, { ...secret, createdAt: existing?.createdAt ?? now, updatedAt: now } as T)
    return existing === undefined
  }

  const P = (pattern: string) => new RegExp(`^${basePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${pattern}$`)
  const SEG = '([^/]+)'

  // Repository
  router.add('GET', P(`/repos/${SEG}/${SEG}`), (req, res, ctx) => {
    const [owner, name] = ctx.params as [string, string]
    const repo = findRepo(owner, name)
    if (!allowed(req, res, 'repositories', repo?.fullName, false)) return
    sendJson(res, 200, { id: repo!.id, full_name: repo!.fullName, name: repo!.fullName.split('/')[1] })
  })
  router.add('GET', P(`/repos/${SEG}/${SEG}/actions/secrets/public-key`), (req, res, ctx) => {
    const repo = findRepo(ctx.params[0]!, ctx.params[1]!)
    if (!allowed(req, res, 'repositories', repo?.fullName, false)) return
    publicKeyAnswer(res, repo!.key)
  })
  router.add('GET', P(`/repos/${SEG}/${SEG}/actions/secrets/${SEG}`), (req, res, ctx) => {
    const repo = findRepo(ctx.params[0]!, ctx.params[1]!)
    if (!allowed(req, res, 'repositories', repo?.fullName, false)) return
    const secret = repo!.secrets.get(ctx.params[2]!.toUpperCase())
    if (!secret) return reply.notFound(res)
    sendJson(res, 200, {
      name: ctx.params[2]!.toUpperCase(),
      created_at: secret.createdAt,
      updated_at: secret.updatedAt,
    })
  })
  router.add('PUT', P(`/repos/${SEG}/${SEG}/actions/secrets/${SEG}`), (req, res, ctx) => {
    const repo = findRepo(ctx.params[0]!, ctx.params[1]!)
    if (!allowed(req, res, 'repositories', repo?.fullName, true)) return
    const put = readPut(res, ctx, repo!.key, ctx.params[2]!)
    if (!put) return
    const created = store(repo!.secrets, ctx.params[2]!, { sealed: put.sealed, keyId: repo!.key.keyId })
    res.writeHead(created ? 201 : 204).end()
  })

  // Environment
  const findEnv = (ctx: RequestContext) => findRepo(ctx.params[0]!, ctx.params[1]!)?.environments.get(ctx.params[2]!)
  router.add('GET', P(`/repos/${SEG}/${SEG}/environments/${SEG}/secrets/public-key`), (req, res, ctx) => {
    const repo = findRepo(ctx.params[0]!, ctx.params[1]!)
    if (!allowed(req, res, 'repositories', repo?.fullName, false)) return
    const env = findEnv(ctx)
    if (!env) return reply.notFound(res)
    publicKeyAnswer(res, env.key)
  })
  router.add('GET', P(`/repos/${SEG}/${SEG}/environments/${SEG}/secrets/${SEG}`), (req, res, ctx) => {
    const repo = findRepo(ctx.params[0]!, ctx.params[1]!)
    if (!allowed(req, res, 'repositories', repo?.fullName, false)) return
    const secret = findEnv(ctx)?.secrets.get(ctx.params[3]!.toUpperCase())
    if (!secret) return reply.notFound(res)
    sendJson(res, 200, {
      name: ctx.params[3]!.toUpperCase(),
      created_at: secret.createdAt,
      updated_at: secret.updatedAt,
    })
  })
  router.add('PUT', P(`/repos/${SEG}/${SEG}/environments/${SEG}/secrets/${SEG}`), (req, res, ctx) => {
    const repo = findRepo(ctx.params[0]!, ctx.params[1]!)
    if (!allowed(req, res, 'repositories', repo?.fullName, true)) return
    const env = findEnv(ctx)
    if (!env) return reply.notFound(res)
    const put = readPut(res, ctx, env.key, ctx.params[3]!)
    if (!put) return
    const created = store(env.secrets, ctx.params[3]!, { sealed: put.sealed, keyId: env.key.keyId })
    res.writeHead(created ? 201 : 204).end()
  })

  // Organization
  const findOrg = (login: string) => orgs.get(lower(login))
  router.add('GET', P(`/orgs/${SEG}/actions/secrets/public-key`), (req, res, ctx) => {
    const org = findOrg(ctx.params[0]!)
    if (!allowed(req, res, 'organizations', org?.login, false)) return
    publicKeyAnswer(res, org!.key)
  })
  router.add('GET', P(`/orgs/${SEG}/actions/secrets/${SEG}/repositories`), (req, res, ctx) => {
    const org = findOrg(ctx.params[0]!)
    if (!allowed(req, res, 'organizations', org?.login, false)) return
    const secret = org!.secrets.get(ctx.params[1]!.toUpperCase())
    if (!secret) return reply.notFound(res)
    if (secret.visibility !== 'selected') {
      return reply.invalid(res, 'The secret is not of visibility selected.')
    }
    const perPage = Math.min(100, Number(ctx.url.searchParams.get('per_page') ?? 30) || 30)
    const page = Math.max(1, Number(ctx.url.searchParams.get('page') ?? 1) || 1)
    const all = secret.selectedRepositoryIds
      .map((id) => [...repos.values()].find((r) => r.id === id))
      .filter((r) => r !== undefined)
    const slice = all.slice((page - 1) * perPage, page * perPage)
    sendJson(res, 200, {
      total_count: all.length,
      repositories: slice.map((r) => ({ id: r.id, full_name: r.fullName, name: r.fullName.split('/')[1] })),
    })
  })
  router.add('GET', P(`/orgs/${SEG}/actions/secrets/${SEG}`), (req, res, ctx) => {
    const org = findOrg(ctx.params[0]!)
    if (!allowed(req, res, 'organizations', org?.login, false)) return
    const name = ctx.params[1]!.toUpperCase()
    const secret = org!.secrets.get(name)
    if (!secret) return reply.notFound(res)
    sendJson(res, 200, {
      name,
      created_at: secret.createdAt,
      updated_at: secret.updatedAt,
      visibility: secret.visibility,
      ...(secret.visibility === 'selected'
        ? { selected_repositories_url: `${url}/orgs/${org!.login}/actions/secrets/${name}/repositories` }
        : {}),
    })
  })
  router.add('PUT', P(`/orgs/${SEG}/actions/secrets/${SEG}`), (req, res, ctx) => {
    const org = findOrg(ctx.params[0]!)
    if (!allowed(req, res, 'organizations', org?.login, true)) return
    const put = readPut(res, ctx, org!.key, ctx.params[1]!)
    if (!put) return
    const visibility = put.body.visibility
    if (visibility !== 'all' && visibility !== 'private' && visibility !== 'selected') {
      return reply.invalid(res, 'Invalid request. "visibility" must be one of all, private, selected.')
    }
    const ids = put.body.selected_repository_ids
    if (
      ids !== undefined &&
      (visibility !== 'selected' || !Array.isArray(ids) || !ids.every((i) => typeof i === 'number'))
    ) {
      return reply.invalid(
        res,
        'selected_repository_ids is allowed only with visibility selected, as an array of integers.',
      )
    }
    const created = store(org!.secrets, ctx.params[1]!, {
      sealed: put.sealed,
      keyId: org!.key.keyId,
      visibility,
      selectedRepositoryIds: visibility === 'selected' ? [...((ids as number[] | undefined) ?? [])] : [],
    })
    res.writeHead(created ? 201 : 204).end()
  })

  const server = http.createServer((req, res) => void router.handle(req, res))
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${basePath}`

  const requireRepo = (fullName: string) => {
    const repo = repos.get(lower(fullName))
    if (!repo) throw new Error(`fake GitHub: no repository ${fullName}`)
    return repo
  }
  const requireOrg = (login: string) => {
    const org = orgs.get(lower(login))
    if (!org) throw new Error(`fake GitHub: no organization ${login}`)
    return org
  }
  const seal = (key: KeyPair, value: string) => sodium.crypto_box_seal(sodium.from_string(value), key.publicKey)

  return {
    url,
    router,
    faults,
    addToken(access, value) {
      const token = value ?? `github_pat_${randomBytes(30).toString('base64url')}`
      tokens.set(token, access)
      return token
    },
    addRepository(fullName, opts = {}) {
      const repo: FakeRepository = {
        id: nextRepoId++,
        fullName,
        key: newKeyPair(),
        secrets: new Map(),
        environments: new Map(),
      }
      repos.set(lower(fullName), repo)
      for (const env of opts.environments ?? []) repo.environments.set(env, { key: newKeyPair(), secrets: new Map() })
      return repo
    },
    addEnvironment(fullName, environment) {
      requireRepo(fullName).environments.set(environment, { key: newKeyPair(), secrets: new Map() })
    },
    addOrganization(login) {
      const org: FakeOrganization = { login, key: newKeyPair(), secrets: new Map() }
      orgs.set(lower(login), org)
      return org
    },
    repoSecret(fullName, name) {
      const repo = requireRepo(fullName)
      const secret = repo.secrets.get(name.toUpperCase())
      return secret && open(repo.key, secret)
    },
    envSecret(fullName, environment, name) {
      const env = requireRepo(fullName).environments.get(environment)
      if (!env) throw new Error(`fake GitHub: no environment ${environment} in ${fullName}`)
      const secret = env.secrets.get(name.toUpperCase())
      return secret && open(env.key, secret)
    },
    orgSecret(login, name) {
      const org = requireOrg(login)
      const secret = org.secrets.get(name.toUpperCase())
      return (
        secret && {
          value: open(org.key, secret),
          visibility: secret.visibility,
          selectedRepositoryIds: [...secret.selectedRepositoryIds],
        }
      )
    },
    setRepoSecret(fullName, name, value) {
      const repo = requireRepo(fullName)
      store(repo.secrets, name, { sealed: seal(repo.key, value), keyId: repo.key.keyId })
    },
    setOrgSecret(login, name, value, opts = {}) {
      const org = requireOrg(login)
      const visibility = opts.visibility ?? 'private'
      store(org.secrets, name, {
        sealed: seal(org.key, value),
        keyId: org.key.keyId,
        visibility,
        selectedRepositoryIds: visibility === 'selected' ? [...(opts.selectedRepositoryIds ?? [])] : [],
      })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
