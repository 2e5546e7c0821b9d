/**
 * Safe extraction of a `.tar.gz` stream into a fresh staging folder (which
 * destination.ts then swaps in for DEST).
 *
 * Refused (entry-policy.ts, links.ts): absolute names, `..` and `.git`
 * components, names over 4,096 bytes or holding NUL, entries outside the
 * single top-level folder, symlinks whose target (followed through the
 * archive's other symlinks, by exact and by case-folded names) leaves the
 * tree or holds `\`, hard links to anything but a file extracted before,
 * entries at or below a symlink (compared case-insensitively), device files,
 * fifos and sparse files. Symlinks are created last, after every file is
 * written, so nothing is ever written through a link; a hard link is made at
 * once, to a regular file this archive wrote. Files (writer.ts) are created
 * with O_EXCL and keep their mode bits; writes are synchronous, chunk by
 * chunk, with nothing buffered: memory does not depend on the archive.
 *
 * The work is bounded: at most MAX_ENTRIES entries (the folders made for
 * them counted too) and MAX_NAME_BYTES of names written, and the symlink
 * checks are linear (links.ts). A file-system error names the entry, never
 * the staging path (an error line stays short).
 */
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream'
import zlib from 'node:zlib'
import { EntryPolicy, refuse, showName, UnsafeArchiveError, type Rel } from './entry-policy.ts'
import { Symlinks } from './links.ts'
import { HOST_RULES, type FsRules } from './names.ts'
import { TarParser, type TarEntry, type TarHandlers } from './tar-reader.ts'
import { StagingTree, type FileWriter } from './writer.ts'

/** The most entries (and folders made for them) one archive may have. */
export const MAX_ENTRIES = 1_000_000
/** The most bytes of names (entries and folders made) one archive may write. */
export const MAX_NAME_BYTES = 256 * 1024 * 1024

export interface ExtractStats {
  files: number
  directories: number
  links: number
  /** Bytes of file data written. */
  bytes: number
  /** Mode of the top-level folder (becomes DEST's). */
  topMode: number
}

export interface ExtractOptions {
  /** What the file system does with names (default: this OS's rules). */
  rules?: FsRules
  /** The entries sit in a single top-level folder, which is stripped (default), or at the root. */
  topFolder?: boolean
  /** Lower bounds than MAX_ENTRIES and MAX_NAME_BYTES (for tests). */
  limits?: { entries?: number; nameBytes?: number }
}

/**
 * Extracts the gzip-compressed tar `source` into the empty folder `dir`,
 * stripping the single top-level folder (unless `topFolder: false`: entries
 * at the archive's root, as Bitbucket Data Center sends them). Rejects (and stops reading) on the
 * first unsafe entry; the caller removes `dir`.
 */
export async function extractTarGz(source: Readable, dir: string, options: ExtractOptions = {}): Promise<ExtractStats> {
  const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 })
  const stream = pipeline(source, gunzip, () => {})
  const x = new Extractor(dir, options)
  const parser = new TarParser(x)
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) parser.push(chunk)
    parser.finish()
    await x.finish()
  } catch (err) {
    source.destroy()
    gunzip.destroy()
    x.closeCurrent()
    throw err
  }
  return x.stats
}

/** A file-system error at the entry `name`, with a short message that names the entry (not the staging path). */
export function entryFailure(err: unknown, name: string): unknown {
  const e = err as NodeJS.ErrnoException
  if (err instanceof UnsafeArchiveError || typeof e?.code !== 'string' || !e.syscall) return err
  if (e.code === 'ENAMETOOLONG') refuse(name, 'a name longer than the file system allows')
  if (e.code === 'EILSEQ') refuse(name, "a name that this runner's file system cannot store")
  return Object.assign(new Error(`${e.code} (${e.syscall}) at ${showName(name)}`), { code: e.code })
}

/** The tar parser's handlers: each entry judged, then written. */
class Extractor implements TarHandlers {
  readonly stats: ExtractStats = { files: 0, directories: 0, links: 0, bytes: 0, topMode: 0o755 }
  readonly #tree: StagingTree
  readonly #links = new Symlinks()
  readonly #policy: EntryPolicy
  #current: FileWriter | undefined
  #name = ''
  #entries = 0
  #nameBytes = 0
  readonly #maxEntries: number
  readonly #maxNameBytes: number

