/**
 * The post step's half of `git-credentials`: removes exactly what the main
 * step recorded (the `include.path` line, the credential file, a global config
 * file it created and left empty) and nothing else. It never fails the job:
 * every problem becomes a warning that says what to check.
 */
import fs from 'node:fs'
import { GitNotFoundError, describeGitFailure, type GitRunner } from './runner.ts'
import { GIT_STATE_KEY, parseGitState } from './state.ts'

export interface CleanupDeps {
  getState(name: string): string
  git: GitRunner
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
}

const HINT =
  'Check the global git configuration (~/.gitconfig) for an include.path naming a bitbucket-oauth-git-*.gitconfig file, and RUNNER_TEMP for such files.'

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
  // The secret first: without the file the include line is harmless (git skips missing includes).
  try {
    fs.unlinkSync(state.file)
    deps.debug(`git-credentials: deleted ${state.file}`)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') deps.debug(`git-credentials: ${state.file} is already gone`)
    else
      problems.push(
        `could not delete the credential file ${state.file} (${code ?? (err as Error).message}); delete it by hand`,
      )
  }

  const where = state.configFile ? ['--file', state.configFile] : ['--global']
  if (!state.included) {
    deps.debug('git-credentials: the main step added no include line')
  } else if (state.configFile && !fs.existsSync(state.configFile)) {
    deps.debug(`git-credentials: ${state.configFile} is gone; no include line to remove`)
  } else {
    const args = ['config', ...where, '--fixed-value', '--unset-all', 'include.path', state.file]
    try {
      const result = await deps.git(args)
      if (result.code === 0)
        deps.debug(
          `git-credentials: removed include.path ${state.file} from ${state.configFile ?? 'the global git configuration'}`,
        )
      else if (result.code === 5) deps.debug('git-credentials: the include line was already gone')
      else problems.push(`could not remove the include line: ${describeGitFailure(args, result)}`)
    } catch (err) {
      problems.push(
        err instanceof GitNotFoundError
          ? 'git is no longer on PATH, so the include line stays (it names a deleted file)'
          : `could not run git: ${(err as Error).message}`,
      )
    }
    if (state.createdConfig && state.configFile) removeIfEmpty(state.configFile, deps, problems)
  }

  if (problems.length) deps.warning(`Git credentials cleanup: ${problems.join('; ')}. ${HINT}`)
  else deps.info('Removed the git credentials that this action set up for later steps.')
}

/** The action created this config file; once only whitespace remains, it goes too. */
function removeIfEmpty(file: string, deps: CleanupDeps, problems: string[]): void {
  try {
    if (fs.readFileSync(file, 'utf8').trim() !== '') return
    fs.unlinkSync(file)
    deps.debug(`git-credentials: deleted the empty ${file} that the main step had created`)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      problems.push(`could not tidy ${file} (${(err as Error).message})`)
  }
}
