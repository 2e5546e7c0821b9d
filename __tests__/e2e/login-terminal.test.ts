/**
 * `bitbucket-oauth login` on a real terminal: the bundled command runs in a
 * tmux pane (a pseudo-terminal) with no consumer in its options or
 * environment; the test types the Key and the Secret with `send-keys`, reads
 * the screen with `capture-pane` (the Secret must never appear, and the
 * terminal must be back in its normal mode afterwards), and approves in a
 * real headless chromium, as a new user would.
 * Needs tmux and chromium (`apt-get install -y tmux chromium`); skipped with
 * a message when one is missing.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CHROMIUM, hasChromium, launchChromium, type Browser } from '../helpers/browser.ts'
import { startFixture, type Fixture } from '../helpers/emulator.ts'
import { startGitHubFixture, type GitHubFixture } from '../helpers/github.ts'
import { CLI, freePort } from '../helpers/login.ts'

const hasTmux = spawnSync('tmux', ['-V']).status === 0
const missing = [...(hasTmux ? [] : ['tmux']), ...(hasChromium ? [] : [`chromium (${CHROMIUM})`])]
if (missing.length) {
  process.stderr.write(
    `SKIPPED login-terminal.test.ts: no ${missing.join(' and no ')}. Install with: apt-get update && apt-get install -y tmux chromium\n`,
  )
}
const suite = missing.length ? describe.skip : describe

/** A tmux server of its own (private socket) running one command in a wide pane. */
class Pane {
  readonly dir: string
  readonly #socket: string
  constructor(dir: string) {
    this.dir = dir
    this.#socket = path.join(dir, 'tmux.sock')
  }

