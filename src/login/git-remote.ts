/**
 * The GitHub repository of the current directory's `origin` remote: the
 * default of `--repo`. Understands https and ssh remote URLs of github.com,
 * or of the GitHub Enterprise host that GITHUB_API_URL points at.
 */
import { execFile } from 'node:child_process'
import { childEnv } from '../shared/child-env.ts'

/** The web host of a GitHub API root: api.github.com → github.com, https://ghe.example/api/v3 → ghe.example. */
export function githubHost(apiUrl: URL): string {
  const host = apiUrl.host.toLowerCase()
  return host === 'api.github.com' ? 'github.com' : host.replace(/^api\./, '')
}

/**
 * `owner/repo` of a GitHub remote URL, or undefined when the URL points
 * elsewhere. Accepted forms: https://[user@]HOST/OWNER/REPO[.git][/],
 * ssh://git@HOST[:port]/OWNER/REPO[.git], git@HOST:OWNER/REPO[.git].
 */
export function parseGitHubRemote(remote: string, host = 'github.com'): string | undefined {
  const value = remote.trim()
  let remoteHost: string
  let path: string
  const scp = /^[A-Za-z0-9._-]+@([^:/]+):(?!\/)(.+)$/.exec(value)
  if (scp) {
    remoteHost = scp[1]!
    path = scp[2]!
  } else {
    let url: URL
    try {
      url = new URL(value)
    } catch {
      return undefined
    }
    if (!['https:', 'http:', 'ssh:', 'git+ssh:', 'ssh+git:', 'git:'].includes(url.protocol)) return undefined
    // ssh://git@ssh.github.com:443/... is GitHub's ssh-over-https host.
    remoteHost = url.protocol.includes('ssh') ? url.hostname.replace(/^ssh\./, '') : url.host
    path = decodeURIComponent(url.pathname)
  }
  if (remoteHost.toLowerCase() !== host.toLowerCase()) return undefined
  const m = /^\/?([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(path)
  if (!m || m[2] === '.' || m[2] === '..') return undefined
  return `${m[1]}/${m[2]}`
}

/** The URL of the `origin` remote of the repository around `cwd`, or undefined; git gets `env` less its secrets. */
export function readOriginUrl(cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['config', '--get', 'remote.origin.url'],
      { cwd, env: childEnv(env), timeout: 10_000, windowsHide: true },
      (err, stdout) => {
        resolve(err ? undefined : stdout.trim() || undefined)
      },
    )
  })
}
