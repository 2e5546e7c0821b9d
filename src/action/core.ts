/** The real @actions/core behind the ActionCore interface. */
import * as core from '@actions/core'
import type { ActionCore } from './run.ts'

/** `summaryFile`: the runner's GITHUB_STEP_SUMMARY; without one, the summary is skipped. */
export function actionsCore(summaryFile: string | undefined): ActionCore {
  return {
    getInput: (name) => core.getInput(name),
    setOutput: core.setOutput,
    exportVariable: core.exportVariable,
    saveState: core.saveState,
    info: core.info,
    warning: core.warning,
    debug: core.debug,
    async appendSummary(markdown) {
      if (!summaryFile) return
      await core.summary.addRaw(markdown, true).write()
    },
  }
}
