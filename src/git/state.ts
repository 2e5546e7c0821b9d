/**
 * What the main step added for `git-credentials`, handed to the post step
 * through `saveState`. The post step removes exactly this and nothing else.
 */
import path from 'node:path'

export const GIT_STATE_KEY = 'git-credentials'

/** Credential files are named like this (the post step deletes nothing else). */
export const CREDENTIAL_FILE = /^bitbucket-oauth-git-[0-9a-f-]{36}\.gitconfig$/

export interface GitCredentialsState {
  version: 1
  /** The credential file (an absolute path under RUNNER_TEMP). */
  file: string
  /** `include.path = <file>` was added to the global git configuration. */
  included?: boolean
  /** The git config file that got that line (as git reported it). */
  configFile?: string
  /** The action created `configFile`; the post step deletes it again when it is left empty. */
  createdConfig?: boolean
}

export function serializeGitState(state: GitCredentialsState): string {
  return JSON.stringify(state)
}

/** Parses the saved state; throws with a plain message when it is not what the main step writes. */
export function parseGitState(raw: string): GitCredentialsState {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new Error('the saved state is not JSON')
  }
  const v = value as Partial<GitCredentialsState> | null
  if (!v || typeof v !== 'object' || v.version !== 1 || typeof v.file !== 'string')
    throw new Error('the saved state has an unknown shape')
  if (!path.isAbsolute(v.file) || !CREDENTIAL_FILE.test(path.basename(v.file)))
    throw new Error('the saved state names a file the action does not write')
  if (v.configFile !== undefined && (typeof v.configFile !== 'string' || !path.isAbsolute(v.configFile)))
    throw new Error('the saved state names no usable git config file')
  return {
    version: 1,
    file: v.file,
    included: v.included === true,
    configFile: v.configFile,
    createdConfig: v.createdConfig === true,
  }
}
