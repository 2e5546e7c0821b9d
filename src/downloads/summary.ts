/** The job summary table of the `downloads` input: a row per file, never a secret nor a signed URL. */
import path from 'node:path'
import { formatBytes } from './download.ts'

export interface SummaryRow {
  repository: string
  name: string
  path: string
  bytes: number
  ms: number
}

/**
 * `s` as a code span in a table cell: shown as written, never as markdown,
 * a link or HTML; line breaks become spaces and `|` is escaped (GitHub's
 * tables split cells on it even inside code).
 */
export function codeCell(s: string): string {
  // eslint-disable-next-line no-control-regex -- a line break would end the table
  const text = s.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, ' ').replace(/\|/g, '\\|')
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

export function downloadsSummary(rows: SummaryRow[], workspace: string): string {
  let md = '### Bitbucket downloads\n\n| Repository | File | Size | Time | Path |\n|---|---|---|---|---|\n'
  for (const r of rows) {
    md += `| ${codeCell(r.repository)} | ${codeCell(r.name)} | ${formatBytes(r.bytes)} | ${(r.ms / 1000).toFixed(1)} s | ${codeCell(path.relative(workspace, r.path))} |\n`
  }
  return md + '\n'
}
