/**
 * The sealing of a token for the other jobs of a run: round trip, each
 * reason a value is not used, every byte authenticated, unknown versions,
 * and nothing secret in the sealed value in any form.
 */
import { describe, expect, test } from '@jest/globals'
import {
  MIN_LEFT_MS,
  UNSTATED_LIFETIME_MS,
  fallbackWarning,
  openSealedToken,
  runContext,
  sealToken,
  type OpenResult,
  type SealContext,
} from '../../../src/action/sealed-token.ts'
import type { Token } from '../../../src/bitbucket/oauth.ts'

const MINTED = Date.parse('2026-11-22T08:00:00.250Z')
const CTX: SealContext = {
  clientId: 'Zq8cWm3LxR2pTn7vKd',
  clientSecret: 'u4Yb9GfHs2JkLq7WeRt5XcVn8MaPd3Zs',
  repository: 'octo-org/octo-repo',
  runId: '16234567890',
}
const ACCESS = 'AT_' + 'k3J9xQ2vLm8PzR5tWn4YbC7dFg1HsE6u'.repeat(4)
const TOKEN: Token = {
  accessToken: ACCESS,
  tokenType: 'bearer',
  expiresIn: 7200,
  expiresAt: new Date(MINTED + 7200_000),
  scopes: ['repository', 'account'],
  refreshToken: 'RT_must-never-be-sealed-0123456789',
}

function open(value: string, at = MINTED + 60_000, ctx: Partial<SealContext> = {}): OpenResult {
  return openSealedToken(value, { ...CTX, ...ctx }, at, () => {})
}

function reason(r: OpenResult): string {
  return r.ok ? 'ok' : r.reason
}

describe('round trip', () => {
  test('opens in another job of the same run: the same token, its expiry, the seconds left, no refresh token', () => {
    const sealed = sealToken(CTX, TOKEN, new Date(MINTED))
    const masked: string[] = []
    const at = MINTED + 25 * 60_000 + 400
    const r = openSealedToken(sealed, CTX, at, (s) => masked.push(s))
    expect(r).toEqual({
      ok: true,
      mintedAt: new Date(MINTED),
      token: {
        accessToken: ACCESS,
        tokenType: 'bearer',
        expiresIn: 7200 - 25 * 60 - 1,
        expiresAt: new Date(MINTED + 7200_000),
        scopes: ['repository', 'account'],
        refreshToken: undefined,
      },
    })
    expect(masked).toEqual([ACCESS])
  })

  test('one line of base64url behind the version prefix; a fresh nonce each time', () => {
    const a = sealToken(CTX, TOKEN, new Date(MINTED))
    const b = sealToken(CTX, TOKEN, new Date(MINTED))
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]+$/)
    expect(a).not.toBe(b)
    expect(reason(open(b))).toBe('ok')
  })

  test('the repository compares without regard to case, as GitHub names do', () => {
    expect(reason(open(sealToken(CTX, TOKEN, new Date(MINTED)), MINTED, { repository: 'Octo-Org/Octo-Repo' }))).toBe(
      'ok',
    )
  })

  test('any attempt of the run: only the run id counts', () => {
    const sealed = sealToken(CTX, TOKEN, new Date(MINTED))
    expect(reason(open(sealed, MINTED + 90 * 60_000))).toBe('ok')
  })
})

describe('nothing secret in the sealed value', () => {
  const forms = (s: string) => [
    s,
    Buffer.from(s).toString('base64'),
    Buffer.from(s).toString('base64url'),
    Buffer.from(s).toString('hex'),
    encodeURIComponent(s),
    // Base64 of the value at each alignment, as a runner may look for it inside longer Base64.
    Buffer.from(`x${s}`).toString('base64').slice(4, -4),
    Buffer.from(`xy${s}`).toString('base64').slice(4, -4),
  ]

  test('no token, client secret, client id, repository or run id, in clear, Base64, hex or URL-encoded form', () => {
    for (let i = 0; i < 20; i++) {
      const sealed = sealToken(CTX, TOKEN, new Date(MINTED))
      for (const secret of [ACCESS, CTX.clientSecret, CTX.clientId, TOKEN.refreshToken!, CTX.repository, CTX.runId]) {
        for (const form of forms(secret)) expect(sealed).not.toContain(form)
      }
      const basic = Buffer.from(`${CTX.clientId}:${CTX.clientSecret}`).toString('base64')
      expect(sealed).not.toContain(basic)
    }
  })

  test('sealed again when the value would contain a value the runner masks', () => {
    const avoid = ['Ab', 'cD', 'x_', '9z']
    for (let i = 0; i < 20; i++) {
      const sealed = sealToken(CTX, TOKEN, new Date(MINTED), avoid)
      for (const v of avoid) expect(sealed.slice(3)).not.toContain(v)
      expect(reason(open(sealed))).toBe('ok')
    }
  })
})