  constructor(root: string, options: ExtractOptions) {
    this.#maxEntries = Math.min(options.limits?.entries ?? MAX_ENTRIES, MAX_ENTRIES)
    this.#maxNameBytes = Math.min(options.limits?.nameBytes ?? MAX_NAME_BYTES, MAX_NAME_BYTES)
    this.#tree = new StagingTree(root, (bytes) => this.#count(bytes))
    this.#policy = new EntryPolicy(this.#links, options.rules ?? HOST_RULES, options.topFolder ?? true)
  }

  /** Closes the file being written when extraction stops half-way. */
  closeCurrent(): void {
    this.#current?.close()
    this.#current = undefined
  }

  entry(e: TarEntry): void {
    this.#name = e.name
    this.#count(e.name.length)
    try {
      this.#write(e)
    } catch (err) {
      throw entryFailure(err, e.name)
    }
  }

  data(chunk: Buffer): void {
    try {
      this.#current?.data(chunk)
    } catch (err) {
      throw entryFailure(err, this.#name)
    }
  }

  end(): void {
    this.closeCurrent()
  }

  async finish(): Promise<void> {
    const tree = this.#tree
    let name = ''
    try {
      await this.#links.createAll(
        (parts) => tree.list(parts),
        (parts, target, linkName) => tree.symlink(parts, target, (name = linkName)),
      )
    } catch (err) {
      throw entryFailure(err, name)
    }
  }

  /** One more entry or folder, and the bytes of its name: refused beyond the bounds. */
  #count(nameBytes: number): void {
    if (++this.#entries > this.#maxEntries)
      throw new UnsafeArchiveError(
        `it holds more than ${this.#maxEntries.toLocaleString('en-US')} entries (folders made for them included), more than this action extracts`,
      )
    if ((this.#nameBytes += nameBytes) > this.#maxNameBytes)
      throw new UnsafeArchiveError(
        `its names add up to more than ${this.#maxNameBytes.toLocaleString('en-US')} bytes, more than this action extracts`,
      )
  }

  #write(e: TarEntry): void {
    switch (e.type) {
      case 'file':
        return this.#file(e)
      case 'directory':
        return this.#directory(e)
      case 'symlink':
        return this.#symlink(e)
      case 'hardlink':
        return this.#hardLink(e)
      case 'char-device':
      case 'block-device':
        return refuse(e.name, 'a device file')
      case 'fifo':
        return refuse(e.name, 'a fifo (named pipe)')
      case 'sparse':
        return refuse(e.name, 'a sparse file (git never writes one; its data would not be what the file holds)')
      default:
        return refuse(e.name, `an unsupported entry type ${JSON.stringify(e.flag)}`)
    }
  }

  #file(e: TarEntry): void {
    const rel = this.#policy.relative(e.name, e.type)
    this.stats.files++
    this.stats.bytes += e.size
    this.#current = this.#tree.openFile(rel.parts, e.mode, e.name)
  }

  #directory(e: TarEntry): void {
    const rel = this.#policy.relative(e.name, e.type)
    if (rel.parts.length === 0) {
      if (e.mode) this.stats.topMode = e.mode & 0o777
      return
    }
    this.#tree.mkdir(rel.parts, e.mode, e.name)
    this.stats.directories++
  }

  #symlink(e: TarEntry): void {
    const rel = this.#policy.relative(e.name, e.type)
    this.#policy.checkSymlink(e.name, rel, e.linkname)
    if (this.#tree.exists(rel.path)) refuse(e.name, 'a symlink over another entry')
    this.#links.add(e.name, rel.parts, e.linkname)
    this.stats.links++
  }

  #hardLink(e: TarEntry): void {
    const rel = this.#policy.relative(e.name, e.type)
    // Nothing but extracted files and folders exists in the staging folder yet (symlinks come last),
    // so a regular file there is one this archive wrote, complete and closed.
    const target = this.#policy.hardLinkTarget(e.name, e.linkname, (t: Rel) => this.#tree.isFile(t.path))
    this.#tree.hardLink(target.parts, rel.parts, e.name)
    this.stats.links++
  }
}
