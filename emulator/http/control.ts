/**
 * Control routes any router-based server can offer another process (the demo,
 * the workflow job): arm and clear faults, read the request log.
 *
 *   POST   /_emulator/faults     a fault or a list of faults (JSON; `path` may be `{"regex": "..."}`)
 *   DELETE /_emulator/faults
 *   GET    /_emulator/requests   the request log
 */
import { Faults } from './faults.ts'
import type { Router } from './router.ts'
import { sendJson } from './reply.ts'

export function registerFaultControl(router: Router): void {
  router.add('POST', /^\/_emulator\/faults$/, (_req, res, ctx) => {
    const value = JSON.parse(ctx.body.toString('utf8')) as unknown
    const list = Array.isArray(value) ? value : [value]
    router.faults.add(...list.map((f) => Faults.fromJson(f as Record<string, unknown>)))
    sendJson(res, 200, { armed: list.length })
  })
  router.add('DELETE', /^\/_emulator\/faults$/, (_req, res) => {
    router.faults.clear()
    sendJson(res, 200, {})
  })
  router.add('GET', /^\/_emulator\/requests$/, (_req, res) => sendJson(res, 200, router.requests))
}