describe('why a value is not used', () => {
  const sealed = sealToken(CTX, TOKEN, new Date(MINTED))

  test('another run of the same repository', () => {
    const r = open(sealed, MINTED, { runId: '16234567891' })
    expect(r).toEqual({ ok: false, reason: 'another-run', sealedIn: CTX.runId })
  })

  test('another repository', () => {
    const r = open(sealed, MINTED, { repository: 'octo-org/other-repo' })
    expect(r).toEqual({ ok: false, reason: 'another-repository', sealedFor: CTX.repository })
  })

  test('expiring: less than 15 minutes left; exactly 15 is enough', () => {
    const expiry = MINTED + 7200_000
    expect(reason(open(sealed, expiry - MIN_LEFT_MS))).toBe('ok')
    expect(open(sealed, expiry - MIN_LEFT_MS + 1)).toEqual({
      ok: false,
      reason: 'expiring',
      expiresAt: new Date(expiry),
      stated: true,
    })
    expect(reason(open(sealed, expiry + 3 * 3600_000))).toBe('expiring')
  })

  test('a token whose expiry the server did not state counts as expiring one hour after it was minted', () => {
    const unstated = sealToken(CTX, { ...TOKEN, expiresIn: undefined, expiresAt: undefined }, new Date(MINTED))
    const expiry = MINTED + UNSTATED_LIFETIME_MS
    const ok = open(unstated, expiry - MIN_LEFT_MS)
    expect(ok).toMatchObject({ ok: true, token: { expiresIn: undefined, expiresAt: undefined } })
    expect(open(unstated, expiry - MIN_LEFT_MS + 1)).toEqual({
      ok: false,
      reason: 'expiring',
      expiresAt: new Date(expiry),
      stated: false,
    })
  })

  test('another consumer, or another client secret: cannot be opened', () => {
    expect(reason(open(sealed, MINTED, { clientId: 'AnotherConsumerKey' }))).toBe('unopenable')
    expect(reason(open(sealed, MINTED, { clientSecret: CTX.clientSecret.replace('u4', 'u5') }))).toBe('unopenable')
  })

  test('the token is masked as soon as it is decrypted, even when the value is then refused', () => {
    const masked: string[] = []
    openSealedToken(sealed, { ...CTX, runId: '1' }, MINTED, (s) => masked.push(s))
    expect(masked).toEqual([ACCESS])
    openSealedToken(sealed, { ...CTX, clientId: 'other' }, MINTED, (s) => masked.push(s))
    expect(masked).toEqual([ACCESS])
  })

  test('a job without GITHUB_REPOSITORY or GITHUB_RUN_ID cannot check it', () => {
    expect(reason(openSealedToken(sealed, { ...CTX, runId: undefined }, MINTED, () => {}))).toBe('no-context')
    expect(reason(openSealedToken(sealed, { ...CTX, repository: undefined }, MINTED, () => {}))).toBe('no-context')
  })
})

describe('every byte is authenticated', () => {
  const sealed = sealToken(CTX, TOKEN, new Date(MINTED))
  const body = Buffer.from(sealed.slice(3), 'base64url')

  test('a flip of any bit of any byte of the sealed bytes is refused', () => {
    let tried = 0
    for (let i = 0; i < body.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const altered = Buffer.from(body)
        altered[i]! ^= 1 << bit
        const r = open(`v1.${altered.toString('base64url')}`)
        expect([i, bit, reason(r)]).toEqual([i, bit, 'unopenable'])
        tried++
      }
    }
    expect(tried).toBe(body.length * 8)
  })

  test('any character of the value replaced by another is refused, the prefix included', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.v'
    for (let i = 0; i < sealed.length; i++) {
      for (const c of [alphabet[(alphabet.indexOf(sealed[i]!) + 1) % alphabet.length]!, '0', '_']) {
        if (c === sealed[i]) continue
        const altered = sealed.slice(0, i) + c + sealed.slice(i + 1)
        const r = open(altered)
        expect([i, c, r.ok]).toEqual([i, c, false])
      }
    }
  })

  test('a truncated or extended value is refused', () => {
    for (let n = 0; n < sealed.length; n++) expect(open(sealed.slice(0, n)).ok).toBe(false)
    for (const extra of ['A', 'AA', 'AAA', 'AAAA', '=', '==', '.', '\n', ' x'])
      expect(open(sealed + extra).ok).toBe(false)
  })

  test('a non-canonical spelling of the same bytes (ignored bits in the last character) is refused', () => {
    const text = sealed.slice(3)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const last = alphabet.indexOf(text.at(-1)!)
    const spare = [1, 2, 4, 8, 16, 32].filter((b) => {
      const twin = text.slice(0, -1) + alphabet[last ^ b]
      return Buffer.from(twin, 'base64url').equals(body)
    })
    if (text.length % 4 !== 0) expect(spare.length).toBeGreaterThan(0)
    for (const b of spare) {
      expect(reason(open(`v1.${text.slice(0, -1)}${alphabet[last ^ b]}`))).toBe('malformed')
    }
  })
})

