/**
 * What `package-managers` wrote, handed to the post step through `saveState`.
 * The post step deletes exactly these files and nothing else. (Variables
 * exported for later steps cannot be taken back; they stay, naming files that
 * are gone or holding a token that no tool is given any more.)
 */
import path from 'node:path'

export const PACKAGE_MANAGERS_STATE_KEY = 'package-managers'

/** Files the action writes for package managers are named like this (the post step deletes nothing else). */
export const PACKAGE_MANAGER_FILE = /^bitbucket-oauth-npm-[0-9a-f-]{36}\.npmrc$/

export interface PackageManagersState {
  version: 1
  /** Absolute paths under RUNNER_TEMP. */
  files: string[]
}

export function serializePackageManagersState(state: PackageManagersState): string {
  return JSON.stringify(state)
}

/** Parses the saved state; throws with a plain message when it is not what the main step writes. */
export function parsePackageManagersState(raw: string): PackageManagersState {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new Error('the saved state is not JSON')
  }
  const v = value as Partial<PackageManagersState> | null
  if (!v || typeof v !== 'object' || v.version !== 1 || !Array.isArray(v.files))
    throw new Error('the saved state has an unknown shape')
  for (const f of v.files) {
    if (typeof f !== 'string' || !path.isAbsolute(f) || !PACKAGE_MANAGER_FILE.test(path.basename(f)))
      throw new Error('the saved state names a file the action does not write')
  }
  return { version: 1, files: v.files as string[] }
}
