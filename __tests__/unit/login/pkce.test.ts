/** The state and the PKCE pair of one login. */
import { describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import { createPkce, createState } from '../../../src/login/pkce.ts'

describe('state and PKCE', () => {
  test('fresh random values; the challenge is base64url(SHA-256(verifier))', () => {
    const a = createPkce()
    const b = createPkce()
    expect(a.verifier).not.toBe(b.verifier)
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(a.challenge).toBe(createHash('sha256').update(a.verifier).digest('base64url'))
    expect(createState()).not.toBe(createState())
  })
})
