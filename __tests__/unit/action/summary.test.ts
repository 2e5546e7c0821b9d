import { describe, expect, test } from '@jest/globals'
import { tokenSummary, type SummaryFacts } from '../../../src/action/summary.ts'

const facts = (over: Partial<SummaryFacts> = {}): SummaryFacts => ({
  token: {
    accessToken: 'not-shown',
    tokenType: 'bearer',
    expiresIn: 7200,
    expiresAt: new Date('2026-12-01T12:00:00Z'),
    scopes: ['repository', 'account'],
    refreshToken: undefined,
  },
  grant: 'refresh_token',
  rotated: true,
  saved: true,
  secret: { name: 'BITBUCKET_REFRESH_TOKEN' } as SummaryFacts['secret'],
  exportEnv: 'BITBUCKET_ACCESS_TOKEN',
  ...over,
})

describe('tokenSummary', () => {
  test('a table of plain facts; names escaped', () => {
    expect(tokenSummary(facts())).toBe(
      '### Bitbucket access token\n\n| | |\n|---|---|\n' +
        '| Token | minted |\n' +
        '| Grant | refresh\\_token |\n' +
        '| Expires | 2026-12-01T12:00:00Z |\n' +
        '| Scopes | repository account |\n' +
        '| Refresh token | rotated, saved to BITBUCKET\\_REFRESH\\_TOKEN |\n' +
        '| Exported as | BITBUCKET\\_ACCESS\\_TOKEN |\n',
    )
    expect(tokenSummary(facts({ saved: false }))).toContain('| Refresh token | rotated, **not saved** |')
    expect(tokenSummary(facts({ exportEnv: undefined }))).toContain('| Exported as | not exported |')
  })

  test('scopes from a server: no link, image, HTML or cell of their own, and at most 500 characters', () => {
    const hostile = facts()
    hostile.token.scopes = ['![x](https://e.example/p.png)', '[a](b)', '<b>x</b>', '|', '**not', 'saved**']
    const row = tokenSummary(hostile)
      .split('\n')
      .find((l) => l.startsWith('| Scopes'))!
    expect(row).toBe(
      '| Scopes | \\!\\[x\\]\\(https\\:\\/\\/e\\.example\\/p\\.png\\) \\[a\\]\\(b\\) &lt;b&gt;x&lt;\\/b&gt; \\| \\*\\*not saved\\*\\* |',
    )
    hostile.token.scopes = ['s'.repeat(2000)]
    expect(tokenSummary(hostile)).toContain(`| Scopes | ${'s'.repeat(500)}… |`)
  })
})
