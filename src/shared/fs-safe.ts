/** Files that hold a secret: created fresh (never through a symlink or over an existing file), mode 0600. */
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

/** The real path of `p` when it exists, else `p` resolved. */
function real(p: string): string {
  try {
    return fs.realpathSync(p)
  } catch {
    return path.resolve(p)
  }
}

/** Whether `child` lies inside (or is) directory `parent`, symlinks resolved. */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(real(parent), real(child))
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}
