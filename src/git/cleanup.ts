/**
 * The post step's half of `git-credentials`: deletes exactly what the main
 * step recorded (the credential file and the job's global git configuration)
 * and nothing else, and points GIT_CONFIG_GLOBAL back at what it named before
 * the main step, if anything (a second use of the action in the job). The
 * user's own git configuration was never touched, so there is nothing to
 * undo there. It never fails the job: every problem becomes a warning that
 * says what to check.
 */
import fs from 'node:fs'
import { GIT_STATE_KEY, parseGitState } from './state.ts'

export interface CleanupDeps {
  getState(name: string): string
  /** Sets a variable for the steps after this one (the post steps of earlier actions). */
  exportVariable(name: string, value: string): void
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
}

const HINT =
  'Check RUNNER_TEMP for bitbucket-oauth-git-*.gitconfig and bitbucket-oauth-global-*.gitconfig files and delete them.'

/** Deletes `file`; a problem is added to `problems` (a file already gone is none). */
function remove(file: string, what: string, deps: CleanupDeps, problems: string[]): void {
  try {
    fs.unlinkSync(file)
    deps.debug(`git-credentials: deleted ${what} ${file}`)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') deps.debug(`git-credentials: ${what} ${file} is already gone`)
    else problems.push(`could not delete ${what} ${file} (${code ?? (err as Error).message}); delete it by hand`)
  }
}

export async function cleanupGitCredentials(deps: CleanupDeps): Promise<void> {
  const raw = deps.getState(GIT_STATE_KEY)
  if (!raw) {
    deps.debug('No git credentials to remove.')
    return
  }
  let state
  try {
    state = parseGitState(raw)
  } catch (err) {
    deps.warning(`Could not remove the git credentials: ${(err as Error).message}. ${HINT}`)
    return
  }

  const problems: string[] = []
  // The secret first: without it the job's configuration is harmless (git skips a missing include).
  remove(state.file, 'the credential file', deps, problems)
  remove(state.globalFile, "the job's git configuration", deps, problems)
  if (state.previousGlobal !== undefined) {
    deps.exportVariable('GIT_CONFIG_GLOBAL', state.previousGlobal)
    deps.debug(`git-credentials: GIT_CONFIG_GLOBAL names ${state.previousGlobal} again, as before the main step`)
  }

  if (problems.length) deps.warning(`Git credentials cleanup: ${problems.join('; ')}. ${HINT}`)
  else deps.info('Removed the git credentials that this action set up for later steps.')
}
