/**
 * The `downloads` input: one `WORKSPACE/REPO/FILENAME [-> DEST] [sha256:HEX64]`
 * a line, blank lines and `#` comments ignored. FILENAME may hold spaces (not
 * `/`); a `*` in it matches any run of characters. Parsed and checked with
 * every other input, before any request: the grammar, each DEST (a file inside
 * the workspace, also once symbolic links are followed, never in a `.git`
 * folder), and that no two DESTs of `downloads` and `archives` overlap.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ActionError } from '../shared/errors.ts'
import { shown } from '../shared/format.ts'
import { destProblem } from '../archives/spec.ts'

export interface DownloadSpec {
  /** 1-based line number in the input, for messages. */
  line: number
  workspace: string
  repo: string
  /** The file name, or a pattern when `pattern` is set. */
  name: string
  /** The name holds a `*`: the newest matching file of the Downloads list is taken. */
  pattern: boolean
  /** Absolute destination file; undefined for a pattern without `-> DEST` (the matched name, known later). */
  dest: string | undefined
  sha256: string | undefined
}

/** What a DEST belongs to, for the overlap check and its message. */
export interface Claim {
  /** e.g. `downloads line 2`, `archives line 1`. */
  what: string
  dest: string
}

export const DOWNLOAD_FORM = 'WORKSPACE/REPO/FILENAME [-> DEST] [sha256:HEX64]'
const EXAMPLE = 'e.g. "myteam/app/app 1.2.0.tar.gz -> dist/app.tar.gz"'

// Bitbucket workspace IDs and repository slugs: letters, digits, `-`, `_`, `.`.
const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/

export function parseDownloads(text: string, workspaceDir: string, archives: Claim[] = []): DownloadSpec[] {
  const root = path.resolve(workspaceDir)
  const specs: DownloadSpec[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim()
    if (raw === '' || raw.startsWith('#')) continue
    specs.push(parseLine(raw, i + 1, root))
  }
  const claims: Claim[] = specs.flatMap((s) => (s.dest ? [{ what: `downloads line ${s.line}`, dest: s.dest }] : []))
  assertNoOverlap([...archives, ...claims], root)
  return specs
}

function parseLine(raw: string, lineNo: number, root: string): DownloadSpec {
  const bad = (why: string) =>
    new ActionError(`downloads line ${lineNo} ("${shown(raw)}") ${why}; expected ${DOWNLOAD_FORM}, ${EXAMPLE}.`)
  const m = /^([^/]*)\/([^/]*)\/(.*)$/s.exec(raw)
  if (!m) throw bad('is not of the form')
  const [, workspace, repo] = m as unknown as [string, string, string]
  let rest = m[3]!
  if (workspace === '' || repo === '') throw bad('has an empty part')
  if (!SLUG.test(workspace) || !SLUG.test(repo))
    throw bad('names no Bitbucket WORKSPACE/REPO (letters, digits, ".", "_" and "-")')

  let sha256: string | undefined
  const pin = /(?:^|\s)sha256:(\S*)$/.exec(rest)
  if (pin) {
    if (!/^[0-9a-fA-F]{64}$/.test(pin[1]!)) throw bad('has a sha256: that is not 64 hex digits')
    sha256 = pin[1]!.toLowerCase()
    rest = rest.slice(0, pin.index)
  }
  if (/(?:^|\s)sha256:/.test(rest)) throw bad('has a sha256: pin that is not at the end of the line')

  let name = rest
  let destRaw: string | undefined
  const arrows = rest.split('->').length - 1
  if (arrows > 1) throw bad('has a second "->"')
  if (arrows === 1) {
    const at = rest.indexOf('->')
    const before = rest.slice(0, at)
    const after = rest.slice(at + 2)
    if (after.trim() === '') throw bad('has a "->" without a DEST')
    if (!/\s$/.test(before) || !/^\s/.test(after)) throw bad('needs spaces around "->"')
    name = before
    destRaw = after.trim()
  }
  name = name.trim()
  if (name === '') throw bad('has an empty FILENAME')
  if (name.includes('/')) throw bad('has a "/" in FILENAME (the Downloads section has no folders)')
  if (CONTROL.test(name) || (destRaw !== undefined && CONTROL.test(destRaw))) throw bad('holds a control character')
  if (name === '.' || name === '..') throw bad(`has "${name}" as FILENAME`)
  const pattern = name.includes('*')

  let dest: string | undefined
  if (destRaw !== undefined) {
    if (/[\\/]$/.test(destRaw))
      throw new ActionError(
        `downloads line ${lineNo}: DEST "${shown(destRaw)}" ends with a slash, but DEST is a file path; name the file, e.g. "${destRaw}${pattern ? 'app.zip' : name}".`,
      )
    dest = path.resolve(root, destRaw)
  } else if (!pattern) {
    dest = path.resolve(root, name)
  }
  if (dest) {
    const problem = downloadDestProblem(dest, root)
    if (problem)
      throw new ActionError(
        `downloads line ${lineNo}: DEST "${shown(destRaw ?? name)}" ${problem}; name a file inside the workspace.`,
      )
  }
  return { line: lineNo, workspace, repo, name, pattern, dest, sha256 }
}

/**
 * Why a file may not be written at `dest`, or undefined: strictly inside the
 * workspace (also through symbolic links), no `.git` component at any depth
 * (any case), and not an existing folder. Checked when parsing and again just
 * before the file is moved into place.
 */
export function downloadDestProblem(dest: string, workspace: string): string | undefined {
  const problem = destProblem(dest, workspace)
  if (problem) return problem
  const root = path.resolve(workspace)
  const parts = [path.relative(root, path.resolve(dest)), path.relative(realish(root), realish(dest))]
  if (parts.some((rel) => rel.split(/[\\/]/).some((c) => c.toLowerCase() === '.git')))
    return 'has a .git folder in its path'
  try {
    if (fs.statSync(dest).isDirectory()) return 'is an existing folder, but DEST is a file path'
  } catch {
    // Not there yet (or a dangling link, which the rename replaces): fine.
  }
  return undefined
}

/** The real path of `p`, or of its deepest existing ancestor joined with the rest. */
export function realish(p: string): string {
  const missing: string[] = []
  let current = path.resolve(p)
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), ...missing.reverse())
    } catch {
      const parent = path.dirname(current)
      if (parent === current) return path.resolve(p)
      missing.push(path.basename(current))
      current = parent
    }
  }
}

const CASE_INSENSITIVE_FS = process.platform === 'win32' || process.platform === 'darwin'

/** Throws when two DESTs are the same or one lies inside the other, once symbolic links are resolved. */
export function assertNoOverlap(claims: Claim[], workspace: string): void {
  const key = (p: string) => (CASE_INSENSITIVE_FS ? realish(p).toLowerCase() : realish(p))
  const seen: { claim: Claim; real: string }[] = []
  for (const claim of claims) {
    const real = key(claim.dest)
    for (const other of seen) {
      if (other.real === real || real.startsWith(other.real + path.sep) || other.real.startsWith(real + path.sep)) {
        const rel = (p: string) => path.relative(workspace, p) || '.'
        throw new ActionError(
          `${other.claim.what} and ${claim.what} write to overlapping paths (${shown(rel(other.claim.dest))}, ${shown(rel(claim.dest))}); give each its own DEST.`,
        )
      }
    }
    seen.push({ claim, real })
  }
}
