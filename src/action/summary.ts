/** The job summary: what was minted and fetched, never a secret, and no server string as Markdown. */
import type { SecretTarget } from '../github/secret-target.ts'
import type { Token } from '../bitbucket/oauth.ts'
import { isoSeconds, markdownText } from '../shared/format.ts'

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

/** The longest scope list the table shows (a server could send a megabyte of them). */
const MAX_SCOPES_CHARS = 500

function scopesCell(scopes: string[]): string {
  const text = scopes.join(' ')
  if (!text) return 'not stated'
  return text.length > MAX_SCOPES_CHARS ? `${markdownText(text.slice(0, MAX_SCOPES_CHARS))}…` : markdownText(text)
}

export function tokenSummary(f: SummaryFacts): string {
  // Each cell is Markdown: every value from a server or an input goes through markdownText.
  const rows: [string, string][] = [
    [
      'Token',
      f.reusedFrom
        ? `reused from sealed-token (minted by an earlier job of this run at ${isoSeconds(f.reusedFrom)})`
        : 'minted',
    ],
    ['Grant', f.reusedFrom ? 'none' : markdownText(f.grant)],
    ['Expires', f.token.expiresAt ? isoSeconds(f.token.expiresAt) : 'not stated'],
    ['Scopes', scopesCell(f.token.scopes)],
    [
      'Refresh token',
      f.reusedFrom
        ? 'not used'
        : f.rotated
          ? f.saved
            ? `rotated, saved to ${markdownText(f.secret!.name)}`
            : 'rotated, **not saved**'
          : 'not rotated',
    ],
    ['Exported as', f.exportEnv ? markdownText(f.exportEnv) : 'not exported'],
  ]
  let md = '### Bitbucket access token\n\n| | |\n|---|---|\n'
  for (const [k, v] of rows) md += `| ${k} | ${v} |\n`
  return md
}
