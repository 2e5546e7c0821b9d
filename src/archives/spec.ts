/**
 * The `archives` input: one `WORKSPACE/REPO@REF [-> DEST] [sha256:HEX64]` a
 * line, blank lines and `#` comments ignored. Parsed and checked before any
 * network call.
 *
 * And the rules of every DEST (of `archives` and of `downloads`, checked
 * together by `checkDests`): strictly inside the workspace, also once
 * symbolic links are followed; no `.git` component at any depth, in any case
 * (nor a spelling that NTFS or HFS+ takes for one); no two DESTs the same or
 * one inside the other once the workspace's symbolic links are resolved (and
 * case folded where the file system ignores case). The path semantics are
 * the runner's (`path.win32` on Windows), passed in so that the tests run
 * the Windows rules on Linux.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ActionError } from '../shared/errors.ts'
import { isInside } from '../shared/fs-safe.ts'
import { isDotGitText } from '../shared/dest-rules.ts'
import { HOST_RULES } from './names.ts'

/** The path semantics and case sensitivity that DEST checks use. */
export interface DestRules {
  path: path.PlatformPath
  caseInsensitive: boolean
}

/** The runner's. */
export const HOST_DEST_RULES: DestRules = { path, caseInsensitive: HOST_RULES.caseInsensitive }

export interface ArchiveSpec {
  /** 1-based line number in the input, for messages. */
  line: number
  workspace: string
  repo: string
  ref: string
  /** Absolute destination directory inside the workspace. */
  dest: string
  sha256: string | undefined
}

/** `WORKSPACE/REPO@REF`, as the line names the archive: how messages name it. */
export function archiveLabel(a: Pick<ArchiveSpec, 'workspace' | 'repo' | 'ref'>): string {
  return `${a.workspace}/${a.repo}@${a.ref}`
}

export const ARCHIVE_FORM = 'WORKSPACE/REPO@REF [-> DEST] [sha256:HEX64]'

// Bitbucket workspace IDs and repository slugs: letters, digits, `-`, `_`, `.`.
const SLUG = '[A-Za-z0-9][A-Za-z0-9._-]*'
const LINE = new RegExp(`^(~?${SLUG})/(${SLUG})@(\\S+?)(?:\\s+->\\s+(\\S+))?(?:\\s+sha256:([0-9a-fA-F]{64}))?$`)
// A git ref name: no spaces, no `..`, no control characters, none of ~^:?*[\ and no leading `-`.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const REF = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)[^\s~^:?*[\\\x00-\x1f\x7f]+(?<![./])$/

/**
 * `owner` names the line's first part as the provider does: `WORKSPACE` (Cloud) or
 * `PROJECT` (Data Center, where `~USERSLUG` names a personal repository's owner).
 */
export function parseArchives(
  text: string,
  workspaceDir: string,
  owner = 'WORKSPACE',
  rules: DestRules = HOST_DEST_RULES,
): ArchiveSpec[] {
  const specs: ArchiveSpec[] = []
  const root = rules.path.resolve(workspaceDir)
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim()
    if (raw === '' || raw.startsWith('#')) continue
    specs.push(parseLine(raw, i + 1, root, rules, owner))
  }
  checkDests(archiveClaims(specs), root, rules)
  return specs
}

function parseLine(raw: string, lineNo: number, root: string, rules: DestRules, owner: string): ArchiveSpec {
  const form = ARCHIVE_FORM.replace('WORKSPACE', owner)
  const m = LINE.exec(raw)
  if (!m || (m[1]!.startsWith('~') && owner !== 'PROJECT')) {
    throw new ActionError(
      `archives line ${lineNo} ("${raw}") is not of the form ${form}, e.g. "${owner === 'PROJECT' ? 'PLAT' : 'myteam'}/shared-lib@v1.2.0 -> vendor/shared-lib".`,
    )
  }
  const [, workspace, repo, ref, destRaw, sha] = m as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
    string | undefined,
  ]
  if (!REF.test(ref)) {
    throw new ActionError(
      `archives line ${lineNo}: "${ref}" is not a valid tag, branch or commit name (expected ${form}).`,
    )
  }
  if (ref.includes('->')) {
    throw new ActionError(`archives line ${lineNo} ("${raw}"): put spaces around "->" (expected ${form}).`)
  }
  const claim: DestClaim = {
    input: 'archives',
    line: lineNo,
    written: destRaw ?? repo,
    dest: rules.path.resolve(root, destRaw ?? repo),
    kind: 'folder',
  }
  checkDests([claim], root, rules)
  return { line: lineNo, workspace, repo, ref, dest: claim.dest, sha256: sha?.toLowerCase() }
}

