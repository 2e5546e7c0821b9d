/**
 * Which tar entries may be extracted, judged by their names, on every OS:
 * every entry below the archive's single top-level folder (which is
 * stripped); no absolute name, no `..` component, no `.git` component (any
 * case, any spelling a file system takes for it), no name longer than 4,096
 * bytes or holding a NUL; nothing at or below one of the archive's symlinks,
 * compared case-insensitively after NFC (where `L` and `l` are one folder,
 * a path below `l` runs through the link `L`); symlink targets relative,
 * non-empty and without `\`; hard links only to files of the same folder.
 * Where the runner's OS cannot hold a name as it is (names.ts), it is
 * refused too. Where a symlink finally leads is links.ts's job.
 */
import { ActionError } from '../shared/errors.ts'
import { isDotGit, isUtf8Name, MAX_PATH_BYTES, nameText, windowsProblem, type FsRules } from './names.ts'
import type { TarEntry } from './tar-reader.ts'

/** An archive that breaks the rules of extract.ts. Never retried. */
export class UnsafeArchiveError extends ActionError {
  constructor(message: string) {
    super(message)
    this.name = 'UnsafeArchiveError'
  }
}

/** A member name (a byte string) for a message: decoded, control characters escaped, length capped. */
export function showName(name: string): string {
  const text = nameText(name)
  const s = JSON.stringify(text.length > 100 ? text.slice(0, 100) + '…' : text)
  return s.replace(/::/g, ':\u200b:')
}

/** Refuses the entry `name`, saying why. */
export function refuse(name: string, why: string): never {
  throw new UnsafeArchiveError(`the archive has an unsafe entry ${showName(name)}: ${why}`)
}

function isAbsoluteName(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.startsWith('\\')
}

/** A member name's path components (`.` and empty ones dropped), or why it has none that may be used. */
export function components(name: string, rules: FsRules): string[] | 'absolute' | 'dotdot' {
  if (isAbsoluteName(name)) return 'absolute'
  const parts = name.split(rules.windows ? /[\\/]+/ : /\/+/).filter((c) => c !== '' && c !== '.')
  if (parts.includes('..')) return 'dotdot'
  return parts
}

/** Why a path (a member name, a hard link's member) may not be used as it is, or undefined. */
function pathProblem(name: string): string | undefined {
  if (name.length > MAX_PATH_BYTES) return `a path longer than ${MAX_PATH_BYTES.toLocaleString('en-US')} bytes`
  if (name.includes('\0')) return 'a name holding a NUL byte'
  return undefined
}

/** Why the path component `c` may not be written on this OS, or undefined. */
function componentProblem(c: string, rules: FsRules): string | undefined {
  if (isDotGit(c))
    return 'a .git path component (a planted .git folder would make later git commands run its configuration)'
  if (rules.utf8Only && !isUtf8Name(c)) return "a name that is not UTF-8, which this runner's file system cannot store"
  if (rules.windows) return windowsProblem(c)
  return undefined
}

/** The archive's symlinks so far: how many, and where a path first meets one (folded). */
export interface KnownLinks {
  readonly size: number
  /** How many leading components of `parts` name a link (0: none). */
  runsInto(parts: readonly string[]): number
}

/** A path below the top-level folder: its components, and them joined with `/`. */
export interface Rel {
  parts: string[]
  path: string
}

/** The entries of one archive, judged in order (the first one names the top-level folder). */
export class EntryPolicy {
  readonly #links: KnownLinks
  readonly #rules: FsRules
  readonly #topFolder: boolean
  #top: string | undefined

  /** `topFolder`: the entries sit in a single top-level folder, which is stripped; else at the root. */
  constructor(links: KnownLinks, rules: FsRules, topFolder = true) {
    this.#links = links
    this.#rules = rules
    this.#topFolder = topFolder
  }

  /** The entry's path below the top-level folder (no parts for the folder itself). */
  relative(name: string, type: TarEntry['type']): Rel {
    const parts = this.#parts(name)
    if (parts.length === 0 && !(type === 'directory' && !this.#topFolder)) refuse(name, 'an empty name')
    const rel = this.#topFolder ? this.#strip(name, parts, type) : parts
    const hit = this.#links.runsInto(rel)
    if (hit === rel.length && hit > 0) refuse(name, 'a second entry for a symlink')
    if (hit > 0) refuse(name, `it lies below the symlink ${showName(rel.slice(0, hit).join('/'))}`)
    return { parts: rel, path: rel.join('/') }
  }

  /** Refuses a symlink that is the top-level folder, or whose target is empty, too long, invalid or absolute. */
  checkSymlink(name: string, rel: Rel, target: string): void {
    if (rel.parts.length === 0) refuse(name, 'the top-level folder is a symlink')
    if (target === '' || target.includes('\0')) refuse(name, 'a symlink with an empty or invalid target')
    if (target.length > MAX_PATH_BYTES)
      refuse(name, `a symlink whose target is longer than ${MAX_PATH_BYTES.toLocaleString('en-US')} bytes`)
    if (target.includes('\\'))
      refuse(name, `a symlink to ${showName(target)}: a target holding "\\" (Windows reads it as a folder separator)`)
    if (isAbsoluteName(target)) refuse(name, `a symlink to the absolute path ${showName(target)}`)
  }

  /**
   * The path below the top-level folder of the member a hard link names,
   * which must be a file extracted before it (`isFile`), reached through no symlink.
   */
  hardLinkTarget(name: string, linkname: string, isFile: (rel: Rel) => boolean): Rel {
    const problem = pathProblem(linkname)
    const parts = problem ? 'absolute' : components(linkname, this.#rules)
    if (parts === 'absolute' || parts === 'dotdot' || (this.#topFolder && parts[0] !== this.#top)) {
      refuse(name, `a hard link to ${showName(linkname)}, outside the archive's folder`)
    }
    const rel = this.#topFolder ? parts.slice(1) : parts
    const target = { parts: rel, path: rel.join('/') }
    if (rel.length === 0 || this.#links.runsInto(rel) > 0 || !isFile(target)) {
      refuse(name, `a hard link to ${showName(linkname)}, which is not a file extracted before it`)
    }
    return target
  }

  /** The components below the single top-level folder (named by the first entry). */
  #strip(name: string, parts: string[], type: TarEntry['type']): string[] {
    this.#top ??= parts[0]
    if (parts[0] !== this.#top || (parts.length === 1 && type !== 'directory')) {
      throw new UnsafeArchiveError(
        `the archive does not hold a single top-level folder (${showName(this.#top!)} and ${showName(name)}); a Bitbucket archive always does, so this is not one.`,
      )
    }
    return parts.slice(1)
  }

  /** The name's components, each checked; refuses what may not be written. */
  #parts(name: string): string[] {
    const problem = pathProblem(name)
    if (problem) refuse(name, problem)
    const parts = components(name, this.#rules)
    if (parts === 'absolute') refuse(name, 'an absolute path')
    if (parts === 'dotdot') refuse(name, 'a ".." path component (it would land outside DEST)')
    for (const c of parts) {
      const why = componentProblem(c, this.#rules)
      if (why) refuse(name, why)
    }
    return parts
  }
}
