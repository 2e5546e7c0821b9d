/**
 * Member names and link targets as the runner's file system will take them.
 *
 * Names are byte strings: one char per byte (latin1), as the tar reader
 * hands them over, so that a name that is not UTF-8 is written byte for byte
 * (as GNU tar does) where the OS allows it. Comparisons that the file system
 * may make loosely (case, Unicode normalisation) use `fold`; what the OS
 * refuses or rewrites (Windows: `\`, `<>:"|?*`, trailing dots and spaces,
 * device names) is told by `FsRules`, so that the Windows and macOS logic
 * runs in the unit tests on any OS.
 */
import { isUtf8 } from 'node:buffer'
import { isDotGitText } from '../shared/dest-rules.ts'

/** The longest member path or link target accepted, in bytes (Linux's PATH_MAX). */
export const MAX_PATH_BYTES = 4096

/** What the runner's file system does with names. */
export interface FsRules {
  /** Win32: `\` separates too, some names and characters are refused or rewritten by the OS. */
  windows: boolean
  /** Names that differ only in case or Unicode normalisation are one file (APFS, NTFS). */
  caseInsensitive: boolean
  /** File names must be UTF-8 (APFS refuses other bytes; Node passes UTF-16 to Windows). */
  utf8Only: boolean
}

export function fsRules(platform: NodeJS.Platform): FsRules {
  const windows = platform === 'win32'
  const darwin = platform === 'darwin'
  return { windows, caseInsensitive: windows || darwin, utf8Only: windows || darwin }
}

/** The rules of the OS this runs on. */
export const HOST_RULES: FsRules = fsRules(process.platform)

/** The bytes of a byte string. */
export function bytesOf(s: string): Buffer {
  return Buffer.from(s, 'latin1')
}

/** A byte string holding UTF-8 (or plain ASCII). */
export function isUtf8Name(s: string): boolean {
  // eslint-disable-next-line no-control-regex -- the ASCII range as a fast path
  return /^[\x00-\x7f]*$/.test(s) || isUtf8(bytesOf(s))
}

/** A byte string as text: UTF-8 decoded when it is UTF-8, else every byte above 0x7f as `\xNN`. */
export function nameText(s: string): string {
  if (isUtf8Name(s)) return bytesOf(s).toString('utf8')
  return s.replace(/[\x80-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`)
}

/**
 * A path component as a case-insensitive file system compares it: NFC, then
 * case folded (upper then lower case, so that `ſ`, `K` and `ß` meet their
 * ASCII look-alikes). Folding more than a file system does only refuses more.
 */
export function fold(component: string): string {
  // eslint-disable-next-line no-control-regex -- the ASCII range as a fast path
  if (/^[\x00-\x7f]*$/.test(component)) return component.toLowerCase()
  return nameText(component).normalize('NFC').toUpperCase().toLowerCase()
}

/** `isDotGitText` (shared/dest-rules.ts) for a component of a member name (a byte string). */
export function isDotGit(component: string): boolean {
  return /g/i.test(component) && isDotGitText(nameText(component))
}

// eslint-disable-next-line no-control-regex -- control characters are what Windows refuses
const WINDOWS_CHARS = /[<>:"|?*\x00-\x1f]/
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i

/** Why Windows cannot hold the path component `c` as it is, or undefined. */
export function windowsProblem(c: string): string | undefined {
  if (WINDOWS_CHARS.test(c)) return 'a character that Windows does not allow in names (<>:"|?* or a control character)'
  if (/[. ]$/.test(c)) return 'a name ending in a dot or a space, which Windows drops'
  if (WINDOWS_DEVICE.test(nameText(c).replace(/[ .]+$/, ''))) return 'a Windows device name (CON, NUL, COM1, …)'
  return undefined
}
