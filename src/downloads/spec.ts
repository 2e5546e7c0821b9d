/**
 * The `downloads` input: one `WORKSPACE/REPO/FILENAME [-> DEST] [sha256:HEX64]`
 * a line, blank lines and `#` comments ignored. FILENAME may hold spaces (not
 * `/`); a `*` in it matches any run of characters. Parsed and checked with
 * every other input, before any request: the grammar, and each DEST (a file)
 * by the rules of every DEST (shared/dest-rules.ts), together with those of
 * `archives`.
 */
import { ActionError } from '../shared/errors.ts'
import { shown } from '../shared/format.ts'
import { checkDest, checkOverlaps, HOST_DEST_RULES, type DestClaim, type DestRules } from '../shared/dest-rules.ts'

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

export const DOWNLOAD_FORM = 'WORKSPACE/REPO/FILENAME [-> DEST] [sha256:HEX64]'
const EXAMPLE = 'e.g. "myteam/app/app 1.2.0.tar.gz -> dist/app.tar.gz"'

// Bitbucket workspace IDs and repository slugs: letters, digits, `-`, `_`, `.`.
const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/

/** `archives`: the DESTs of the `archives` lines, checked with these (see `archiveClaims`). */
export function parseDownloads(
  text: string,
  workspaceDir: string,
  archives: DestClaim[] = [],
  rules: DestRules = HOST_DEST_RULES,
): DownloadSpec[] {
  const root = rules.path.resolve(workspaceDir)
  const specs: DownloadSpec[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim()
    if (raw === '' || raw.startsWith('#')) continue
    specs.push(parseLine(raw, i + 1, root, rules))
  }
  const claims = specs.flatMap((s) => (s.dest ? [downloadClaim(s.line, s.dest)] : []))
  checkOverlaps([...archives, ...claims], root, rules)
  return specs
}

function parseLine(raw: string, lineNo: number, root: string, rules: DestRules): DownloadSpec {
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
    dest = rules.path.resolve(root, destRaw)
  } else if (!pattern) {
    dest = rules.path.resolve(root, name)
  }
  if (dest) checkDest(downloadClaim(lineNo, dest, destRaw ?? name), root, rules)
  return { line: lineNo, workspace, repo, name, pattern, dest, sha256 }
}

/** A `downloads` line's DEST, for the checks of shared/dest-rules.ts; `written` as the line writes it. */
export function downloadClaim(line: number, dest: string, written = dest): DestClaim {
  return { input: 'downloads', line, written, dest, kind: 'file' }
}
