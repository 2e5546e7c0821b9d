/** The random `state` and the PKCE (RFC 7636, S256) pair of one login. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export interface Pkce {
  /** Kept by the command; sent only at the code exchange. */
  verifier: string
  /** base64url(SHA-256(verifier)), sent on the authorize URL. */
  challenge: string
  method: 'S256'
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url')
}

export function createPkce(): Pkce {
  // 32 random bytes → 43 characters of [A-Za-z0-9_-], within RFC 7636's 43..128.
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: s256(verifier), method: 'S256' }
}

export function createState(): string {
  return randomBytes(24).toString('base64url')
}

/** Compares a received state with ours without leaking where they differ. */
export function sameState(expected: string, received: string | null): boolean {
  if (received === null) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(received)
  return a.length === b.length && timingSafeEqual(a, b)
}
