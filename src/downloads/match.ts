/**
 * Picking a file of the Downloads list by pattern: `*` matches any run of
 * characters (also an empty one), the whole name must match, and the newest
 * match wins (by `created_on`; on a tie, the name that sorts last).
 */

export interface DownloadItem {
  name: string
  /** Bytes, as the list states them. */
  size: number | undefined
  /** As the list states it: ISO 8601 with an offset, often with microseconds. */
  createdOn: string | undefined
}

/** Whether `name` matches `pattern` as a whole; linear-time (no regular expression backtracking). */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0
  let n = 0
  let star = -1
  let resume = 0
  while (n < name.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++
      resume = n
    } else if (p < pattern.length && pattern[p] === name[n]) {
      p++
      n++
    } else if (star >= 0) {
      p = star + 1
      n = ++resume
    } else {
      return false
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++
  return p === pattern.length
}

/**
 * A `created_on` as nanoseconds since the epoch (BigInt, so that microsecond
 * timestamps compare exactly); undefined when it cannot be read.
 */
export function createdNs(value: string | undefined): bigint | undefined {
  if (!value) return undefined
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/i.exec(value.trim())
  if (!m) return undefined
  const ms = Date.parse(`${m[1]}${m[3] ? m[3].replace(/^([+-]\d\d)(\d\d)$/, '$1:$2') : 'Z'}`)
  if (Number.isNaN(ms)) return undefined
  const fraction = BigInt((m[2] ?? '').slice(0, 9).padEnd(9, '0'))
  return BigInt(ms) * 1_000_000n + fraction
}

/** Sorts before: older, or as old with a name that sorts first. A date that cannot be read counts as oldest. */
export function compareAge(a: DownloadItem, b: DownloadItem): number {
  const ta = createdNs(a.createdOn)
  const tb = createdNs(b.createdOn)
  if (ta !== tb) {
    if (ta === undefined) return -1
    if (tb === undefined) return 1
    return ta < tb ? -1 : 1
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

/** The newest item whose name matches `pattern`, or undefined. */
export function newestMatch(pattern: string, items: DownloadItem[]): DownloadItem | undefined {
  let best: DownloadItem | undefined
  for (const item of items) {
    if (!globMatch(pattern, item.name)) continue
    if (!best || compareAge(best, item) < 0) best = item
  }
  return best
}
