/**
 * The `archives` input: one `WORKSPACE/REPO@REF [-> DEST] [sha256:HEX64]` a
 * line, blank lines and `#` comments ignored. Parsed and checked (DEST inside
 * the workspace) before any network call.
 */
import path from 'node:path'
import { ActionError } from '../errors.ts'

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

export const ARCHIVE_FORM = 'WORKSPACE/REPO@REF [-> DEST] [sha256:HEX64]'

// Bitbucket workspace IDs and repository slugs: letters, digits, `-`, `_`, `.`.
const SLUG = '[A-Za-z0-9][A-Za-z0-9._-]*'
const LINE = new RegExp(
  `^(${SLUG})/(${SLUG})@(\\S+?)(?:\\s+->\\s+(\\S+))?(?:\\s+sha256:([0-9a-fA-F]{64}))?$`,
)
// A git ref name: no spaces, no `..`, no control characters, none of ~^:?*[\ and no leading `-`.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const REF = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)[^\s~^:?*[\\\x00-\x1f\x7f]+(?<![./])$/

export function parseArchives(text: string, workspaceDir: string): ArchiveSpec[] {
  const specs: ArchiveSpec[] = []
  const root = path.resolve(workspaceDir)
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim()
    if (raw === '' || raw.startsWith('#')) continue
    const lineNo = i + 1
    const m = LINE.exec(raw)
    if (!m) {
      throw new ActionError(`archives line ${lineNo} ("${raw}") is not of the form ${ARCHIVE_FORM}, e.g. "myteam/shared-lib@v1.2.0 -> vendor/shared-lib".`)
    }
    const [, workspace, repo, ref, destRaw, sha] = m as unknown as [string, string, string, string, string | undefined, string | undefined]
    if (!REF.test(ref)) {
      throw new ActionError(`archives line ${lineNo}: "${ref}" is not a valid tag, branch or commit name (expected ${ARCHIVE_FORM}).`)
    }
    const dest = path.resolve(root, destRaw ?? repo)
    const rel = path.relative(root, dest)
    if (rel === '') {
      throw new ActionError(`archives line ${lineNo}: DEST "${destRaw}" is the workspace itself, which would be replaced as a whole; name a folder inside it.`)
    }
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new ActionError(`archives line ${lineNo}: DEST "${destRaw}" leaves the workspace (${root}); name a folder inside it.`)
    }
    specs.push({ line: lineNo, workspace, repo, ref, dest, sha256: sha?.toLowerCase() })
  }
  const seen = new Map<string, number>()
  for (const spec of specs) {
    for (const [other, line] of seen) {
      if (other === spec.dest || spec.dest.startsWith(other + path.sep) || other.startsWith(spec.dest + path.sep)) {
        throw new ActionError(`archives lines ${line} and ${spec.line} write to overlapping folders (${path.relative(root, other)}, ${path.relative(root, spec.dest)}); give each its own DEST.`)
      }
    }
    seen.set(spec.dest, spec.line)
  }
  return specs
}
