/**
 * Safe extraction of a `.tar.gz` stream into a fresh staging folder (which
 * destination.ts then swaps in for DEST).
 *
 * Refused (entry-policy.ts, links.ts): absolute names, `..` components,
 * entries outside the single top-level folder, symlinks whose target
 * (followed through the archive's other symlinks) leaves the tree, hard links
 * to anything but a file extracted before, entries below a symlink, device
 * files and fifos. Symlinks are created last, after every file is written, so
 * nothing is ever written through a link; a hard link is made at once, to a
 * regular file this archive wrote. Files (writer.ts) are created with O_EXCL
 * and keep their mode bits; writes are synchronous, chunk by chunk, with
 * nothing buffered: memory does not depend on the archive.
 */
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream'
import zlib from 'node:zlib'
import { EntryPolicy, refuse } from './entry-policy.ts'
import { Symlinks } from './links.ts'
import { TarParser, type TarEntry, type TarHandlers } from './tar-reader.ts'
import { StagingTree, type FileWriter } from './writer.ts'

export interface ExtractStats {
  files: number
  directories: number
  links: number
  /** Bytes of file data written. */
  bytes: number
  /** Mode of the top-level folder (becomes DEST's). */
  topMode: number
}

/**
 * Extracts the gzip-compressed tar `source` into the empty folder `dir`,
 * stripping the single top-level folder (unless `topFolder: false`: entries
 * at the archive's root, as Bitbucket Data Center sends them). Rejects (and stops reading) on the
 * first unsafe entry; the caller removes `dir`.
 */
export async function extractTarGz(
  source: Readable,
  dir: string,
  options: { topFolder?: boolean } = {},
): Promise<ExtractStats> {
  const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 })
  const stream = pipeline(source, gunzip, () => {})
  const x = new Extractor(dir, options.topFolder ?? true)
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

/** The tar parser's handlers: each entry judged, then written. */
class Extractor implements TarHandlers {
  readonly stats: ExtractStats = { files: 0, directories: 0, links: 0, bytes: 0, topMode: 0o755 }
  readonly #tree: StagingTree
  readonly #links = new Symlinks()
  readonly #policy: EntryPolicy
  #current: FileWriter | undefined

  constructor(root: string, topFolder: boolean) {
    this.#tree = new StagingTree(root)
    this.#policy = new EntryPolicy(this.#links, topFolder)
  }

  /** Closes the file being written when extraction stops half-way. */
  closeCurrent(): void {
    this.#current?.close()
    this.#current = undefined
  }

  entry(e: TarEntry): void {
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
      default:
        return refuse(e.name, `an unsupported entry type ${JSON.stringify(e.flag)}`)
    }
  }

  data(chunk: Buffer): void {
    this.#current?.data(chunk)
  }

  end(): void {
    this.closeCurrent()
  }

  async finish(): Promise<void> {
    await this.#links.createAll((rel, target) => this.#tree.symlink(rel, target))
  }

  #file(e: TarEntry): void {
    const rel = this.#policy.relative(e.name, e.type)
    this.stats.files++
    this.stats.bytes += e.size
    this.#current = this.#tree.openFile(rel, e.mode)
  }

  #directory(e: TarEntry): void {
    const rel = this.#policy.relative(e.name, e.type)
    if (rel === '') {
      if (e.mode) this.stats.topMode = e.mode & 0o777
      return
    }
    this.#tree.mkdir(rel, e.mode)
    this.stats.directories++
  }

  #symlink(e: TarEntry): void {
    const rel = this.#policy.relative(e.name, e.type)
    this.#policy.checkSymlink(e.name, rel, e.linkname)
    if (this.#links.has(rel) || this.#tree.exists(rel)) refuse(e.name, 'a symlink over another entry')
    this.#links.add(e.name, rel, e.linkname)
    this.stats.links++
  }

  #hardLink(e: TarEntry): void {
    const rel = this.#policy.relative(e.name, e.type)
    // Nothing but extracted files and folders exists in the staging folder yet (symlinks come last),
    // so a regular file there is one this archive wrote, complete and closed.
    const target = this.#policy.hardLinkTarget(e.name, e.linkname, (t) => this.#tree.isFile(t))
    this.#tree.hardLink(target, rel)
    this.stats.links++
  }
}
