/** The loopback server that receives Bitbucket's redirect: what it accepts, and the one callback it hands over. */
import { afterEach, describe, expect, test } from '@jest/globals'
import http from 'node:http'
import { startCallbackServer, type CallbackServer } from '../../../src/login/callback-server.ts'
import { freePort } from '../../helpers/login.ts'

let server: CallbackServer | undefined
let ignored: string[] = []
const options = { state: 'S1', ignored: (line: string) => void ignored.push(line) }
afterEach(async () => {
  ignored = []
  await server?.close()
  server = undefined
})

/** A GET to 127.0.0.1 with the Host header the test chooses. */
function request(port: number, path: string, host = `localhost:${port}`): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
        let text = ''
        res.on('data', (d: Buffer) => (text += d.toString('utf8')))
        res.on('end', () => resolve({ status: res.statusCode!, text }))
      })
      .on('error', reject)
  })
}

describe('startCallbackServer', () => {
  test('answers only GET / with a loopback Host; the first callback waits for the flow, a second is refused', async () => {
    const port = await freePort()
    server = await startCallbackServer(port, options)
    expect(server.redirectUri).toBe(`http://localhost:${port}/`)
    expect(server.addresses[0]).toBe('127.0.0.1')
    expect((await request(port, '/?code=x&state=y', `attacker.example:${port}`)).status).toBe(400)
    expect((await request(port, '/other')).status).toBe(404)
    const waiting = await request(port, '/')
    expect(waiting.status).toBe(200)
    expect(waiting.text).toMatch(/waiting/)

    const answered = request(port, '/?code=abc&state=S1')
    const callback = await server.wait(5000)
    expect(callback?.params.get('code')).toBe('abc')
    expect((await request(port, '/?code=def&state=S1')).status).toBe(409)
    await callback!.respond(200, 'done')
    expect(await answered).toEqual({ status: 200, text: 'done' })
  })

  test('no callback within the time: undefined', async () => {
    server = await startCallbackServer(await freePort(), options)
    expect(await server.wait(50)).toBeUndefined()
  })

  test('a port in use is an error that says what to do', async () => {
    const port = await freePort()
    server = await startCallbackServer(port, options)
    await expect(startCallbackServer(port, options)).rejects.toThrow(
      `Port ${port} is already in use (127.0.0.1:${port})`,
    )
  })

  test("a callback without this login's state is ignored, said, and the wait goes on until the right one", async () => {
    const port = await freePort()
    server = await startCallbackServer(port, options)
    const waiting = server.wait(5000)
    // Any web page can point an image at the callback: an error without state, a forged state.
    const noState = await request(port, '/?error=access_denied')
    expect(noState.status).toBe(400)
    expect(noState.text).toMatch(/does not belong to the login that is waiting/)
    expect((await request(port, '/?code=stolen&state=S2')).status).toBe(400)
    expect((await request(port, '/?code=x&state=S')).status).toBe(400)
    expect(ignored).toEqual([
      "Ignored a callback with no state (error=access_denied): it did not come from this login's authorize URL (an old browser tab, or another page). Still waiting for the right one.",
      "Ignored a callback with a wrong state: it did not come from this login's authorize URL (an old browser tab, or another page). Still waiting for the right one.",
      "Ignored a callback with a wrong state: it did not come from this login's authorize URL (an old browser tab, or another page). Still waiting for the right one.",
    ])
    const answered = request(port, '/?code=abc&state=S1')
    const callback = await waiting
    expect(callback?.params.get('code')).toBe('abc')
    await callback!.respond(200, 'done')
    expect((await answered).status).toBe(200)
  })

  test('only the right state ends the wait; ignored callbacks are said a few times, then no more', async () => {
    const port = await freePort()
    server = await startCallbackServer(port, options)
    for (let i = 0; i < 20; i++) await request(port, `/?error=access_denied%1b%5b2J&state=x${i}`)
    expect(await server.wait(100)).toBeUndefined()
    expect(ignored).toHaveLength(5)
    expect(ignored[0]).toContain('(error=access_denied [2J)')
    expect(ignored.join('\n')).not.toContain('\u001b')
    expect(ignored[4]).toBe("Ignored 5 callbacks without this login's state; further ones are not reported.")
  })
})