  #tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.#socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.dir, LANG: 'C.UTF-8', TERM: 'xterm-256color' },
    })
  }

  start(script: string): void {
    const file = path.join(this.dir, 'run.sh')
    fs.writeFileSync(file, script, { mode: 0o700 })
    this.#tmux('new-session', '-d', '-s', 'login', '-x', '220', '-y', '50', `sh ${file}`)
  }

  /** The whole screen and scrollback, wrapped lines joined. */
  screen(): string {
    return this.#tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'login')
  }

  /** Types text literally (nothing is interpreted as a key name). */
  type(text: string): void {
    this.#tmux('send-keys', '-t', 'login', '-l', text)
  }

  key(name: string): void {
    this.#tmux('send-keys', '-t', 'login', name)
  }

  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const m = this.screen().match(pattern)
      if (m) return m
      if (Date.now() > until) throw new Error(`the terminal never showed ${pattern}:\n${this.screen()}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  kill(): void {
    spawnSync('tmux', ['-S', this.#socket, 'kill-server'])
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

suite('login on a terminal, approved in a real browser', () => {
  let browser: Browser
  let fx: Fixture
  let gh: GitHubFixture
  let port: number
  let pane: Pane

  beforeAll(async () => {
    browser = await launchChromium()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
  })
  beforeEach(async () => {
    fx = await startFixture()
    gh = await startGitHubFixture()
    port = await freePort()
    fx.emu.state.consumers.get(fx.consumer.key)!.callbackUrl = `http://localhost:${port}`
    pane = new Pane(fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-tty-')))
  })
  afterEach(async () => {
    pane.kill()
    fs.rmSync(pane.dir, { recursive: true, force: true })
    await fx.emu.close()
    await gh.gh.close()
  })

  /**
   * The command in the pane, with no consumer in its options or environment;
   * afterwards the pane shows its exit status.
   */
  function startLogin(...args: string[]): void {
    const argv = ['login', '--no-open', '--port', String(port), '--bitbucket-url', fx.emu.url, ...args]
    // The shell survives a Ctrl-C (a handler, not an ignored signal, so the command gets SIGINT as usual).
    pane.start(`trap 'true' INT
unset BITBUCKET_CLIENT_ID BITBUCKET_CLIENT_SECRET
export GH_TOKEN='${gh.token}' GITHUB_API_URL='${gh.gh.url}'
'${process.execPath}' '${CLI}' ${argv.map((a) => `'${a}'`).join(' ')}
echo "[exit $?]"
exec sleep 600
`)
  }

  test('asks for the Key (echoed) and the Secret (never shown), then stores three secrets and prints the step', async () => {
    startLogin('--secret', 'BITBUCKET_REFRESH_TOKEN', '--repo', gh.repository, '--store-consumer')
    await pane.waitFor(/^ {2}Key: $/m)
    pane.type(fx.consumer.key)
    await pane.waitFor(new RegExp(`Key: ${fx.consumer.key}$`, 'm'))
    pane.key('Enter')
    await pane.waitFor(/Secret \(not shown as you type or paste\): $/m)
    pane.type(fx.consumer.secret)
    await pause(500)
    // Typed, not yet entered: nothing of it on the screen.
    expect(pane.screen()).not.toContain(fx.consumer.secret)
    expect(pane.screen()).not.toContain(fx.consumer.secret.slice(0, 8))
    pane.key('Enter')

    const url = (await pane.waitFor(/^\s+(http:\/\/\S+\/site\/oauth2\/authorize\?\S+)$/m))[1]!
    expect(new URL(url).searchParams.get('client_id')).toBe(fx.consumer.key)
    const page = await browser.context.newPage()
    try {
      await page.goto(url)
      await Promise.all([
        page.waitForURL(`http://localhost:${port}/?**`),
        page.getByRole('button', { name: 'Grant access' }).click(),
      ])
      await expect(page.locator('h1').textContent()).resolves.toBe('Bitbucket access granted')
    } finally {
      await page.close()
    }

    await pane.waitFor(/^\[exit \d+\]$/m)
    const screen = pane.screen()
    expect(screen).toMatch(/^\[exit 0\]$/m)
    expect(gh.gh.repoSecret(gh.repository, 'BITBUCKET_CLIENT_ID')).toBe(fx.consumer.key)
    expect(gh.gh.repoSecret(gh.repository, 'BITBUCKET_CLIENT_SECRET')).toBe(fx.consumer.secret)
    const refresh = gh.gh.repoSecret(gh.repository, 'BITBUCKET_REFRESH_TOKEN')!
    expect(fx.emu.state.acceptsRefreshToken(refresh)).toBe(true)
    expect(screen).toContain('- uses: OWNER/bitbucket-oauth-action@v1')
    expect(screen).toContain('client-secret: ${{ secrets.BITBUCKET_CLIENT_SECRET }}')
    for (const secret of [fx.consumer.secret, refresh, gh.token]) expect(screen).not.toContain(secret)
  }, 90_000)

  test('Ctrl-C at the Secret: exit 130, nothing requested, nothing of it shown', async () => {
    startLogin()
    await pane.waitFor(/^ {2}Key: $/m)
    pane.type('some-key')
    pane.key('Enter')
    await pane.waitFor(/Secret \(not shown as you type or paste\): $/m)
    pane.type('half-typed-secret')
    pane.key('C-c')
    await pane.waitFor(/^\[exit \d+\]$/m)
    const screen = pane.screen()
    expect(screen).toMatch(/^bitbucket-oauth login: Stopped at the prompt \(Ctrl-C\); nothing was done\.$/m)
    expect(screen).toMatch(/^\[exit 130\]$/m)
    expect(screen).not.toContain('half-typed-secret')
    expect(fx.emu.router.requests).toEqual([])
  }, 60_000)

  test('after the prompts the terminal is back to normal: Ctrl-C while it waits for the browser interrupts it', async () => {
    startLogin()
    await pane.waitFor(/^ {2}Key: $/m)
    pane.type('some-key')
    pane.key('Enter')
    await pane.waitFor(/Secret \(not shown as you type or paste\): $/m)
    pane.type('some-secret-value')
    pane.key('Enter')
    await pane.waitFor(/^Waiting up to 300 s for the browser to come back\.\.\.$/m)
    // In raw mode Ctrl-C would be a byte nobody reads; in the normal mode the driver sends SIGINT.
    pane.key('C-c')
    await pane.waitFor(/\[exit \d+\]$/m, 10_000)
    // The driver echoed the key as ^C (echo on again), and SIGINT ended the command.
    expect(pane.screen()).toMatch(/^\^C\[exit 130\]$/m)
  }, 60_000)
})
