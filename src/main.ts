/**
 * Composition root of the main step: wires the real dependencies and reports
 * the one failure. Importing it does nothing; `index.ts` (the bundle's entry)
 * calls `run()`, and so does `@github/local-action`.
 *
 * Only the token path is loaded up front: saving a secret, archives, downloads
 * and git credentials are imported when a run needs them (separate chunks in dist/).
 */
import './net/quiet-warnings.ts'
import * as core from '@actions/core'
import { actionsCore } from './action/core.ts'
import { ACTION_WORDING } from './action/wording.ts'
import { runStep, type RunDeps } from './action/run.ts'
import { PROVIDERS } from './bitbucket/providers.ts'
import { HttpClient } from './net/http.ts'
import { tuningFromEnv } from './net/tuning.ts'
import { ActionError } from './shared/errors.ts'
import { Masker } from './shared/mask.ts'

export async function run(): Promise<void> {
  const masker = new Masker(core.setSecret)
  const http = new HttpClient({
    ...tuningFromEnv(process.env),
    wording: ACTION_WORDING,
    debug: (m) => core.debug(masker.redact(m)),
  })
  const deps: RunDeps = {
    core: actionsCore(process.env.GITHUB_STEP_SUMMARY),
    masker,
    env: process.env,
    providers: PROVIDERS,
    http,
    saveSecret: async (...args) => (await import('./github/secrets.ts')).saveSecret(...args),
    fetchArchives: async (ctx) => (await import('./archives/index.ts')).fetchArchives(ctx),
    fetchDownloads: async (ctx) => (await import('./downloads/index.ts')).fetchDownloads(ctx),
    setupGitCredentials: async (ctx) => (await import('./git/credentials.ts')).setupGitCredentials(ctx),
    setupPackageManagers: async (ctx) => (await import('./package-managers/index.ts')).setupPackageManagers(ctx),
  }
  try {
    await runStep(deps)
  } catch (err) {
    if (!(err instanceof ActionError)) core.debug(masker.redact(String((err as Error)?.stack ?? err)))
    else if (err.detail) core.debug(masker.redact(err.detail))
    core.setFailed(masker.redact(err instanceof Error ? err.message : String(err)))
  } finally {
    await http.close().catch(() => {})
  }
}
