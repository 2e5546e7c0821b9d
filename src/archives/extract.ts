/**
 * Safe extraction of a `.tar.gz` stream into a fresh staging folder, and the
 * atomic swap of that folder into DEST.
 *
 * Refused: absolute names, `..` components, entries outside the single
 * top-level folder, symlinks whose target (followed through the archive's
 * other symlinks) leaves the tree, hard links to anything but a file
 * extracted before, entries below a symlink, device files and fifos.
 * Symlinks are created last, after every file is written, so nothing is ever
 * written through a link; a hard link is made at once, to a regular file this
 * archive wrote. Files are created with O_EXCL (`wx`) and keep their mode bits
 * (umask applied, setuid/setgid dropped). Writes are synchronous, chunk by
 * chunk, with nothing buffered: memory does not depend on the archive.
 *
 * The staging folder lives next to DEST (same file system), so the swap is a
 * rename; on failure it is removed and DEST is left as it was.
 */
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream'
import zlib from 'node:zlib'
import { ActionError } from '../shared/errors.ts'
import { TarParser, TarFormatError, type TarEntry } from './tar-reader.ts'

/** An archive that breaks the rules above. Never retried. */
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

export interface ExtractStats {
  files: number
  directories: number
  links: number
  /** Bytes of file data written. */
  bytes: number
  /** Mode of the top-level folder (becomes DEST's). */
  topMode: number
}

const isWindows = process.platform === 'win32'

function components(name: string): string[] | 'absolute' | 'dotdot' {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.startsWith('\\')) return 'absolute'
  const parts = name.split(isWindows ? /[\\/]+/ : /\/+/).filter((c) => c !== '' && c !== '.')
  if (parts.includes('..')) return 'dotdot'
  return parts
}

interface PendingLink {
  rel: string
  target: string
  name: string
}

/**
 * Extracts the gzip-compressed tar `source` into the empty folder `dir`,
 * stripping the single top-level folder. Rejects (and stops reading) on the
 * first unsafe entry; the caller removes `dir`.
 */
export async function extractTarGz(source: Readable, dir: string): Promise<ExtractStats> {
  const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 })
  const stream = pipeline(source, gunzip, () => {})
  const x = new Extractor(dir)
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

class Extractor {
  readonly #root: string
  readonly stats: ExtractStats = { files: 0, directories: 0, links: 0, bytes: 0, topMode: 0o755 }
  #top: string | undefined
  readonly #dirs = new Set<string>()
  readonly #symlinks = new Map<string, string>()
  readonly #pendingSymlinks: PendingLink[] = []
  #current: FileWriter | undefined

  constructor(root: string) {
    this.#root = root
    this.#dirs.add(root)
  }

  /** Closes the file being written when extraction stops half-way. */
  closeCurrent(): void {
    this.#current?.close()
    this.#current = undefined
  }

  refuse(name: string, why: string): never {
    throw new UnsafeArchiveError(`the archive has an unsafe entry ${showName(name)}: ${why}`)
  }

