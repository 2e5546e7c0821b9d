/**
 * Bounded work, end to end: a download that drips, a JSON answer far too
 * large, and a malformed proxy variable each end the bundled action with one
 * clear error, in bounded time.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { archivesOf, sampleTree } from '../../emulator/bitbucket/archive-store.ts'
import { findLeaks, newJob, removeJob, runStep, type Job, type StepResult } from '../helpers/action.ts'
import { FAST_RETRY, allSecrets, startFixture, type Fixture } from '../helpers/emulator.ts'

const TOKEN_PATH = '/site/oauth2/access_token'
let fx: Fixture
let job: Job

beforeEach(async () => {
  fx = await startFixture()
  job = newJob('bounded')
})
afterEach(async () => {
  await fx.emu.close()
  removeJob(job)
})

async function run(inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<StepResult> {
  const r = await runStep(job, 'main', { inputs: { ...fx.inputs, ...inputs }, env: { ...FAST_RETRY, ...env } })
  expect(findLeaks(r, allSecrets(fx))).toEqual([])
  return r
}

function expectOneError(r: StepResult, message: RegExp): void {
  expect(r.code).not.toBe(0)
  expect(r.errors).toHaveLength(1)
  expect(r.errors[0]).toMatch(message)
  expect(r.stdout + r.stderr).not.toMatch(/^\s+at\s/m)
}

describe('a download that drips', () => {
  test('one byte every 0.9 s against a 1 s window: a stall, tried once more, then one clear error', async () => {
    archivesOf(fx.emu.state).addCommit('acme/shared-lib', sampleTree('acme/shared-lib@v1.2.0'), { tags: ['v1.2.0'] })
    // Never silent for a whole body timeout (1 s), so only the throughput rule can end it.
    fx.emu.faults.add({ kind: 'drip', path: /\/get\//, chunkBytes: 1, intervalMs: 900, times: Infinity })
    const r = await run(
      { archives: 'acme/shared-lib@v1.2.0 -> vendor/lib' },
      { BITBUCKET_OAUTH_HTTP_TIMEOUT_MS: '1000' },
    )
    expectOneError(
      r,
      /^archives line 1: The archive download of acme\/shared-lib@v1\.2\.0 broke off 2 times \(last: the download stalled\)\. Check the runner's network/,
    )
    expect(fx.emu.router.requests.filter((q) => q.path.includes('/get/'))).toHaveLength(2)
    expect(r.stdout).toMatch(/::debug::.*the answer came too slowly: [0-9] bytes? in 1 s \(at least 1024 expected\)/)
    expect(r.ms).toBeLessThan(15_000)
    expect(fs.existsSync(path.join(job.workspace, 'vendor'))).toBe(false)
    // The token came first and is kept: outputs set before the archives failed.
    expect(r.outputs['access-token']).toBeDefined()
  })
})

describe('a JSON answer far too large', () => {
  test('the token endpoint answering 2 MiB: one error, no retry, nothing output', async () => {
    const huge = JSON.stringify({ access_token: 'x', padding: ' '.repeat(2 * 1024 * 1024) })
    fx.emu.faults.add({ kind: 'status', path: TOKEN_PATH, status: 200, body: huge, times: Infinity })
    const r = await run()
    expectOneError(
      r,
      /^the Bitbucket token endpoint \(127\.0\.0\.1:\d+\) answered HTTP 200 with more than 1 MiB, far more than such an answer holds/,
    )
    expect(fx.emu.router.requests.filter((q) => q.path === TOKEN_PATH)).toHaveLength(1)
    expect(r.outputs['access-token']).toBeUndefined()
  })
})

describe('a malformed proxy variable', () => {
  test('one error naming the variable, never the password, and no request made', async () => {
    const r = await run({}, { HTTPS_PROXY: 'http://user:p#ss-Wd-9f2@proxy.example:3128' })
    expectOneError(r, /^The proxy variable HTTPS_PROXY is not a valid URL \(its value is not shown/)
    expect(r.stdout + r.stderr).not.toMatch(/p#ss|ss-Wd-9f2|ERR_INVALID_URL/)
    expect(fx.emu.router.requests).toEqual([])
  })
})
