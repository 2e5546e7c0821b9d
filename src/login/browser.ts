/**
 * Opens a URL in the user's browser, detached, and never fails the login:
 * when no opener exists (a server, a container) the user opens the printed
 * URL by hand. `$BROWSER` (a command) wins over the platform's opener.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { childEnv } from '../shared/child-env.ts'

export interface OpenerCommand {
  command: string
  args: string[]
}

export function openerCommand(url: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): OpenerCommand {
  const browser = env.BROWSER?.trim()
  if (browser) return { command: browser, args: [url] }
  switch (platform) {
    case 'darwin':
      return { command: 'open', args: [url] }
    case 'win32':
      // `cmd /c start` would read & and % in the URL; the URL handler takes it verbatim.
      return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] }
    default:
      return { command: 'xdg-open', args: [url] }
  }
}

export interface OpenBrowserDeps {
  platform: NodeJS.Platform
  env: NodeJS.ProcessEnv
  /** Told when the opener could not run or failed (one line, no URL). */
  warn(message: string): void
  spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess
}

export function openBrowser(url: string, deps: OpenBrowserDeps): void {
  const { command, args } = openerCommand(url, deps.platform, deps.env)
  const spawn = deps.spawn ?? nodeSpawn
  const hint = 'open the URL above in a browser yourself.'
  let child: ChildProcess
  try {
    child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true, env: childEnv(deps.env) })
  } catch (err) {
    deps.warn(`Could not start ${command} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): ${hint}`)
    return
  }
  child.on('error', (err: NodeJS.ErrnoException) =>
    deps.warn(`Could not start ${command} (${err.code ?? err.message}): ${hint}`),
  )
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) deps.warn(`${command} exited with status ${code}: ${hint}`)
  })
  child.unref()
}