/** The DESTs of `archives` lines, for `checkDests`. */
export function archiveClaims(specs: ArchiveSpec[], workspace?: string): DestClaim[] {
  return specs.map((s) => ({
    input: 'archives',
    line: s.line,
    written: workspace ? path.relative(workspace, s.dest) || '.' : s.dest,
    dest: s.dest,
    kind: 'folder',
  }))
}

/** A line's DEST, as `checkDests` judges it. */
export interface DestClaim {
  /** The input that holds the line: `archives`, `downloads`. */
  input: string
  line: number
  /** DEST as the line writes it (or its default), for messages. */
  written: string
  /** The absolute path. */
  dest: string
  /** What DEST names: a folder (archives) or a file (downloads). */
  kind: 'folder' | 'file'
}

/**
 * Throws, naming the line, at the first DEST that may not be written (see
 * `destProblem`), then at the first two DESTs that are the same or lie one
 * inside the other once the workspace's symbolic links are resolved (case
 * folded where the file system ignores case). Archives and downloads are
 * checked together, before any network call.
 */
export function checkDests(claims: DestClaim[], workspace: string, rules: DestRules = HOST_DEST_RULES): void {
  for (const c of claims) {
    const problem = destProblem(c.dest, workspace, rules)
    if (problem)
      throw new ActionError(
        `${c.input} line ${c.line}: DEST "${c.written}" ${problem}; name a ${c.kind} inside the workspace.`,
      )
  }
  const p = rules.path
  const key = (dest: string) => {
    const real = realish(dest, p)
    return rules.caseInsensitive ? real.normalize('NFC').toLowerCase() : real
  }
  const seen: { claim: DestClaim; real: string }[] = []
  for (const claim of claims) {
    const real = key(claim.dest)
    for (const other of seen) {
      if (other.real === real || real.startsWith(other.real + p.sep) || other.real.startsWith(real + p.sep))
        throw new ActionError(`${overlapping(other.claim, claim, workspace, p)}; give each its own DEST.`)
    }
    seen.push({ claim, real })
  }
}

function overlapping(a: DestClaim, b: DestClaim, workspace: string, p: path.PlatformPath): string {
  const lines =
    a.input === b.input
      ? `${a.input} lines ${a.line} and ${b.line}`
      : `${a.input} line ${a.line} and ${b.input} line ${b.line}`
  const what = a.kind === 'folder' && b.kind === 'folder' ? 'folders' : 'paths'
  const rel = (d: string) => p.relative(workspace, d) || '.'
  return `${lines} write to overlapping ${what} (${rel(a.dest)}, ${rel(b.dest)}, once symbolic links are followed)`
}

/** The real path of `p`, or of its deepest existing ancestor joined with the rest. */
export function realish(p: string, paths: path.PlatformPath = path): string {
  const missing: string[] = []
  let current = paths.resolve(p)
  for (;;) {
    try {
      return paths.join(fs.realpathSync(current), ...missing.reverse())
    } catch {
      const parent = paths.dirname(current)
      if (parent === current) return paths.resolve(p)
      missing.push(paths.basename(current))
      current = parent
    }
  }
}

/**
 * Why `dest` may not be written (by an archive or a download), or
 * undefined: it must lie strictly inside the workspace, also once symbolic
 * links are followed, and hold no `.git` component at any depth, in any
 * case (by its name, and once links are followed).
 */
export function destProblem(dest: string, workspace: string, rules: DestRules = HOST_DEST_RULES): string | undefined {
  const p = rules.path
  const root = p.resolve(workspace)
  const inside = (child: string, base: string) => p.relative(base, child) !== '' && isInside(child, base, p)
  const abs = p.resolve(dest)
  if (abs === root) return 'is the workspace itself, which would be replaced as a whole'
  if (!inside(abs, root)) return `leaves the workspace (${root})`
  const realRoot = realish(root, p)
  const real = realish(abs, p)
  if (!inside(real, realRoot)) return `leaves the workspace through a symbolic link (${root})`
  const components = [...p.relative(root, abs).split(/[\\/]/), ...p.relative(realRoot, real).split(/[\\/]/)]
  if (components.some(isDotGitText)) return 'has a .git folder in its path (any case), where git keeps what it runs'
  return undefined
}
