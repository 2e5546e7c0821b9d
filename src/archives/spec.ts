/**
 * The `archives` input: one `WORKSPACE/REPO@REF [-> DEST] [sha256:HEX64]` a
 * line, blank lines and `#` comments ignored. Parsed and checked before any
 * network call; each DEST is a folder, held to the rules of every DEST
 * (shared/dest-rules.ts) and checked with those of `downloads`.
 */
import { ActionError } from '../shared/errors.ts'
import { checkDest, checkOverlaps, HOST_DEST_RULES, type DestClaim, type DestRules } from '../shared/dest-rules.ts'

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
  checkOverlaps(archiveClaims(specs), root, rules)
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
  checkDest(claim, root, rules)
  return { line: lineNo, workspace, repo, ref, dest: claim.dest, sha256: sha?.toLowerCase() }
}

/** The DESTs of `archives` lines, for `checkOverlaps` with those of `downloads`. */
export function archiveClaims(specs: ArchiveSpec[]): DestClaim[] {
  return specs.map((s) => ({ input: 'archives', line: s.line, written: s.dest, dest: s.dest, kind: 'folder' }))
}
