/**
 * The rules of every DEST that an input writes into the workspace (the
 * folder of an `archives` line, the file of a `downloads` line), in one place
 * so that both inputs follow them alike and are checked together, before
 * any request:
 *
 * - strictly inside the workspace, also once symbolic links are followed;
 * - no `.git` component at any depth, in any case (nor a spelling that NTFS
 *   or HFS+ takes for one), by name or once links are followed;
 * - a file's DEST is not an existing folder;
 * - no two DESTs (of either input) the same or one inside the other, by name
 *   or once the workspace's symbolic links are resolved, case folded where
 *   the file system ignores case.
 *
 * The path semantics are the runner's (`path.win32` on Windows), passed in
 * so that the tests run the Windows rules on Linux.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ActionError } from './errors.ts'
import { shown } from './format.ts'
import { isInside, realPath } from './fs-safe.ts'
import { caseInsensitiveFs, pathApiOf } from './platform-path.ts'

/** The path semantics and case sensitivity that DEST checks use. */
export interface DestRules {
  path: path.PlatformPath
  caseInsensitive: boolean
}

/** The runner's. */
export const HOST_DEST_RULES: DestRules = {
  path: pathApiOf(process.platform),
  caseInsensitive: caseInsensitiveFs(process.platform),
}

/** What a DEST names: the folder an archive is extracted into, or the file a download is written to. */
export type DestKind = 'folder' | 'file'

/** A line's DEST, as the checks judge it and their messages name it. */
export interface DestClaim {
  /** The input that holds the line: `archives`, `downloads`. */
  input: string
  line: number
  /** DEST as the line writes it (or its default), for messages. */
  written: string
  /** The absolute path. */
  dest: string
  kind: DestKind
}

// Code points that HFS+ ignores in names (git's is_hfs_dotgit list).
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g

/**
 * Whether a path component (text) names a `.git` folder on some file
 * system: any case, with characters that HFS+ ignores, with the trailing
 * dots and spaces or the `:stream` that NTFS drops, or as NTFS's short name
 * `git~1` (what git itself refuses to check out).
 */
export function isDotGitText(component: string): boolean {
  if (!/g/i.test(component)) return false
  const s = component.replace(HFS_IGNORED, '').normalize('NFC').toLowerCase()
  const base = s.replace(/:.*$/s, '').replace(/[. ]+$/, '')
  return base === '.git' || base === 'git~1'
}

/**
 * Why `dest` may not be written as a `kind`, or undefined: it must lie
 * strictly inside the workspace, also once symbolic links are followed, and
 * hold no `.git` component at any depth, in any case (by its name, and once
 * links are followed); a file may not be an existing folder. Checked when
 * the inputs are parsed, and again just before a download is moved into place.
 */
export function destProblem(
  dest: string,
  workspace: string,
  kind: DestKind,
  rules: DestRules = HOST_DEST_RULES,
): string | undefined {
  const p = rules.path
  const root = p.resolve(workspace)
  const inside = (child: string, base: string) => p.relative(base, child) !== '' && isInside(child, base, p)
  const abs = p.resolve(dest)
  if (abs === root) return 'is the workspace itself, which would be replaced as a whole'
  if (!inside(abs, root)) return `leaves the workspace (${root})`
  const realRoot = realPath(root, p)
  const real = realPath(abs, p)
  if (!inside(real, realRoot)) return `leaves the workspace through a symbolic link (${root})`
  const components = [...p.relative(root, abs).split(/[\\/]/), ...p.relative(realRoot, real).split(/[\\/]/)]
  if (components.some(isDotGitText)) return 'has a .git folder in its path (any case), where git keeps what it runs'
  if (kind === 'file' && isFolder(abs)) return 'is an existing folder, but DEST is a file path'
  return undefined
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false // not there yet (or a dangling link, which a rename replaces)
  }
}

/** Throws, naming the input and line, when the claim's DEST may not be written (see `destProblem`). */
export function checkDest(claim: DestClaim, workspace: string, rules: DestRules = HOST_DEST_RULES): void {
  const problem = destProblem(claim.dest, workspace, claim.kind, rules)
  if (problem)
    throw new ActionError(
      `${claim.input} line ${claim.line}: DEST "${shown(claim.written)}" ${problem}; name a ${claim.kind} inside the workspace.`,
    )
}

/**
 * Throws, naming both lines, at the first two claims whose DESTs are the same
 * or lie one inside the other, by name or once the workspace's symbolic
 * links are resolved (case folded where the file system ignores case).
 * Claims of several inputs are checked together.
 */
export function checkOverlaps(claims: DestClaim[], workspace: string, rules: DestRules = HOST_DEST_RULES): void {
  const p = rules.path
  const key = (s: string) => (rules.caseInsensitive ? s.normalize('NFC').toLowerCase() : s)
  const overlap = (a: string, b: string) => a === b || a.startsWith(b + p.sep) || b.startsWith(a + p.sep)
  const seen: { claim: DestClaim; named: string; real: string }[] = []
  for (const claim of claims) {
    const named = key(p.resolve(claim.dest))
    const real = key(realPath(claim.dest, p))
    for (const other of seen) {
      const byName = overlap(other.named, named)
      if (byName || overlap(other.real, real))
        throw new ActionError(overlapMessage(other.claim, claim, p.resolve(workspace), p, !byName))
    }
    seen.push({ claim, named, real })
  }
}

function overlapMessage(a: DestClaim, b: DestClaim, root: string, p: path.PlatformPath, viaLinks: boolean): string {
  const lines =
    a.input === b.input
      ? `${a.input} lines ${a.line} and ${b.line}`
      : `${a.input} line ${a.line} and ${b.input} line ${b.line}`
  const what = a.kind === 'folder' && b.kind === 'folder' ? 'folders' : 'paths'
  const rel = (d: string) => shown(p.relative(root, d) || '.')
  const how = viaLinks ? ', once symbolic links are followed' : ''
  return `${lines} write to overlapping ${what} (${rel(a.dest)}, ${rel(b.dest)}${how}); give each its own DEST.`
}
