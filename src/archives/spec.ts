/**
 * The `archives` input: one `WORKSPACE/REPO@REF [-> DEST] [sha256:HEX64]` a
 * line, blank lines and `#` comments ignored. Parsed and checked (DEST inside
 * the workspace) before any network call.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ActionError } from '../shared/errors.ts'
import { isInside } from '../shared/fs-safe.ts'

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
export function parseArchives(text: string, workspaceDir: string, owner = 'WORKSPACE'): ArchiveSpec[] {
  const form = ARCHIVE_FORM.replace('WORKSPACE', owner)
  const specs: ArchiveSpec[] = []
  const root = path.resolve(workspaceDir)
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim()
    if (raw === '' || raw.startsWith('#')) continue
    const lineNo = i + 1
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
    const dest = path.resolve(root, destRaw ?? repo)
    const problem = destProblem(dest, root)
    if (problem)
      throw new ActionError(`archives line ${lineNo}: DEST "${destRaw ?? repo}" ${problem}; name a folder inside it.`)
    specs.push({ line: lineNo, workspace, repo, ref, dest, sha256: sha?.toLowerCase() })
  }
  const seen = new Map<string, number>()
  for (const spec of specs) {
    for (const [other, line] of seen) {
      if (other === spec.dest || spec.dest.startsWith(other + path.sep) || other.startsWith(spec.dest + path.sep)) {
        throw new ActionError(
          `archives lines ${line} and ${spec.line} write to overlapping folders (${path.relative(root, other)}, ${path.relative(root, spec.dest)}); give each its own DEST.`,
        )
      }
    }
    seen.set(spec.dest, spec.line)
  }
  return specs
}

/** The real path of `p`, or of its deepest existing ancestor joined with the rest. */
function realish(p: string): string {
  const missing: string[] = []
  let current = p
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), ...missing.reverse())
    } catch {
      const parent = path.dirname(current)
      if (parent === current) return p
      missing.push(path.basename(current))
      current = parent
    }
  }
}

/**
 * Why `dest` may not receive an archive, or undefined: it must lie strictly
 * inside the workspace, also once symbolic links are followed, and not in
 * the checkout's `.git`. Checked when parsing and again before extracting.
 */
export function destProblem(dest: string, workspace: string): string | undefined {
  const root = path.resolve(workspace)
  const inside = (p: string, base: string) => path.relative(base, p) !== '' && isInside(p, base)
  if (path.resolve(dest) === root) return 'is the workspace itself, which would be replaced as a whole'
  if (!inside(path.resolve(dest), root)) return `leaves the workspace (${root})`
  const realRoot = realish(root)
  if (!inside(realish(dest), realRoot)) return `leaves the workspace through a symbolic link (${root})`
  if (path.relative(realRoot, realish(dest)).split(path.sep)[0] === '.git')
    return "is inside the checkout's .git folder"
  return undefined
}
