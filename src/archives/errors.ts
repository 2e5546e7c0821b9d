/** Failures of the archives as messages that say what happened and what to do. */
import { ActionError, errorMessage } from '../shared/errors.ts'
import { UnsafeArchiveError } from './entry-policy.ts'
import { archiveLabel, type ArchiveSpec } from './spec.ts'
import { TarFormatError } from './tar-reader.ts'

/** An error's message for an error line: at most 300 characters (a path can be thousands). */
function short(err: unknown): string {
  const m = errorMessage(err)
  return m.length > 300 ? `${m.slice(0, 300)}…` : m
}

/** An extraction or file-system failure of one line (an ActionError passes as it is). */
export function explain(err: unknown, spec: ArchiveSpec, commit: string, relDest: string): unknown {
  const name = archiveLabel(spec)
  const untouched = `${relDest} was left as it was.`
  if (err instanceof UnsafeArchiveError) {
    return new ActionError(
      `Refused the archive of ${name} (commit ${commit.slice(0, 12)}): ${err.message}. Nothing was extracted; ${untouched}`,
    )
  }
  if (err instanceof ActionError) return err
  const code = (err as NodeJS.ErrnoException)?.code
  if (err instanceof TarFormatError) {
    return new ActionError(
      `The archive of ${name} is not a valid tar archive (${err.message}); ${untouched} Re-run the job; if it persists, download the archive by hand to check it.`,
    )
  }
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
    return new ActionError(
      `The archive of ${name} is not a valid gzip file (${short(err)}); ${untouched} Check \`bitbucket-url\` and any proxy that may rewrite answers.`,
    )
  }
  if (code === 'ENOSPC')
    return new ActionError(
      `The runner ran out of disk space while extracting ${name}; ${untouched} Free some space or fetch fewer archives.`,
    )
  if (code === 'EACCES' || code === 'EPERM') {
    return new ActionError(
      `Could not write ${name} into ${relDest}: ${short(err)}. Check the permissions of the folder.`,
    )
  }
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    return new ActionError(`The archive of ${name} has conflicting entries (${short(err)}); ${untouched}`)
  }
  return new ActionError(`Fetching ${name} into ${relDest} failed: ${short(err)}. ${untouched}`, {
    detail: String((err as Error)?.stack ?? err),
  })
}

/** The step's error when lines failed: the first line's failure, and how many more there were. */
export function linesFailed(failures: { spec: ArchiveSpec; err: unknown }[]): ActionError {
  const first = failures[0]!
  const more =
    failures.length > 1
      ? ` (${failures.length - 1} more line${failures.length > 2 ? 's' : ''} failed too; see the warnings)`
      : ''
  const message = `archives line ${first.spec.line}: ${errorMessage(first.err)}${more}`
  return first.err instanceof ActionError
    ? new ActionError(message, { cause: first.err })
    : new ActionError(message, { cause: first.err, detail: String((first.err as Error)?.stack ?? first.err) })
}
