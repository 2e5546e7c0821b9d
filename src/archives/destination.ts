/**
 * DEST and its staging folders. The staging folder lives next to DEST (same
 * file system), so the swap is a rename; on failure it is removed and DEST
 * is left as it was.
 */
import fsp from 'node:fs/promises'
import path from 'node:path'
import { ActionError } from '../shared/errors.ts'
import { isInside } from '../shared/fs-safe.ts'

let umaskCache: number | undefined
function umask(): number {
  umaskCache ??= process.umask()
  return umaskCache
}

/**
 * `open` creates DEST's parent (inside the workspace, symlinks resolved);
 * `staging()` gives a fresh empty folder next to DEST (dropping the previous
 * one); `commit()` swaps it in; `abort()` removes whatever is left, DEST
 * untouched.
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
    if (!isInside(realParent, realWorkspace)) {
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
    if (cur === created || !isInside(cur, created)) return
    cur = path.dirname(cur)
  }
}
