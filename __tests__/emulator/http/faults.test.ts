/** The faults that take over a handler's answer: `silence` (headers, then nothing) and `drip`. */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Faults } from '../../../emulator/http/faults.ts'
import { Router } from '../../../emulator/http/router.ts'
import { sendJson } from '../../../emulator/http/reply.ts'

let router: Router
let server: http.Server
let base: string
let handled: number

beforeEach(async () => {
  router = new Router(new Faults())
  handled = 0
  router.add('POST', /^\/token$/, (_req, res) => {
    handled++
    sendJson(res, 200, { access_token: 'a', token_type: 'bearer' })
  })
  server = http.createServer((req, res) => void router.handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

/** Status, headers, and the body chunks with the time each came (ms after the headers). */
function post(path: string, waitMs: number) {
  return new Promise<{ status: number; type: string; chunks: { at: number; text: string }[]; ended: boolean }>(
    (resolve, reject) => {
      const req = http.request(`${base}${path}`, { method: 'POST' }, (res) => {
        const t0 = Date.now()
        const chunks: { at: number; text: string }[] = []
        let ended = false
        res.on('data', (c: Buffer) => chunks.push({ at: Date.now() - t0, text: c.toString() }))
        res.on('end', () => (ended = true))
        setTimeout(() => {
          req.destroy()
          resolve({ status: res.statusCode!, type: String(res.headers['content-type']), chunks, ended })
        }, waitMs)
      })
      req.on('error', reject)
      req.end('grant_type=refresh_token')
    },
  )
}

describe('silence', () => {
  test('the handler runs, its status and headers arrive, and then nothing', async () => {
    router.faults.add({ kind: 'silence', path: '/token' })
    const r = await post('/token', 400)
    expect(handled).toBe(1)
    expect(r.status).toBe(200)
    expect(r.type).toMatch(/application\/json/)
    expect(r.chunks).toEqual([])
    expect(r.ended).toBe(false)
    // Once only: the next request is answered.
    const next = await post('/token', 200)
    expect(next.chunks.map((c) => c.text).join('')).toContain('access_token')
  })
})

describe('drip', () => {
  test("the handler's body, a few bytes at a time, headers first", async () => {
    router.faults.add({ kind: 'drip', path: '/token', chunkBytes: 4, intervalMs: 60 })
    const r = await post('/token', 2000)
    const body = JSON.stringify({ access_token: 'a', token_type: 'bearer' })
    expect(r.chunks.map((c) => c.text).join('')).toBe(body)
    expect(r.chunks.every((c) => c.text.length <= 4)).toBe(true)
    expect(r.chunks.length).toBe(Math.ceil(body.length / 4))
    // Spread out: the last chunk came about (n - 1) intervals after the first.
    expect(r.chunks.at(-1)!.at - r.chunks[0]!.at).toBeGreaterThanOrEqual((r.chunks.length - 1) * 50)
    expect(r.ended).toBe(true)
  })
})
