/**
 * What the emulated Data Center's OAuth provider adds to the shared token
 * store (../bitbucket/state.ts): the redirect URI each refresh token was
 * authorized with (the refresh grant must send it again) and strict
 * rotation: a used refresh token dies at once (no grace window), and
 * replaying it revokes every token issued after it.
 */
import { EmulatorState, type Consumer } from '../bitbucket/state.ts'

export const DEFAULT_REDIRECT_URI = 'http://localhost:8976/'

export class DataCenterState extends EmulatorState {
  /** Redirect URI of each refresh token, by value. */
  readonly redirectUris = new Map<string, string>()
  /** The refresh token issued in exchange for each spent one. */
  readonly successors = new Map<string, string>()

  constructor() {
    super({ graceMs: 0, accessTtlSec: 3600, rotate: true, scopeField: 'scope', refreshTokenLength: 64 })
  }

  /** An incoming application link: a client id and secret, REPO_READ and REPO_WRITE. */
  addApplicationLink(c: Partial<Consumer> = {}): Consumer {
    return this.addConsumer({ private: false, callbackUrl: DEFAULT_REDIRECT_URI, scopes: ['REPO_READ'], ...c })
  }

  /** A refresh token as the authorization-code grant would issue it. */
  issueDcRefreshToken(clientId: string, redirectUri: string = DEFAULT_REDIRECT_URI, scopes?: string[]): string {
    const token = this.issueRefreshToken(clientId, scopes)
    this.redirectUris.set(token.value, redirectUri)
    return token.value
  }

  /** Spends `value` and issues its successor. */
  rotate(value: string): string {
    const token = this.refreshTokens.get(value)!
    token.revoked = true
    token.firstUsedAt = token.lastUsedAt = this.now()
    const next = this.issueDcRefreshToken(token.consumer, this.redirectUris.get(value), token.scopes)
    this.successors.set(value, next)
    return next
  }

  /** A spent token was replayed: the chain that came from it ends for good. */
  revokeChain(value: string): void {
    for (let v = this.successors.get(value); v; v = this.successors.get(v)) {
      const t = this.refreshTokens.get(v)
      if (t) t.revoked = true
    }
  }
}