describe('malformed values and unknown versions are refused cleanly', () => {
  const sealed = sealToken(CTX, TOKEN, new Date(MINTED))

  test.each(['v2', 'v0', 'v10', 'v001'])('version %s: unknown-version, named', (version) => {
    const r = open(`${version}.${sealed.slice(3)}`)
    expect(r).toEqual({ ok: false, reason: 'unknown-version', version })
  })

  test.each([
    ['empty', ''],
    ['no prefix', sealed.slice(3)],
    ['a refresh token by mistake', TOKEN.refreshToken!],
    ['only the prefix', 'v1.'],
    ['too short', 'v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['not base64url', `v1.${sealed.slice(3, 40)}+/${sealed.slice(42)}`],
    ['padding', `${sealed}=`],
    ['two lines', `${sealed}\n${sealed}`],
    ['a huge version', `v12345678.${sealed.slice(3)}`],
    ['JSON', '{"v":1}'],
  ])('%s: malformed', (_name, value) => {
    expect(reason(open(value))).toBe('malformed')
  })
})

describe('the warnings', () => {
  const now = MINTED + 7200_000 - 5 * 60_000
  const fallback = 'the refresh_token grant'

  test('each reason is named, and the step falls back', () => {
    const w = (r: OpenResult, at = now) => fallbackWarning(r as Exclude<OpenResult, { ok: true }>, fallback, at)
    const sealed = sealToken(CTX, TOKEN, new Date(MINTED))
    expect(w(open(sealed, now, { runId: '42' }))).toMatch(
      /^The `sealed-token` input was sealed in another workflow run \(run 16234567890\).* Falling back to the refresh_token grant\.$/,
    )
    expect(w(open(sealed, now, { repository: 'a/b' }))).toMatch(
      /^The `sealed-token` input was sealed for another repository \(octo-org\/octo-repo\)/,
    )
    expect(w(open(sealed, now))).toMatch(
      /^The `sealed-token` input holds a token that expires at 2026-11-22T10:00:00Z, in 5 minutes; at least 15 minutes must be left\. A re-run of failed jobs/,
    )
    expect(w(open(sealed, now + 3600_000), now + 3600_000)).toMatch(
      /holds a token that expired at 2026-11-22T10:00:00Z;/,
    )
    const unstated = sealToken(CTX, { ...TOKEN, expiresAt: undefined, expiresIn: undefined }, new Date(MINTED))
    expect(w(open(unstated, now))).toMatch(/expired at 2026-11-22T09:00:00Z \(the server stated no expiry/)
    for (const r of [open(sealed, now, { clientId: 'x' }), open('v1.' + 'A'.repeat(60)), open('garbage')]) {
      expect(w(r)).toMatch(
        /^The `sealed-token` input could not be opened \(altered, or sealed with another `client-id` or `client-secret`\).* Falling back to the refresh_token grant\.$/,
      )
    }
    expect(w(open(`v3.${sealed.slice(3)}`))).toMatch(
      /^The `sealed-token` input could not be opened \(altered, or sealed with another `client-id` or `client-secret`\): its format "v3" is not one this version of the action reads \(v1\)/,
    )
  })

  test('a warning never repeats the value', () => {
    const value = 'ghp_' + 'x'.repeat(36)
    const r = open(value)
    expect(fallbackWarning(r as Exclude<OpenResult, { ok: true }>, fallback, now)).not.toContain(value)
  })
})

describe('runContext', () => {
  test('a run of a repository, from the runner environment', () => {
    expect(runContext({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '123' })).toEqual({ repository: 'o/r', runId: '123' })
    expect(runContext({ GITHUB_REPOSITORY: 'o/r' })).toBeUndefined()
    expect(runContext({ GITHUB_RUN_ID: '123' })).toBeUndefined()
    expect(runContext({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: 'abc' })).toBeUndefined()
  })
})
