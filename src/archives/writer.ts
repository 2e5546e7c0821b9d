/**
 * Writing an archive's entries into its staging folder, by their path below
 * the top-level folder. Files are created with O_EXCL (`wx`: never through an
 * existing file or link) and keep their mode bits (umask applied,
 * setuid/setgid dropped).
 */
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'

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

/** The staging folder being filled. Folders are made on demand and remembered (a bounded set). */
export class StagingTree {
  readonly #root: string
  readonly #dirs = new Set<string>()

  constructor(root: string) {
    this.#root = root
    this.#dirs.add(root)
  }

  abs(rel: string): string {
    return isWindows ? path.join(this.#root, ...rel.split('/')) : `${this.#root}/${rel}`
  }

  /** A new regular file (its folder made if needed), open for writing. */
  openFile(rel: string, mode: number): FileWriter {
    const abs = this.abs(rel)
    this.#ensureParent(abs)
    return new FileWriter(abs, mode & 0o777)
  }

  mkdir(rel: string, mode: number): void {
    const abs = this.abs(rel)
    if (this.#dirs.has(abs)) return
    fs.mkdirSync(abs, { recursive: true, mode: (mode & 0o777) | 0o700 })
    this.#remember(abs)
  }

  hardLink(targetRel: string, rel: string): void {
    const abs = this.abs(rel)
    this.#ensureParent(abs)
    fs.linkSync(this.abs(targetRel), abs)
  }

  async symlink(rel: string, target: string): Promise<void> {
    const abs = this.abs(rel)
    this.#ensureParent(abs)
    await fsp.symlink(target, abs)
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
}
