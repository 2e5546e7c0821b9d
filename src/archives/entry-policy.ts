/**
 * Which tar entries may be extracted, judged by their names: every entry
 * below the archive's single top-level folder (which is stripped), no
 * absolute name, no `..` component, nothing below one of the archive's
 * symlinks, symlink targets relative and non-empty, hard links only to files
 * of the same folder. Where a symlink finally leads is links.ts's job.
 */
import { ActionError } from '../shared/errors.ts'
import type { TarEntry } from './tar-reader.ts'

/** An archive that breaks the rules of extract.ts. Never retried. */
export class UnsafeArchiveError extends ActionError {
  constructor(message: string) {
    super(message)
    this.name = 'UnsafeArchiveError'
  }
}

/** A member name for a message: control characters escaped, length capped. */
export function showName(name: string): string {
  const s = JSON.stringify(name.length > 200 ? name.slice(0, 200) + '…' : name)
  return s.replace(/::/g, ':\u200b:')
}

/** Refuses the entry `name`, saying why. */
export function refuse(name: string, why: string): never {
  throw new UnsafeArchiveError(`the archive has an unsafe entry ${showName(name)}: ${why}`)
}

const isWindows = process.platform === 'win32'

function isAbsoluteName(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.startsWith('\\')
}

/** A member name's path components (`.` and empty ones dropped), or why it has none that may be used. */
export function components(name: string): string[] | 'absolute' | 'dotdot' {
  if (isAbsoluteName(name)) return 'absolute'
  const parts = name.split(isWindows ? /[\\/]+/ : /\/+/).filter((c) => c !== '' && c !== '.')
  if (parts.includes('..')) return 'dotdot'
  return parts
}

/** The archive's symlinks so far, by their path below the top-level folder. */
export interface KnownLinks {
  readonly size: number
  has(rel: string): boolean
}

/** The entries of one archive, judged in order (the first one names the top-level folder). */
export class EntryPolicy {
  readonly #links: KnownLinks
  /** Leading components dropped: 1 below a top-level folder, 0 for entries at the archive's root. */
  readonly #strip: 0 | 1
  #top: string | undefined

  /** `topFolder: false`: the entries sit at the archive's root (Bitbucket Data Center's archives). */
  constructor(links: KnownLinks, topFolder = true) {
    this.#links = links
    this.#strip = topFolder ? 1 : 0
  }

  /** The entry's path below the top-level folder ('' for the folder itself). */
  relative(name: string, type: TarEntry['type']): string {
    const parts = components(name)
    if (parts === 'absolute') refuse(name, 'an absolute path')
    if (parts === 'dotdot') refuse(name, 'a ".." path component (it would land outside DEST)')
    if (parts.length === 0 && this.#strip === 0 && type === 'directory') return ''
    if (parts.length === 0) refuse(name, 'an empty name')
    if (this.#strip) {
      this.#top ??= parts[0]
      if (parts[0] !== this.#top || (parts.length === 1 && type !== 'directory')) {
        throw new UnsafeArchiveError(
          `the archive does not hold a single top-level folder (${showName(this.#top!)} and ${showName(name)}); a Bitbucket archive always does, so this is not one.`,
        )
      }
    }
    const s = this.#strip
    const rel = parts.slice(s).join('/')
    if (this.#links.size) {
      for (let i = s; i < parts.length - 1; i++) {
        const prefix = parts.slice(s, i + 1).join('/')
        if (this.#links.has(prefix)) refuse(name, `it lies below the symlink ${showName(prefix)}`)
      }
      if (this.#links.has(rel)) refuse(name, 'a second entry for a symlink')
    }
    return rel
  }

  /** Refuses a symlink that is the top-level folder, or whose target is empty, invalid or absolute. */
  checkSymlink(name: string, rel: string, target: string): void {
    if (rel === '') refuse(name, 'the top-level folder is a symlink')
    if (target === '' || target.includes('\0')) refuse(name, 'a symlink with an empty or invalid target')
    if (isAbsoluteName(target)) refuse(name, `a symlink to the absolute path ${showName(target)}`)
  }

  /**
   * The path below the top-level folder of the member a hard link names,
   * which must be a file extracted before it (`isFile`), reached through no symlink.
   */
  hardLinkTarget(name: string, linkname: string, isFile: (rel: string) => boolean): string {
    const parts = components(linkname)
    const s = this.#strip
    if (parts === 'absolute' || parts === 'dotdot' || (s && parts[0] !== this.#top)) {
      refuse(name, `a hard link to ${showName(linkname)}, outside the archive's folder`)
    }
    const target = parts.slice(s).join('/')
    if (
      target === '' ||
      this.#links.has(target) ||
      parts.slice(s, -1).some((_, i) => this.#links.has(parts.slice(s, s + i + 1).join('/'))) ||
      !isFile(target)
    ) {
      refuse(name, `a hard link to ${showName(linkname)}, which is not a file extracted before it`)
    }
    return target
  }
}
