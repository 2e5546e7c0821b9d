/**
 * The post step's half of `package-managers`: deletes the files the main step
 * recorded. It never fails the job: a problem becomes a warning that names
 * the file to delete by hand.
 */
import fs from 'node:fs'
import { PACKAGE_MANAGERS_STATE_KEY, parsePackageManagersState } from './state.ts'

export interface PackageManagersCleanupDeps {
  getState(name: string): string
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
}

export function cleanupPackageManagers(deps: PackageManagersCleanupDeps): void {
  const raw = deps.getState(PACKAGE_MANAGERS_STATE_KEY)
  if (!raw) {
    deps.debug('No package manager files to remove.')
    return
  }
  let state
  try {
    state = parsePackageManagersState(raw)
  } catch (err) {
    deps.warning(
      `Could not remove the package manager files: ${(err as Error).message}. Check RUNNER_TEMP for bitbucket-oauth-npm-*.npmrc files and delete them.`,
    )
    return
  }
  const problems: string[] = []
  for (const file of state.files) {
    try {
      fs.unlinkSync(file)
      deps.debug(`package-managers: deleted ${file}`)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') deps.debug(`package-managers: ${file} is already gone`)
      else problems.push(`could not delete ${file} (${code ?? (err as Error).message}); delete it by hand`)
    }
  }
  if (problems.length) deps.warning(`Package manager cleanup: ${problems.join('; ')}.`)
  else if (state.files.length)
    deps.info('Removed the package manager configuration that this action wrote for later steps.')
}
