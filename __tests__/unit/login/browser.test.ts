/** Opening the authorize URL: the opener per platform, detached, never failing the login. */
import { describe, expect, test } from '@jest/globals'
import { EventEmitter } from 'node:events'
import type { ChildProcess } from 'node:child_process'
import { openBrowser, openerCommand } from '../../../src/login/browser.ts'

describe('openBrowser', () => {
  test('platform openers', () => {
    expect(openerCommand('u', 'linux', {})).toEqual({ command: 'xdg-open', args: ['u'] })
    expect(openerCommand('u', 'darwin', {})).toEqual({ command: 'open', args: ['u'] })
    expect(openerCommand('u', 'win32', {})).toEqual({ command: 'rundll32', args: ['url.dll,FileProtocolHandler', 'u'] })
    expect(openerCommand('u', 'linux', { BROWSER: 'firefox' })).toEqual({ command: 'firefox', args: ['u'] })
  })
  test('detached, unref-ed; a spawn failure or a failing opener is only a warning', () => {
    const warnings: string[] = []
    const calls: unknown[] = []
    let child: EventEmitter & { unref?: () => void; unrefed?: boolean } = new EventEmitter()
    const spawn = ((command: string, args: string[], options: unknown) => {
      calls.push({ command, args, options })
      child = Object.assign(new EventEmitter(), { unrefed: false, unref: () => (child.unrefed = true) })
      return child as unknown as ChildProcess
    }) as never
    openBrowser('https://x/', {
      platform: 'linux',
      env: { DISPLAY: ':0', BITBUCKET_CLIENT_SECRET: 's', GH_TOKEN: 'g' },
      warn: (m) => warnings.push(m),
      spawn,
    })
    // The opener gets no secrets in its environment.
    expect(calls).toEqual([
      {
        command: 'xdg-open',
        args: ['https://x/'],
        options: { detached: true, stdio: 'ignore', windowsHide: true, env: { DISPLAY: ':0' } },
      },
    ])
    expect(child.unrefed).toBe(true)
    child.emit('exit', 3)
    openBrowser('https://x/', { platform: 'linux', env: {}, warn: (m) => warnings.push(m), spawn })
    child.emit('error', Object.assign(new Error('spawn xdg-open ENOENT'), { code: 'ENOENT' }))
    expect(warnings).toEqual([
      'xdg-open exited with status 3: open the URL above in a browser yourself.',
      'Could not start xdg-open (ENOENT): open the URL above in a browser yourself.',
    ])
  })
})
