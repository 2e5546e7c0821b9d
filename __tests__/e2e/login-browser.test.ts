/**
 * `bitbucket-oauth login` in a real headless browser: Debian's chromium
 * driven by playwright-core opens the printed URL, clicks "Grant access" on
 * the emulator's consent page, follows the redirect to the command's callback
 * (the browser resolves `localhost` itself) and lands on its success page.
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; CHROMIUM_PATH
 * overrides); skipped with a message when it is missing.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import type { BrowserContext } from 'playwright-core'
import { CHROMIUM, hasChromium, launchChromium, type Browser } from '../helpers/browser.ts'
import { startFixture, type Fixture } from '../helpers/emulator.ts'
import { freePort, runLogin, tokenRequests } from '../helpers/login.ts'
if (!hasChromium) {
  process.stderr.write(
    `SKIPPED login-browser.test.ts: no chromium at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium\n`,
  )
}
const suite = hasChromium ? describe : describe.skip

suite('login in a real browser', () => {
  let launched: Browser
  let browser: BrowserContext
  let fx: Fixture
  let port: number

  beforeAll(async () => {
    launched = await launchChromium()
    browser = launched.context
  }, 60_000)
  afterAll(async () => {
    await launched?.close()
  })
  beforeEach(async () => {
    fx = await startFixture()
    port = await freePort()
    fx.emu.state.consumers.get(fx.consumer.key)!.callbackUrl = `http://localhost:${port}`
  })
  afterEach(async () => {
    await fx.emu.close()
  })

  const start = () =>
    runLogin(['--no-open', '--port', String(port), '--bitbucket-url', fx.emu.url], {
      BITBUCKET_CLIENT_ID: fx.consumer.key,
      BITBUCKET_CLIENT_SECRET: fx.consumer.secret,
    })

  test('Grant: the command shows its success page and prints only a refresh token the emulator accepts', async () => {
    const run = start()
    const page = await browser.newPage()
    try {
      await page.goto(await run.authorizeUrl)
      await expect(page.locator('#consumer').textContent()).resolves.toContain(fx.consumer.key)
      await Promise.all([
        page.waitForURL(`http://localhost:${port}/?**`),
        page.getByRole('button', { name: 'Grant access' }).click(),
      ])
      await expect(page.locator('h1').textContent()).resolves.toBe('Bitbucket access granted')
      const html = await page.content()

      const r = await run.done
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/^\S+\n$/)
      const token = r.stdout.trimEnd()
      expect(fx.emu.state.acceptsRefreshToken(token)).toBe(true)
      expect(html).not.toContain(token)
      expect(r.stderr).not.toContain(token)
      expect(tokenRequests(fx.emu.router.requests)).toHaveLength(1)
    } finally {
      await page.close()
    }
  })

  test('Deny: the command shows why it failed and prints nothing', async () => {
    const run = start()
    const page = await browser.newPage()
    try {
      await page.goto(await run.authorizeUrl)
      await Promise.all([
        page.waitForURL(`http://localhost:${port}/?**`),
        page.getByRole('button', { name: 'Deny' }).click(),
      ])
      await expect(page.locator('h1').textContent()).resolves.toBe('Bitbucket login failed')
      await expect(page.locator('body').textContent()).resolves.toMatch(/Access was denied/)
      const r = await run.done
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(tokenRequests(fx.emu.router.requests)).toEqual([])
    } finally {
      await page.close()
    }
  })
})
