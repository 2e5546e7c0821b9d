/** Git credentials for later steps. */
import { ActionError } from './errors.ts'
import type { StepContext } from './run.ts'

export async function setupGitCredentials(_ctx: StepContext): Promise<void> {
  throw new ActionError('git-credentials is not implemented yet.')
}
