/**
 * Files that hold a secret: created fresh (never through a symlink or over an
 * existing file), mode 0600. And whether a path lies inside a folder.
 */
import fs from 'node:fs'
import path from 'node:path'

/** Creates `file` with `content`, readable by the owner only; fails if anything (even a symlink) is already there. */
export function writeSecretFile(file: string, content: string): void {
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants
  const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_EXCL | (O_NOFOLLOW ?? 0), 0o600)
  try {
    fs.fchmodSync(fd, 0o600)
    fs.writeFileSync(fd, content)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * The real path of `p`: symlinks resolved in the part of it that exists, the
 * missing rest kept as named (macOS's temporary folders lie below the symlink
 * `/var` → `/private/var`, so a folder not created yet must resolve through it
 * too). `paths` (path.win32) judges Windows paths on another OS, where none
 * of them exists.
 */
export function realPath(p: string, paths: path.PlatformPath = path): string {
  const tail: string[] = []
  for (let head = paths.resolve(p); ;) {
    try {
      return paths.join(fs.realpathSync(head), ...tail)
    } catch {
      const parent = paths.dirname(head)
      if (parent === head) return paths.resolve(p)
      tail.unshift(paths.basename(head))
      head = parent
    }
  }
}

/**
 * Whether `child` is `parent` or lies below it, by name (a folder named
 * `..x` is inside). Pass real paths (realPath) where symlinks matter, and
 * `paths` (path.win32) to judge Windows paths on another OS.
 */
export function isInside(child: string, parent: string, paths: path.PlatformPath = path): boolean {
  const rel = paths.relative(parent, child)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${paths.sep}`) && !paths.isAbsolute(rel))
}
