/**
 * Writing an archive's entries into its staging folder, by their path below
 * the top-level folder (byte strings, joined with `/`). Files are created
 * with O_EXCL (`wx`: never through an existing file or link) and keep their
 * mode bits (umask applied, setuid/setgid dropped).
 *
 * Names reach the file system byte for byte on POSIX (Buffer paths); on
 * Windows, where Node passes UTF-16, as the UTF-8 they hold (the policy
 * refuses other names there). Folders are made one component at a time, and
 * a component that is already there must be a real folder (`lstat`): the
 * file system cannot lead a write through a link, whatever it takes for the
 * same name (case, normalisation).
 */
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { refuse, showName } from './entry-policy.ts'
import { bytesOf } from './names.ts'

const isWindows = process.platform === 'win32'

/**
 * Writes one regular file with synchronous calls on the JavaScript thread (the archive worker), each
 * chunk as it comes: measured faster than the thread pool's round trips for
 * the many small files of a repository (scripts/bench-tar.ts, BENCHMARKS.md),
 * gunzip keeps running in the pool meanwhile, and nothing is buffered, so
 * memory does not grow with the archive.
 */
export class FileWriter {
  #fd: number | undefined

  constructor(abs: fs.PathLike, mode: number) {
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
 * The file-system path of `rel` (a byte string, components joined with `/`)
 * below `root`: its bytes as they are on POSIX (a Buffer path); on Windows,
 * where Node passes UTF-16, the UTF-8 they hold, joined the Win32 way.
 */
export function stagingPath(root: string, rel: string, windows: boolean): string | Buffer {
  if (windows) return path.win32.join(root, ...bytesOf(rel).toString('utf8').split('/'))
  return Buffer.concat([Buffer.from(`${root}/`), bytesOf(rel)])
}

/** Folders known to exist, as a tree of ids (0: the root); bounded, so memory does not grow with the archive. */
class KnownDirs {
  readonly #ids = new Map<string, number>()
  #next = 1

  child(parent: number, component: string): number | undefined {
    return this.#ids.get(`${parent}/${component}`)
  }

  add(parent: number, component: string): number {
    if (this.#ids.size >= 4096) this.#ids.clear() // ids already handed out stay unique: #next goes on
    const id = this.#next++
    this.#ids.set(`${parent}/${component}`, id)
    return id
  }
}

/** Counts what the writing costs (a folder made, with the length of its path). */
export type WorkMeter = (pathBytes: number) => void

/** The staging folder being filled. */
export class StagingTree {
  readonly #root: string
  readonly #known = new KnownDirs()
  readonly #meter: WorkMeter

  constructor(root: string, meter: WorkMeter = () => {}) {
    this.#root = root
    this.#meter = meter
  }

  /** The file-system path of `rel` (components joined with `/`). */
  abs(rel: string): string | Buffer {
    return stagingPath(this.#root, rel, isWindows)
  }

  /** A new regular file (its folder made if needed), open for writing. */
  openFile(parts: readonly string[], mode: number, name: string): FileWriter {
    this.#ensureDir(parts, parts.length - 1, name)
    return new FileWriter(this.abs(parts.join('/')), mode & 0o777)
  }

  mkdir(parts: readonly string[], mode: number, name: string): void {
    this.#ensureDir(parts, parts.length, name, mode)
  }

  hardLink(target: readonly string[], parts: readonly string[], name: string): void {
    this.#ensureDir(parts, parts.length - 1, name)
    fs.linkSync(this.abs(target.join('/')), this.abs(parts.join('/')))
  }

  async symlink(parts: readonly string[], target: string, name: string): Promise<void> {
    this.#ensureDir(parts, parts.length - 1, name)
    // A string on Windows: Node turns its `/` into `\` there (a Buffer would be taken as it is).
    await fsp.symlink(isWindows ? bytesOf(target).toString('utf8') : bytesOf(target), this.abs(parts.join('/')))
  }

  /** Whether anything (a link included) is at `rel`. */
  exists(rel: string): boolean {
    try {
      fs.lstatSync(this.abs(rel))
      return true
    } catch {
      return false
    }
  }

  /** Whether a regular file (not a link to one) is at `rel`. */
  isFile(rel: string): boolean {
    try {
      return fs.lstatSync(this.abs(rel)).isFile()
    } catch {
      return false
    }
  }

  /** The entries of the folder at `parts`, names as byte strings, read as a stream (nothing held). */
  *list(parts: readonly string[]): Generator<{ name: string; isDirectory: boolean }> {
    // Node takes `encoding: 'buffer'` here (names as bytes), though its types say otherwise.
    const dir = fs.opendirSync(this.abs(parts.join('/')), { encoding: 'buffer' } as unknown as fs.OpenDirOptions)
    try {
      for (let d = dir.readSync(); d; d = dir.readSync()) {
        const raw = d.name as unknown as Buffer | string
        yield { name: typeof raw === 'string' ? raw : raw.toString('latin1'), isDirectory: d.isDirectory() }
      }
    } finally {
      dir.closeSync()
    }
  }

  /**
   * Makes the folder of the first `count` components of `parts`, one
   * component at a time; each one already there must be a real folder.
   */
  #ensureDir(parts: readonly string[], count: number, name: string, mode = 0o755): void {
    let id = 0
    let i = 0
    for (let next; i < count && (next = this.#known.child(id, parts[i]!)) !== undefined; i++) id = next
    for (; i < count; i++) {
      const rel = parts.slice(0, i + 1).join('/')
      const abs = this.abs(rel)
      try {
        fs.mkdirSync(abs, { mode: ((i === parts.length - 1 ? mode : 0o755) & 0o777) | 0o700 })
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
        const st = fs.lstatSync(abs)
        if (st.isSymbolicLink()) refuse(name, `its folder ${showName(rel)} is a symlink on disk`)
        if (!st.isDirectory()) throw err
      }
      this.#meter(rel.length)
      id = this.#known.add(id, parts[i]!)
    }
  }
}
