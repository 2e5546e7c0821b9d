/**
 * What the emulated Bitbucket knows: OAuth consumers, refresh and access
 * tokens, and a clock that tests can move. Refresh tokens rotate: a used one
 * keeps working for `graceMs` after its first use, then dies; one unused for
 * `idleMs` expires.
 */
import { randomBytes } from 'node:crypto'

export interface Consumer {
  key: string
  secret: string
  /** `client_credentials` needs a private consumer with a callback URL. */
  private: boolean
  callbackUrl: string | undefined
  scopes: string[]
}

export interface RefreshToken {
  value: string
  consumer: string
  scopes: string[]
  issuedAt: number
  lastUsedAt: number | undefined
  firstUsedAt: number | undefined
  revoked: boolean
}

export interface AccessToken {
  value: string
  consumer: string
  scopes: string[]
  expiresAt: number
}

export interface StateOptions {
  /** How long a used refresh token keeps working (Bitbucket: about 10 minutes). */
  graceMs: number
  /** A refresh token unused this long expires (Bitbucket: 3 months). */
  idleMs: number
  /** Seconds an access token lives (Bitbucket: 7200). */
  accessTtlSec: number
  /** Issue a new refresh token on each refresh (Bitbucket since May 2026). */
  rotate: boolean
  /** How granted scopes are named in the token answer. */
  scopeField: 'scope' | 'scopes' | 'both' | 'none'
  /** Length of issued refresh tokens (new Bitbucket ones exceed 2,500 characters). */
  refreshTokenLength: number
  /** RFC 6749 errors (401 invalid_client) instead of Bitbucket's 400 unauthorized_client. */
  strictErrors: boolean
  /** Fields set in every token answer over the usual ones (a hostile or broken server: `token_type`, `expires_in`...). */
  tokenAnswerOverrides: Record<string, unknown>
}

export const DEFAULT_STATE_OPTIONS: StateOptions = {
  graceMs: 10 * 60_000,
  idleMs: 90 * 24 * 3_600_000,
  accessTtlSec: 7200,
  rotate: true,
  scopeField: 'scope',
  refreshTokenLength: 2600,
  strictErrors: false,
  tokenAnswerOverrides: {},
}

export function randomToken(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 3)
    .toString('base64url')
    .slice(0, length)
}

export class EmulatorState {
  options: StateOptions
  readonly consumers = new Map<string, Consumer>()
  readonly refreshTokens = new Map<string, RefreshToken>()
  readonly accessTokens = new Map<string, AccessToken>()
  /** Added to Date.now(): tests move time forward. */
  clockOffsetMs = 0

  constructor(options: Partial<StateOptions> = {}) {
    this.options = { ...DEFAULT_STATE_OPTIONS, ...options }
  }

  now(): number {
    return Date.now() + this.clockOffsetMs
  }

  advance(ms: number): void {
    this.clockOffsetMs += ms
  }

  addConsumer(c: Partial<Consumer> = {}): Consumer {
    const consumer: Consumer = {
      key: c.key ?? randomToken(18),
      secret: c.secret ?? randomToken(32),
      private: c.private ?? true,
      callbackUrl: 'callbackUrl' in c ? c.callbackUrl : 'http://localhost:8976',
      scopes: c.scopes ?? ['repository', 'account'],
    }
    this.consumers.set(consumer.key, consumer)
    return consumer
  }

  issueRefreshToken(consumerKey: string, scopes?: string[]): RefreshToken {
    const consumer = this.consumers.get(consumerKey)
    if (!consumer) throw new Error(`no consumer ${consumerKey}`)
    const token: RefreshToken = {
      value: randomToken(this.options.refreshTokenLength),
      consumer: consumerKey,
      scopes: scopes ?? consumer.scopes,
      issuedAt: this.now(),
      lastUsedAt: undefined,
      firstUsedAt: undefined,
      revoked: false,
    }
    this.refreshTokens.set(token.value, token)
    return token
  }

  issueAccessToken(consumerKey: string, scopes: string[]): AccessToken {
    const token: AccessToken = {
      value: randomToken(128),
      consumer: consumerKey,
      scopes,
      expiresAt: this.now() + this.options.accessTtlSec * 1000,
    }
    this.accessTokens.set(token.value, token)
    return token
  }

  /** Why a refresh token cannot be used now, or undefined when it can. */
  refreshTokenProblem(token: RefreshToken | undefined, consumerKey: string): string | undefined {
    if (!token || token.consumer !== consumerKey) return 'unknown'
    if (token.revoked) return 'revoked'
    const now = this.now()
    if (token.firstUsedAt !== undefined && now > token.firstUsedAt + this.options.graceMs) return 'rotated'
    if (now > (token.lastUsedAt ?? token.issuedAt) + this.options.idleMs) return 'idle'
    return undefined
  }

  /** Whether a refresh token would be accepted now (for tests). */
  acceptsRefreshToken(value: string): boolean {
    const token = this.refreshTokens.get(value)
    return token !== undefined && this.refreshTokenProblem(token, token.consumer) === undefined
  }

  /** The access token in an `Authorization: Bearer` header, if valid now. */
  bearer(authorization: string | undefined): AccessToken | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
    if (!m) return undefined
    return this.validAccessToken(m[1]!)
  }

  validAccessToken(value: string): AccessToken | undefined {
    const token = this.accessTokens.get(value)
    if (!token || token.expiresAt <= this.now()) return undefined
    return token
  }
}
