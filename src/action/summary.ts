/** The job summary: what was minted and fetched, never a secret. */
import type { SecretTarget } from '../github/secret-target.ts'
import type { Token } from '../bitbucket/oauth.ts'
import { isoSeconds } from '../shared/format.ts'

export interface SummaryFacts {
  token: Token
  grant: string
  rotated: boolean
  saved: boolean
  secret: SecretTarget | undefined
  exportEnv: string | undefined
  /** When the token was reused from the `sealed-token` input: when the minting job minted it. */
  reusedFrom?: Date
}

const escape = (s: string) => s.replace(/[|\\`*_<>]/g, (c) => `\\${c}`)

export function tokenSummary(f: SummaryFacts): string {
  const rows: [string, string][] = [
    [
      'Token',
      f.reusedFrom
        ? `reused from sealed-token (minted by an earlier job of this run at ${isoSeconds(f.reusedFrom)})`
        : 'minted',
    ],
    ['Grant', f.reusedFrom ? 'none' : f.grant],
    ['Expires', f.token.expiresAt ? isoSeconds(f.token.expiresAt) : 'not stated'],
    ['Scopes', f.token.scopes.join(' ') || 'not stated'],
    [
      'Refresh token',
      f.reusedFrom
        ? 'not used'
        : f.rotated
          ? f.saved
            ? `rotated, saved to ${f.secret!.name}`
            : 'rotated, **not saved**'
          : 'not rotated',
    ],
    ['Exported as', f.exportEnv ?? 'not exported'],
  ]
  let md = '### Bitbucket access token\n\n| | |\n|---|---|\n'
  for (const [k, v] of rows) md += `| ${k} | ${escape(v).replace(/\\\*\\\*(.*)\\\*\\\*/, '**$1**')} |\n`
  return md
}
