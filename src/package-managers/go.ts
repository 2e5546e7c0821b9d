/**
 * `go`: the site's host name joins `GOPRIVATE`, so that the go command fetches
 * those modules directly with git (and its credentials) instead of through
 * the public module proxy, and does not look them up in the checksum
 * database. GOPRIVATE patterns match module paths, which never hold a port,
 * so the entry is the bare host name.
 *
 * The go command reads a variable from the environment when it is non-empty,
 * else from its configuration file (`go env -w`, the file `GOENV` names or
 * `<user config dir>/go/env`), so the value already there is taken from the
 * same places and kept. When `GONOPROXY` or `GONOSUMDB` is set, GOPRIVATE no
 * longer feeds it, so the host joins that one too.
 */
import fs from 'node:fs'
import path from 'node:path'

/** The go command's configuration file (os.UserConfigDir()/go/env unless GOENV says otherwise); undefined for `GOENV=off`. */
export function goEnvFile(env: NodeJS.ProcessEnv, home: string, platform = process.platform): string | undefined {
  if (env.GOENV) return env.GOENV === 'off' ? undefined : env.GOENV
  if (platform === 'win32')
    return env.AppData || env.APPDATA ? path.join(env.AppData || env.APPDATA!, 'go', 'env') : undefined
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'go', 'env')
  const xdg = env.XDG_CONFIG_HOME
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config'), 'go', 'env')
}

/** `KEY=VALUE` lines of a go env file, as the go command reads them. */
export function parseGoEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=')
    if (line === '' || line.startsWith('#') || eq < 0) continue
    vars[line.slice(0, eq)] = line.slice(eq + 1).replace(/\r$/, '')
  }
  return vars
}

export function readGoEnvFile(file: string | undefined): Record<string, string> {
  if (!file) return {}
  try {
    return parseGoEnvFile(fs.readFileSync(file, 'utf8'))
  } catch {
    return {}
  }
}

/** A comma-separated pattern list with `host` added (unless it is there already). */
export function withPattern(list: string, host: string): string {
  const entries = list
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
  return entries.includes(host) ? entries.join(',') : [...entries, host].join(',')
}

/** The variables to export: GOPRIVATE, and GONOPROXY/GONOSUMDB where the user set them. */
export function goVariables(
  site: URL,
  env: NodeJS.ProcessEnv,
  fileVars: Record<string, string>,
): Record<string, string> {
  const current = (name: string) => env[name] || fileVars[name] || ''
  const host = site.hostname
  const out: Record<string, string> = { GOPRIVATE: withPattern(current('GOPRIVATE'), host) }
  for (const name of ['GONOPROXY', 'GONOSUMDB']) {
    if (current(name)) out[name] = withPattern(current(name), host)
  }
  return out
}

/**
 * What the go command needs besides GOPRIVATE: how a module is named where
 * the provider says (`hint`, given the site's host and context path); and a
 * site on port 443, since a module path never holds a port.
 */
export function goNotes(site: URL, hint?: (root: string) => string): { info: string; warning?: string } {
  const info = hint ? ` ${hint(`${site.hostname}${site.pathname.replace(/\/+$/, '')}`)}` : ''
  if (!site.port) return { info }
  return {
    info,
    warning: `package-managers: go: a module path cannot hold a port, so the go command fetches modules under ${site.hostname} from https://${site.hostname}/ (port 443), not from ${site.origin}/, where git has the credential. In an earlier step, have git rewrite the URLs: git config --global url."${site.origin}/".insteadOf "https://${site.hostname}/" (or serve Bitbucket on port 443).`,
  }
}