  /** The entry's path below the top-level folder ('' for the folder itself). */
  #relative(name: string, type: TarEntry['type']): string {
    const parts = components(name)
    if (parts === 'absolute') this.refuse(name, 'an absolute path')
    if (parts === 'dotdot') this.refuse(name, 'a ".." path component (it would land outside DEST)')
    if (parts.length === 0) this.refuse(name, 'an empty name')
    if (this.#top === undefined) this.#top = parts[0]
    if (parts[0] !== this.#top || (parts.length === 1 && type !== 'directory')) {
      throw new UnsafeArchiveError(
        `the archive does not hold a single top-level folder (${showName(this.#top!)} and ${showName(name)}); a Bitbucket archive always does, so this is not one.`,
      )
    }
    const rel = parts.slice(1).join('/')
    if (this.#symlinks.size) {
      for (let i = 1; i < parts.length - 1; i++) {
        const prefix = parts.slice(1, i + 1).join('/')
        if (this.#symlinks.has(prefix)) this.refuse(name, `it lies below the symlink ${showName(prefix)}`)
      }
      if (this.#symlinks.has(rel)) this.refuse(name, 'a second entry for a symlink')
    }
    return rel
  }

  #abs(rel: string): string {
    return isWindows ? path.join(this.#root, ...rel.split('/')) : `${this.#root}/${rel}`
  }

  #ensureParent(abs: string): void {
    const parent = path.dirname(abs)
    if (this.#dirs.has(parent)) return
    fs.mkdirSync(parent, { recursive: true })
    this.#remember(parent)
  }

  /** Folders known to exist; bounded, so memory does not grow with the archive (mkdir is cheap to repeat). */
  #remember(dir: string): void {
    if (this.#dirs.size >= 4096) {
      this.#dirs.clear()
      this.#dirs.add(this.#root)
    }
    this.#dirs.add(dir)
  }

  entry(e: TarEntry): void {
    switch (e.type) {
      case 'file': {
        const rel = this.#relative(e.name, e.type)
        const abs = this.#abs(rel)
        this.#ensureParent(abs)
        this.stats.files++
        this.stats.bytes += e.size
        this.#current = new FileWriter(abs, e.mode & 0o777)
        return
      }
      case 'directory': {
        const rel = this.#relative(e.name, e.type)
        if (rel === '') {
          if (e.mode) this.stats.topMode = e.mode & 0o777
          return
        }
        const abs = this.#abs(rel)
        if (!this.#dirs.has(abs)) {
          fs.mkdirSync(abs, { recursive: true, mode: (e.mode & 0o777) | 0o700 })
          this.#remember(abs)
        }
        this.stats.directories++
        return
      }
      case 'symlink': {
        const rel = this.#relative(e.name, e.type)
        if (rel === '') this.refuse(e.name, 'the top-level folder is a symlink')
        const target = e.linkname
        if (target === '' || target.includes('\0')) this.refuse(e.name, 'a symlink with an empty or invalid target')
        if (target.startsWith('/') || /^[A-Za-z]:/.test(target) || target.startsWith('\\')) {
          this.refuse(e.name, `a symlink to the absolute path ${showName(target)}`)
        }
        if (this.#symlinks.has(rel) || exists(this.#abs(rel))) this.refuse(e.name, 'a symlink over another entry')
        this.#symlinks.set(rel, target)
        if (resolveLink(this.#symlinks, rel) !== 'inside')
          this.refuse(e.name, `a symlink to ${showName(target)}, outside the archive's folder`)
        this.#pendingSymlinks.push({ rel, target, name: e.name })
        this.stats.links++
        return
      }
      case 'hardlink': {
        const rel = this.#relative(e.name, e.type)
        const parts = components(e.linkname)
        if (parts === 'absolute' || parts === 'dotdot' || parts[0] !== this.#top) {
          this.refuse(e.name, `a hard link to ${showName(e.linkname)}, outside the archive's folder`)
        }
        const target = parts.slice(1).join('/')
        // Nothing but extracted files and folders exists in the staging folder yet (symlinks come last),
        // so a regular file there is one this archive wrote, complete and closed.
        const targetAbs = this.#abs(target)
        if (
          target === '' ||
          this.#symlinks.has(target) ||
          parts.slice(1, -1).some((_, i) => this.#symlinks.has(parts.slice(1, i + 2).join('/'))) ||
          !isFile(targetAbs)
        ) {
          this.refuse(e.name, `a hard link to ${showName(e.linkname)}, which is not a file extracted before it`)
        }
        const abs = this.#abs(rel)
        this.#ensureParent(abs)
        fs.linkSync(targetAbs, abs)
        this.stats.links++
        return
      }
      case 'char-device':
      case 'block-device':
        this.refuse(e.name, 'a device file')
        break
      case 'fifo':
        this.refuse(e.name, 'a fifo (named pipe)')
        break
      default:
        this.refuse(e.name, `an unsupported entry type ${JSON.stringify(e.flag)}`)
    }
  }

  data(chunk: Buffer): void {
    this.#current?.data(chunk)
  }

  end(): void {
    this.closeCurrent()
  }

  async finish(): Promise<void> {
    // Every link is checked again against the whole set: a chain may leave the tree only once complete.
    for (const link of this.#pendingSymlinks) {
      const where = resolveLink(this.#symlinks, link.rel)
      if (where !== 'inside')
        this.refuse(
          link.name,
          where === 'loop'
            ? 'a symlink loop'
            : `a symlink to ${showName(link.target)}, which leads outside the archive's folder through other symlinks`,
        )
    }
    for (const link of this.#pendingSymlinks) {
      const abs = this.#abs(link.rel)
      this.#ensureParent(abs)
      await fsp.symlink(link.target, abs)
    }
  }
}

function exists(abs: string): boolean {
  try {
    fs.lstatSync(abs)
    return true
  } catch {
    return false
  }
}

function isFile(abs: string): boolean {
  try {
    return fs.lstatSync(abs).isFile()
  } catch {
    return false
  }
}

/**
 * Writes one regular file with synchronous calls on the JavaScript thread (the archive worker), each
 * chunk as it comes: measured faster than the thread pool's round trips for
 * the many small files of a repository (scripts/bench-tar.ts, BENCHMARKS.md),
 * gunzip keeps running in the pool meanwhile, and nothing is buffered, so
 * memory does not grow with the archive. `wx`: never through an existing
 * file or link.
 */
class FileWriter {
  #fd: number | undefined

  constructor(abs: string, mode: number) {
    this.#fd = fs.openSync(abs, 'wx', mode)
  }

  data(chunk: Buffer): void {
    let off = 0
    while (off < chunk.length) off += fs.writeSync(this.#fd!, chunk, off)
  }

  close(): void {
    if (this.#fd === undefined) return
    const fd = this.#fd
    this.#fd = undefined
    fs.closeSync(fd)
  }
}

/**
 * Where the symlink at `rel` leads, following the archive's other symlinks
 * (in memory: they are created only at the end): 'inside' the tree, 'outside',
 * or a 'loop'.
 */
export function resolveLink(links: Map<string, string>, rel: string): 'inside' | 'outside' | 'loop' {
  const cur = rel.split('/').slice(0, -1)
  let queue = links.get(rel)!.split(/\/+/)
  let hops = 0
  while (queue.length) {
    const c = queue.shift()!
    if (c === '' || c === '.') continue
    if (c === '..') {
      if (cur.length === 0) return 'outside'
      cur.pop()
      continue
    }
    cur.push(c)
    const target = links.get(cur.join('/'))
    if (target !== undefined) {
      if (++hops > 40) return 'loop'
      if (target.startsWith('/')) return 'outside'
      cur.pop()
      queue = [...target.split(/\/+/), ...queue]
    }
  }
  return 'inside'
}

/** Whether a failure of extraction may go away on a new download (a cut-off stream). */
export function isTruncation(err: unknown): boolean {
  if (err instanceof TarFormatError) return err.code === 'TRUNCATED'
  const code = (err as { code?: unknown })?.code
  return code === 'Z_BUF_ERROR'
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

let umaskCache: number | undefined
function umask(): number {
  umaskCache ??= process.umask()
  return umaskCache
}

/**
 * DEST and its staging folders. `open` creates DEST's parent (inside the
 * workspace, symlinks resolved); `staging()` gives a fresh empty folder next
 * to DEST (dropping the previous one); `commit()` swaps it in; `abort()`
 * removes whatever is left, DEST untouched.
 */
export class Destination {
  readonly dest: string
  readonly #parent: string
  readonly #created: string | undefined
  #staging: string | undefined

  private constructor(dest: string, parent: string, created: string | undefined) {
    this.dest = dest
    this.#parent = parent
    this.#created = created
  }

  static async open(dest: string, workspace: string): Promise<Destination> {
    const parent = path.dirname(dest)
    const created = await fsp.mkdir(parent, { recursive: true })
    const realWorkspace = await fsp.realpath(workspace)
    const realParent = await fsp.realpath(parent)
    if (!isInside(realWorkspace, realParent)) {
      await removeEmptyParents(parent, created)
      throw new ActionError(
        `DEST ${dest} lies inside the workspace by name, but ${parent} is a symlink that leads outside it (${realParent}); name a folder that is really inside the workspace.`,
      )
    }
    return new Destination(dest, parent, created)
  }

  async staging(): Promise<string> {
    await this.#dropStaging()
    // Again: a failed sibling line may have removed a parent this one shares.
    await fsp.mkdir(this.#parent, { recursive: true })
    this.#staging = await fsp.mkdtemp(path.join(this.#parent, `.${path.basename(this.dest)}.partial-`))
    return this.#staging
  }

  /** Swaps the staging folder in for DEST (replacing an existing DEST as a whole). */
  async commit(topMode = 0o755): Promise<void> {
    const staging = this.#staging
    if (!staging) throw new Error('nothing staged')
    await fsp.chmod(staging, (topMode & 0o777 & ~umask()) | 0o700)
    let old: string | undefined
    try {
      await fsp.lstat(this.dest)
      old = path.join(this.#parent, `.${path.basename(this.dest)}.old-${process.pid}-${Date.now().toString(36)}`)
      await fsp.rename(this.dest, old)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    try {
      await fsp.rename(staging, this.dest)
    } catch (err) {
      if (old) await fsp.rename(old, this.dest).catch(() => {})
      throw err
    }
    this.#staging = undefined
    if (old) await fsp.rm(old, { recursive: true, force: true })
  }

  async abort(): Promise<void> {
    await this.#dropStaging()
    await removeEmptyParents(this.#parent, this.#created)
  }

  async #dropStaging(): Promise<void> {
    if (!this.#staging) return
    await fsp.rm(this.#staging, { recursive: true, force: true, maxRetries: 3 })
    this.#staging = undefined
  }
}

/** Removes the folders `mkdir -p` created (from `dir` up to `created`), while empty. */
async function removeEmptyParents(dir: string, created: string | undefined): Promise<void> {
  if (!created) return
  let cur = dir
  for (;;) {
    try {
      await fsp.rmdir(cur)
    } catch {
      return
    }
    if (cur === created || !isInside(created, cur)) return
    cur = path.dirname(cur)
  }
}
