import { afterAll, afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { findLeaks, newJob, removeJob, runStep, wasMasked, type Job } from '../helpers/action.ts'
import { FAST_RETRY, startFixture, type Fixture } from '../helpers/emulator.ts'

let fx: Fixture
let job: Job
beforeEach(async () => {
  fx = await startFixture()
  job = newJob('token')
})
afterEach(async () => {
  await fx.emu.close()
  removeJob(job)
})
afterAll(() => {})

describe('refresh grant', () => {
  test('mints a token, rotates the refresh token, outputs and exports it, masked', async () => {
    const r = await runStep(job, 'main', { inputs: fx.inputs, env: FAST_RETRY })
    expect(r.errors).toEqual([])
    expect(r.code).toBe(0)
    const access = r.outputs['access-token']!
    expect(fx.emu.state.validAccessToken(access)).toBeDefined()
    expect(r.outputs['token-type']).toBe('bearer')
    expect(r.outputs['expires-in']).toBe('7200')
    expect(r.outputs['refresh-token-rotated']).toBe('true')
    expect(r.outputs['refresh-token']).not.toBe(fx.refreshToken)
    expect(fx.emu.state.acceptsRefreshToken(r.outputs['refresh-token']!)).toBe(true)
    expect(r.exported.BITBUCKET_ACCESS_TOKEN).toBe(access)
    expect(wasMasked(r.stdout, access)).toBe(true)
    expect(wasMasked(r.stdout, r.outputs['refresh-token']!)).toBe(true)
    expect(r.warnings.join('\n')).toMatch(/rotated the refresh token/)
    expect(findLeaks(r, { secret: fx.consumer.secret, refresh: fx.refreshToken, access, next: r.outputs['refresh-token'] })).toEqual([])
  })
})
