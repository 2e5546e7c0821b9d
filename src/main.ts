/** The main step: wires the real dependencies and reports the one failure. Importing it does nothing; src/index.ts calls run(). */
import './quiet-warnings.ts'
import * as core from '@actions/core'
import { actionsCore } from './core.ts'
import { ActionError } from './errors.ts'
import { HttpClient } from './http.ts'
import { Masker } from './mask.ts'
import { run as runAction } from './run.ts'
import { tuningFromEnv } from './tuning.ts'
import { saveSecret } from './github-secrets.ts'
import { fetchArchives } from './archives/index.ts'
import { setupGitCredentials } from './git-auth.ts'

export async function run(): Promise<void> {
  const masker = new Masker(core.setSecret)
  const http = new HttpClient({ ...tuningFromEnv(process.env), debug: (m) => core.debug(masker.redact(m)) })
  try {
    await runAction({ core: actionsCore, masker, env: process.env, http, saveSecret, fetchArchives, setupGitCredentials })
  } catch (err) {
    if (!(err instanceof ActionError)) core.debug(masker.redact(String((err as Error)?.stack ?? err)))
    else if (err.detail) core.debug(masker.redact(err.detail))
    core.setFailed(masker.redact(err instanceof Error ? err.message : String(err)))
  } finally {
    await http.close().catch(() => {})
  }
}
