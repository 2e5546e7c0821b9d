/**
 * What the fake GitHub knows: tokens, repositories (with their environments)
 * and organizations, each scope with its keypair and its secrets, stored as
 * the sealed boxes they were sent. Names are case-insensitive, as on GitHub;
 * secret names are kept upper-case.
 */
import { randomBytes } from 'node:crypto'
import { newKeyPair, openSealed, seal, type KeyPair } from './keys.ts'
import type { TokenAccess } from './permissions.ts'

export type Visibility = 'all' | 'private' | 'selected'

export interface StoredSecret {
  sealed: Uint8Array
  keyId: string
  createdAt: string
  updatedAt: string
}

export interface OrgSecret extends StoredSecret {
  visibility: Visibility
  selectedRepositoryIds: number[]
}

export interface FakeEnvironment {
  key: KeyPair
  secrets: Map<string, StoredSecret>
}

export interface FakeRepository {
  id: number
  fullName: string
  key: KeyPair
  secrets: Map<string, StoredSecret>
  environments: Map<string, FakeEnvironment>
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

const iso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

/** Creates or updates secret `name` in `map`; true when it was created. */
export function storeSecret<T extends StoredSecret>(
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

const newEnvironment = (): FakeEnvironment => ({ key: newKeyPair(), secrets: new Map() })

export class GitHubState {
  readonly tokens = new Map<string, TokenAccess>()
  readonly repositories = new Map<string, FakeRepository>()
  readonly organizations = new Map<string, FakeOrganization>()
  #nextRepoId = 1_000_001

  addToken(access: TokenAccess, value?: string): string {
    const token = value ?? `github_pat_${randomBytes(30).toString('base64url')}`
    this.tokens.set(token, access)
    return token
  }

  addRepository(fullName: string, options: { environments?: string[] } = {}): FakeRepository {
    const repo: FakeRepository = {
      id: this.#nextRepoId++,
      fullName,
      key: newKeyPair(),
      secrets: new Map(),
      environments: new Map(),
    }
    this.repositories.set(fullName.toLowerCase(), repo)
    for (const env of options.environments ?? []) repo.environments.set(env, newEnvironment())
    return repo
  }

  addEnvironment(fullName: string, environment: string): void {
    this.requireRepo(fullName).environments.set(environment, newEnvironment())
  }

  addOrganization(login: string): FakeOrganization {
    const org: FakeOrganization = { login, key: newKeyPair(), secrets: new Map() }
    this.organizations.set(login.toLowerCase(), org)
    return org
  }

  findRepo(owner: string, name: string): FakeRepository | undefined {
    return this.repositories.get(`${owner}/${name}`.toLowerCase())
  }

  findOrg(login: string): FakeOrganization | undefined {
    return this.organizations.get(login.toLowerCase())
  }

  requireRepo(fullName: string): FakeRepository {
    const repo = this.repositories.get(fullName.toLowerCase())
    if (!repo) throw new Error(`fake GitHub: no repository ${fullName}`)
    return repo
  }

  requireOrg(login: string): FakeOrganization {
    const org = this.organizations.get(login.toLowerCase())
    if (!org) throw new Error(`fake GitHub: no organization ${login}`)
    return org
  }

  repoSecret(fullName: string, name: string): string | undefined {
    const repo = this.requireRepo(fullName)
    const secret = repo.secrets.get(name.toUpperCase())
    return secret && openSealed(repo.key, secret.sealed)
  }

  envSecret(fullName: string, environment: string, name: string): string | undefined {
    const env = this.requireRepo(fullName).environments.get(environment)
    if (!env) throw new Error(`fake GitHub: no environment ${environment} in ${fullName}`)
    const secret = env.secrets.get(name.toUpperCase())
    return secret && openSealed(env.key, secret.sealed)
  }

  orgSecret(login: string, name: string): OrgSecretView | undefined {
    const org = this.requireOrg(login)
    const secret = org.secrets.get(name.toUpperCase())
    return (
      secret && {
        value: openSealed(org.key, secret.sealed),
        visibility: secret.visibility,
        selectedRepositoryIds: [...secret.selectedRepositoryIds],
      }
    )
  }

  setRepoSecret(fullName: string, name: string, value: string): void {
    const repo = this.requireRepo(fullName)
    storeSecret(repo.secrets, name, { sealed: seal(repo.key, value), keyId: repo.key.keyId })
  }

  setOrgSecret(
    login: string,
    name: string,
    value: string,
    options: { visibility?: Visibility; selectedRepositoryIds?: number[] } = {},
  ): void {
    const org = this.requireOrg(login)
    const visibility = options.visibility ?? 'private'
    storeSecret(org.secrets, name, {
      sealed: seal(org.key, value),
      keyId: org.key.keyId,
      visibility,
      selectedRepositoryIds: visibility === 'selected' ? [...(options.selectedRepositoryIds ?? [])] : [],
    })
  }
}
