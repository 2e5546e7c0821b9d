/** The job summary's table of fetched archives, and sizes in words. */
import path from 'node:path'
import type { Fetched } from './one-archive.ts'

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`
}

/** Text for a table cell: Markdown's special characters escaped. */
const cell = (s: string) => s.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`)

export function archivesSummary(done: Fetched[], workspace: string): string {
  let md = '### Bitbucket archives\n\n| Repository | Ref | Commit | Size | Time | Path |\n|---|---|---|---|---|---|\n'
  for (const d of done) {
    const r = d.result
    md += `| ${cell(r.repository)} | ${cell(r.ref)} | \`${r.commit.slice(0, 12)}\` | ${formatBytes(r.bytes)} | ${(d.ms / 1000).toFixed(1)} s${d.cached ? ' (cache)' : ''} | ${cell(path.relative(workspace, r.path))} |\n`
  }
  return md + '\n'
}
