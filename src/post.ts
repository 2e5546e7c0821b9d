/** Entry point of the post step: removes what the main step left on the runner. Failures are warnings. */
import * as core from '@actions/core'
import { cleanupGitCredentials } from './git/cleanup.ts'
import { cleanupPackageManagers } from './package-managers/cleanup.ts'

try {
  await cleanupGitCredentials({
    getState: core.getState,
    exportVariable: core.exportVariable,
    info: core.info,
    warning: core.warning,
    debug: core.debug,
  })
} catch (err) {
  core.warning(`Cleanup failed: ${err instanceof Error ? err.message : String(err)}`)
}

try {
  cleanupPackageManagers({ getState: core.getState, info: core.info, warning: core.warning, debug: core.debug })
} catch (err) {
  core.warning(`Package manager cleanup failed: ${err instanceof Error ? err.message : String(err)}`)
}
