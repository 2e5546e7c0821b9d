/**
 * `npm`: npm (and yarn classic, pnpm) send `//host[:port]/:_authToken` as a
 * Bearer token to every URL on that host and port (the key holds no scheme),
 * e.g. the tarball `https://bitbucket.org/{ws}/{repo}/get/{commit}.tar.gz`
 * that npm downloads for a `bitbucket:` or `git+https://bitbucket.org/…`
 * dependency instead of cloning it.
 *
 * npm reads such a key only from a configuration file: an `npm_config_//…`
 * environment variable does not survive `/bin/sh` (dash drops names with `/`).
 * The project's `.npmrc` is the user's, and `NPM_CONFIG_USERCONFIG` replaces
 * `~/.npmrc` entirely, so the new user configuration under RUNNER_TEMP starts
 * with the key and then carries the user's own file over line for line
 * (`${…}` references stay unexpanded: npm expands them when it reads the
 * file). The user's file is only read, never written.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ActionError } from '../shared/errors.ts'

/** The npm configuration key that holds the token for the site. */
export function npmAuthKey(site: URL): string {
  return `//${site.host}/:_authToken`
}

export interface NpmUserConfig {
  /** The user configuration file npm would read now (it may not exist). */
  file: string
  /** The variables that name it (npm reads `npm_config_*` case-insensitively), to be pointed at the new file. */
  variables: string[]
}

/** Where npm finds its user configuration in this environment: `npm_config_userconfig` (any case), else `~/.npmrc`. */
export function npmUserConfig(env: NodeJS.ProcessEnv, home: string, cwd = process.cwd()): NpmUserConfig {
  const variables = Object.keys(env).filter((k) => k.toLowerCase() === 'npm_config_userconfig')
  // Like npm: empty values are skipped and, of several spellings, the last one in the environment wins.
  const set = variables.filter((k) => env[k] !== '')
  const value = set.length ? env[set[set.length - 1]!]! : undefined
  let file: string
  if (value === undefined) file = path.join(home, '.npmrc')
  else if (value === '~' || value.startsWith('~/')) file = path.join(home, value.slice(1))
  else file = path.resolve(cwd, value)
  return { file, variables }
}

/** The user's configuration file, or '' when it does not exist. */
export function readNpmUserConfig(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw new ActionError(
      `\`package-managers: npm\` could not read your npm user configuration ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}), which it must carry over into the configuration it writes. Make the file readable, or point NPM_CONFIG_USERCONFIG elsewhere.`,
    )
  }
}

/** The ini key of a line, as npm's parser reads it (undefined for comments, sections and blank lines). */
function iniKey(line: string): string | undefined {
  const trimmed = line.trim()
  if (trimmed === '' || /^[;#[]/.test(trimmed)) return undefined
  const eq = trimmed.indexOf('=')
  return (eq < 0 ? trimmed : trimmed.slice(0, eq)).trim()
}

/**
 * The new user configuration: the token key first (a key after a user's
 * `[section]` would land in that section), then the user's lines; a user's
 * line for the same key is commented out, since a later duplicate would win.
 */
export function npmrcContent(userConfig: { file: string; content: string }, site: URL, accessToken: string): string {
  if (/[\r\n]/.test(accessToken))
    throw new ActionError('The access token holds a line break; it cannot be written for npm.')
  const key = npmAuthKey(site)
  const lines = [
    '# Written by bitbucket-oauth-action (package-managers: npm); its post step deletes this file.',
    `# npm sends this token to ${site.protocol}//${site.host}/ (any path on that host and port):`,
    `${key}=${accessToken}`,
  ]
  if (userConfig.content !== '') {
    lines.push(`# Carried over from ${userConfig.file}, which stays as it is:`)
    const user = userConfig.content.replace(/\r?\n$/, '').split(/\r?\n/)
    for (const line of user) lines.push(iniKey(line) === key ? `; (set by the action above) ${line}` : line)
  }
  return lines.join('\n') + '\n'
}
