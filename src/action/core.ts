/** The real @actions/core behind the ActionCore interface. */
import * as core from '@actions/core'
import type { ActionCore } from './run.ts'

export const actionsCore: ActionCore = {
  getInput: (name) => core.getInput(name),
  setOutput: core.setOutput,
  exportVariable: core.exportVariable,
  saveState: core.saveState,
  info: core.info,
  warning: core.warning,
  debug: core.debug,
  async appendSummary(markdown) {
    if (!process.env.GITHUB_STEP_SUMMARY) return
    await core.summary.addRaw(markdown, true).write()
  },
}
