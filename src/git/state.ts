/**
 * What the main step added for `git-credentials`, handed to the post step
 * through `saveState`. The post step removes exactly this and nothing else.
 */
import path from 'node:path'

export const GIT_STATE_KEY = 'git-credentials'

/** Credential files are named like this (the post step deletes nothing else). */
export const CREDENTIAL_FILE = /^bitbucket-oauth-git-[0-9a-f-]{36}\.gitconfig$/
/** The job's global configuration files are named like this. */
export const GLOBAL_FILE = /^bitbucket-oauth-global-[0-9a-f-]{36}\.gitconfig$/

export interface GitCredentialsState {
  version: 2
  /** The credential file (an absolute path under RUNNER_TEMP). */
  file: string
  /** The job's global git configuration that GIT_CONFIG_GLOBAL names for later steps (beside `file`). */
  globalFile: string
  /** GIT_CONFIG_GLOBAL before this step set it; the post step sets it back. */
  previousGlobal?: string
}

export function serializeGitState(state: GitCredentialsState): string {
  return JSON.stringify(state)
}

/**
 * Parses the saved state; throws with a plain message when it is not what the
 * main step writes. `pathApi` is the runner's (path.win32 on Windows).
 */
export function parseGitState(raw: string, pathApi: path.PlatformPath = path): GitCredentialsState {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new Error('the saved state is not JSON')
  }
  const v = value as Partial<GitCredentialsState> | null
  if (!v || typeof v !== 'object' || v.version !== 2 || typeof v.file !== 'string' || typeof v.globalFile !== 'string')
    throw new Error('the saved state has an unknown shape')
  const ours = (file: string, name: RegExp) => pathApi.isAbsolute(file) && name.test(pathApi.basename(file))
  if (
    !ours(v.file, CREDENTIAL_FILE) ||
    !ours(v.globalFile, GLOBAL_FILE) ||
    pathApi.dirname(v.file) !== pathApi.dirname(v.globalFile)
  )
    throw new Error('the saved state names a file the action does not write')
  if (
    v.previousGlobal !== undefined &&
    (typeof v.previousGlobal !== 'string' || !pathApi.isAbsolute(v.previousGlobal) || /[\n\r]/.test(v.previousGlobal))
  )
    throw new Error('the saved state names no usable earlier GIT_CONFIG_GLOBAL')
  return { version: 2, file: v.file, globalFile: v.globalFile, previousGlobal: v.previousGlobal }
}
