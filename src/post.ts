/** Entry point of the post step: removes what the main step left on the runner. Failures are warnings. */
import * as core from '@actions/core'

try {
  core.debug('post: nothing to clean up')
} catch (err) {
  core.warning(`Cleanup failed: ${err instanceof Error ? err.message : String(err)}`)
}
