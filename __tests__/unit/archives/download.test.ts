import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import http1 from 'node:http'
import type { AddressInfo } from 'node:net'
import { archivesOf, sampleTree, type ArchiveStore } from '../../../emulator/bitbucket/archive-store.ts'
import { startEmulator, type Emulator } from '../../../emulator/bitbucket/server.ts'
import { ACTION_WORDING as wording } from '../../../src/action/wording.ts'
import { downloadArchive, type ArchiveRef, type DownloadDeps } from '../../../src/archives/download.ts'
import { HttpClient } from '../../../src/net/http.ts'
import { ActionError } from '../../../src/shared/errors.ts'

let emu: Emulator
let store: ArchiveStore
let auth: string
let a: ArchiveRef
let http: HttpClient
let lines: string[]

beforeAll(async () => {
  emu = await startEmulator()
  store = archivesOf(emu.state)
  const c = emu.state.addConsumer()
  auth = `Bearer ${emu.state.issueAccessToken(c.key, ['repository']).value}`
  const commit = store.addCommit('acme/lib', sampleTree('x'), { tags: ['v1'] })
  a = { workspace: 'acme', repo: 'lib', ref: 'v1', commit }
  http = new HttpClient({ wording, timeouts: { bodyMs: 300 }, retry: { baseDelayMs: 1, maxDelayMs: 2 } })
})
afterAll(async () => {
  await http.close()
  await emu.close()
})
afterEach(() => emu.faults.clear())

function deps(authorization = auth): DownloadDeps {
  lines = []
  return {
    http,
    bitbucketUrl: new URL(emu.url),
    authorization,
    info: (m) => void lines.push(m),
    debug: (m) => void lines.push(`debug: ${m}`),
  }
}
const requests = () => emu.router.requests.splice(0).filter((r) => r.path.includes('/get/')).length
/** A consumer that reads the whole body and counts its bytes. */
const count = async (body: AsyncIterable<Buffer>) => {
  let n = 0
  for await (const chunk of body) n += chunk.length
  return n
}

describe('downloadArchive', () => {
  test('the archive, hashed and counted on the way', async () => {
    requests()
    const d = await downloadArchive(deps(), a, count)
    const bytes = store.archive('acme/lib', a.commit)
    expect(d).toEqual({
      result: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
      attempts: 1,
    })
    expect(requests()).toBe(1)
  })

  test('a body cut off is fetched again, and the user is told', async () => {
    emu.faults.add({ kind: 'truncate', path: '/acme/lib/get/', fraction: 0.5 })
    requests()
    const d = await downloadArchive(deps(), a, count)
    expect(d.attempts).toBe(2)
    expect(requests()).toBe(2)
    expect(lines).toContainEqual(
      expect.stringMatching(/^debug: acme\/lib@v1: attempt 1 got \d+ of \d+ bytes: .*, retry 1 in \d+ ms$/),
    )
    expect(lines).toContainEqual(
      expect.stringMatching(/^acme\/lib@v1: the download broke off \(.*\); trying again in 0\.0 s$/),
    )
  })

  test("a body that keeps breaking off ends after the policy's attempts", async () => {
    emu.faults.add({ kind: 'truncate', path: '/acme/lib/get/', fraction: 0.5, times: Infinity })
    requests()
    await expect(downloadArchive(deps(), a, count)).rejects.toThrow(
      /^The archive download of acme\/lib@v1 broke off 4 times \(last: .*\)\. Check the runner's network/,
    )
    expect(requests()).toBe(4)
  })

  test('a stall is tried once more only', async () => {
    let calls = 0
    const server = http1.createServer((_req, res) => {
      calls++
      res.writeHead(200, { 'content-type': 'application/x-gzip', 'content-length': '1000' })
      res.write(Buffer.alloc(100))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
      await expect(downloadArchive({ ...deps(), bitbucketUrl: url }, a, count)).rejects.toThrow(
        /^The archive download of acme\/lib@v1 broke off 2 times \(last: the download stalled\)/,
      )
      expect(calls).toBe(2)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  test('a refusal is final: no second download', async () => {
    requests()
    const err = await downloadArchive(deps('Bearer nope'), a, count).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ActionError)
    expect((err as Error).message).toMatch(
      /^Bitbucket answered the archive download of acme\/lib@v1 with its login page/,
    )
    expect(requests()).toBe(1)
  })

  test('a request that failed after its own retries is not repeated by the download', async () => {
    emu.faults.add({ kind: 'status', path: '/acme/lib/get/', status: 503, times: Infinity })
    requests()
    await expect(downloadArchive(deps(), a, count)).rejects.toThrow(/answered HTTP 503\. Bitbucket may be degraded/)
    expect(requests()).toBe(4)
  })
})
