/**
 * The job's global git configuration: a file under RUNNER_TEMP that later
 * steps' git reads instead of the user's (GIT_CONFIG_GLOBAL, git 2.32 and
 * later). It includes the user's own global configuration first, so that
 * their settings still apply, and the credential file last, so that its
 * header wins. The user's files are never written to.
 */
import path from 'node:path'
import { ActionError } from '../shared/errors.ts'

/** The oldest git that reads GIT_CONFIG_GLOBAL. */
export const MIN_GIT_VERSION = [2, 32] as const

/** `[major, minor]` of `git --version`'s answer ("git version 2.45.2.windows.1"), or undefined. */
export function parseGitVersion(text: string): [number, number] | undefined {
  const m = /\bgit version (\d+)\.(\d+)/.exec(text)
  return m ? [Number(m[1]), Number(m[2])] : undefined
}

export function readsGlobalFromEnv(version: [number, number]): boolean {
  const [major, minor] = MIN_GIT_VERSION
  return version[0] > major || (version[0] === major && version[1] >= minor)
}

/**
 * A path as a quoted value of a git config file. Backslashes are escapes
 * there, so a Windows path is written with forward slashes (which Git for
 * Windows reads as well); elsewhere a backslash is a character of the name
 * and is escaped.
 */
export function gitConfigPath(p: string, platform: NodeJS.Platform): string {
  if (/[\n\r\0]/.test(p)) {
    throw new ActionError(
      `The path ${JSON.stringify(p)} holds a line break, which a git configuration file cannot name. Use a RUNNER_TEMP without one, or drop \`git-credentials\`.`,
    )
  }
  const value = platform === 'win32' ? p.replace(/\\/g, '/') : p
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

/**
 * The user's own global configuration as git finds it, in git's order: the
 * file GIT_CONFIG_GLOBAL names when it is set (an earlier use of this action,
 * or the user's choice), else the XDG file and then `~/.gitconfig`. `~` is
 * left for git to expand in each later step (Git for Windows too), so the
 * files are the ones git itself would have read. Missing ones are skipped by
 * git.
 */
export function userGlobalFiles(env: NodeJS.ProcessEnv, pathApi: path.PlatformPath): string[] {
  if (env.GIT_CONFIG_GLOBAL) return [pathApi.resolve(env.GIT_CONFIG_GLOBAL)]
  const xdg = env.XDG_CONFIG_HOME ? pathApi.join(env.XDG_CONFIG_HOME, 'git', 'config') : '~/.config/git/config'
  return [xdg, '~/.gitconfig']
}

/** The content of the job's global configuration file: the user's files, then the credential file. */
export function jobGlobalConfig(userFiles: string[], credentialFile: string, platform: NodeJS.Platform): string {
  const lines = [
    "# Written by bitbucket-oauth-action (git-credentials: true): the global git configuration of this job's later",
    "# steps (GIT_CONFIG_GLOBAL). It includes the user's own, then the credential file; the post step deletes it.",
    '[include]',
    ...[...userFiles, credentialFile].map((f) => `\tpath = ${gitConfigPath(f, platform)}`),
  ]
  return lines.join('\n') + '\n'
}
