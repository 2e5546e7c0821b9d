/** The loopback server that receives Bitbucket's redirect: what it accepts, and the one callback it hands over. */
import { afterEach, describe, expect, test } from '@jest/globals'
import http from 'node:http'
import { startCallbackServer, type CallbackServer } from '../../../src/login/callback-server.ts'
import { freePort } from '../../helpers/login.ts'

let server: CallbackServer | undefined
afterEach(async () => {
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
    server = await startCallbackServer(port)
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
    server = await startCallbackServer(await freePort())
    expect(await server.wait(50)).toBeUndefined()
  })

  test('a port in use is an error that says what to do', async () => {
    const port = await freePort()
    server = await startCallbackServer(port)
    await expect(startCallbackServer(port)).rejects.toThrow(`Port ${port} is already in use (127.0.0.1:${port})`)
  })
})
