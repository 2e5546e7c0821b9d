/** Downloads and extracts the `archives` input. */
import { ActionError } from '../errors.ts'
import type { ArchiveResult, StepContext } from '../run.ts'

export async function fetchArchives(_ctx: StepContext): Promise<ArchiveResult[]> {
  throw new ActionError('Downloading archives is not implemented yet.')
}
