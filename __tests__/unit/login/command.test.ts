/** The command's order of work around the consumer: fail at once without a terminal, ask on one, stop on Ctrl-C. */
import { describe, expect, test } from '@jest/globals'
import { EventEmitter } from 'node:events'
import { loginCommand, type CliIo } from '../../../src/login/command.ts'
import type { PromptTerminal } from '../../../src/login/prompt.ts'
import { freePort } from '../../helpers/login.ts'

/** A terminal on which `answers` are typed, one each time the command starts reading. */
function typingTerminal(answers: string[]) {
  const screen: string[] = []
  const input = Object.assign(new EventEmitter(), {
    raw: [] as boolean[],
    setRawMode(mode: boolean) {
      this.raw.push(mode)
    },
    resume() {
      const keys = answers.shift()
      if (keys !== undefined) setImmediate(() => input.emit('data', Buffer.from(keys)))
    },
    pause() {},
  })
  const terminal: PromptTerminal = { input, write: (t) => void screen.push(t) }
  return { terminal, input, screen }
}

function io(env: NodeJS.ProcessEnv, terminal: PromptTerminal | undefined) {
  const out = { stdout: '', stderr: '', saved: 0 }
  const cli: CliIo = {
    env,
    cwd: '/',
    platform: 'linux',
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    stdoutIsTerminal: false,
    terminal,
    saveSecret: async () => void out.saved++,
  }
  return { cli, out }
}

describe('loginCommand: the consumer', () => {
  test('missing and no terminal: exit 2 at once, naming the options and the variables', async () => {
    const { cli, out } = io({ PATH: '/nonexistent' }, undefined)
    const started = Date.now()
    expect(await loginCommand(['--secret', 'X', '--repo', 'o/r'], cli)).toBe(2)
    expect(Date.now() - started).toBeLessThan(1000)
    expect(out.stdout).toBe('')
    expect(out.stderr).toMatch(
      /^bitbucket-oauth login: No OAuth consumer Key and Secret, and no terminal to ask for them on: set BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET \(or pass --client-id and --client-secret\)/,
    )
    expect(out.stderr.trim().split('\n')).toHaveLength(1)
  })

  test('on a terminal: asks for what is missing; the answers are used, the Secret never shown', async () => {
    const port = await freePort()
    const t = typingTerminal(['typed-key\r', 'typed-secret-value\r'])
    const { cli, out } = io({}, t.terminal)
    const argv = ['--no-open', '--port', String(port), '--timeout', '0.2', '--bitbucket-url', 'http://127.0.0.1:9']
    expect(await loginCommand(argv, cli)).toBe(1)
    expect(t.screen.join('')).toBe(
      "The OAuth consumer's Key and Secret (Bitbucket: Workspace settings > OAuth consumers > click the consumer):\n  Key: typed-key\n  Secret (not shown as you type or paste): \n",
    )
    expect(t.input.raw).toEqual([true, false])
    expect(out.stderr).toContain('client_id=typed-key&')
    expect(out.stderr).toMatch(/No answer from the browser within 0.2 s/)
    expect(out.stderr).not.toContain('typed-secret-value')
  })

  test('only the Secret missing: only the Secret is asked', async () => {
    const port = await freePort()
    const t = typingTerminal(['s3cr3t-value\r'])
    const { cli } = io({ BITBUCKET_CLIENT_ID: 'env-key' }, t.terminal)
    const argv = ['--no-open', '--port', String(port), '--timeout', '0.1', '--bitbucket-url', 'http://127.0.0.1:9']
    expect(await loginCommand(argv, cli)).toBe(1)
    expect(t.screen.join('')).not.toContain('Key:')
    expect(t.screen.join('')).toContain('Secret (not shown')
  })

  test('Ctrl-C at the prompt: exit 130, nothing else done', async () => {
    const t = typingTerminal(['\x03'])
    const { cli, out } = io({}, t.terminal)
    expect(await loginCommand(['--no-open'], cli)).toBe(130)
    expect(out.stderr).toBe('bitbucket-oauth login: Stopped at the prompt (Ctrl-C); nothing was done.\n')
    expect(t.input.raw).toEqual([true, false])
  })

  test('--secret without any GitHub token: fails before asking for the consumer', async () => {
    const t = typingTerminal(['k\r', 's\r'])
    const { cli, out } = io({ PATH: '/nonexistent' }, t.terminal)
    expect(await loginCommand(['--secret', 'X', '--repo', 'o/r'], cli)).toBe(1)
    expect(out.stderr).toMatch(/GH_TOKEN and GITHUB_TOKEN are not set, and the GitHub CLI \(gh\) is not installed/)
    expect(t.screen).toEqual([])
  })
})
