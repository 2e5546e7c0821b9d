/**
 * Path rules of the runner's OS, for checks that must hold on Windows and
 * macOS as well and are tested on Linux too: `path.win32` on Windows, and
 * names compared case-insensitively (and after Unicode normalisation) where
 * the usual file systems do so (NTFS; APFS as macOS formats it).
 */
import path from 'node:path'

export function pathApiOf(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix
}

/** Whether `a` and `b` name one file on the usual file systems of `platform` (NTFS, APFS: case-insensitive). */
export function caseInsensitiveFs(platform: NodeJS.Platform): boolean {
  return platform === 'win32' || platform === 'darwin'
}

/** A path as the file system compares it: NFC, and lower case where it ignores case. */
export function fsKey(p: string, platform: NodeJS.Platform): string {
  const nfc = p.normalize('NFC')
  return caseInsensitiveFs(platform) ? nfc.toLowerCase() : nfc
}

/**
 * Whether `child` is `parent` or lies below it, by the rules of `platform`:
 * `C:\Work\x` is inside `c:\work` on Windows, `/Users/Runner/work/x` inside
 * `/users/runner/work` on macOS. Pass real paths where symlinks matter.
 */
export function isInsideOn(platform: NodeJS.Platform, child: string, parent: string): boolean {
  const api = pathApiOf(platform)
  const rel = api.relative(fsKey(api.resolve(parent), platform), fsKey(api.resolve(child), platform))
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${api.sep}`) && !api.isAbsolute(rel))
}
