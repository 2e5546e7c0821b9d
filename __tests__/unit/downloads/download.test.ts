/** fetchDownloads in-process against the emulator: the real HTTP client, a recording `core`. */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { startEmulator, type Emulator } from '../../../emulator/bitbucket/server.ts'
import { downloadsOf, type DownloadStore } from '../../../emulator/bitbucket/downloads.ts'
import { ACTION_WORDING } from '../../../src/action/wording.ts'
import { HttpClient } from '../../../src/net/http.ts'
import { Masker } from '../../../src/shared/mask.ts'
import { fetchDownloads } from '../../../src/downloads/index.ts'
import { parseDownloads } from '../../../src/downloads/spec.ts'
import type { ActionCore, StepContext } from '../../../src/action/run.ts'
import type { Config } from '../../../src/action/inputs.ts'

let emu: Emulator
let store: DownloadStore
let ws: string
let http: HttpClient
let log: string[]
let summary: string
let token: string

beforeEach(async () => {
  emu = await startEmulator()
  store = downloadsOf(emu.state)
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-dl-'))
  http = new HttpClient({
    wording: ACTION_WORDING,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    timeouts: { bodyMs: 2000 },
  })
  log = []
  summary = ''
  const c = emu.state.addConsumer({ scopes: ['repository'] })
  token = emu.state.issueAccessToken(c.key, ['repository']).value
})
afterEach(async () => {
  await http.close()
  await emu.close()
  fs.rmSync(ws, { recursive: true, force: true })
})

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

function context(lines: string, accessToken = token): StepContext {
  const core: ActionCore = {
    getInput: () => '',
    setOutput: () => {},
    exportVariable: () => {},
    saveState: () => {},
    info: (m) => log.push(m),
    warning: (m) => log.push(`warning: ${m}`),
    debug: (m) => log.push(`debug: ${m}`),
    appendSummary: async (md) => void (summary += md),
  }
  const config = {
    apiUrl: new URL(emu.apiUrl),
    workspace: ws,
    archives: [],
    downloads: parseDownloads(lines, ws),
  } as unknown as Config
  return { core, http, masker: new Masker(() => {}), config, accessToken, env: {} }
}

function storageRequests() {
  return store.storage!.requests.map((r) => ({ path: r.path.split('?')[0], auth: r.headers.authorization }))
}

/** Everything in the workspace (relative), to show nothing else was written. */
function tree(): string[] {
  return (fs.readdirSync(ws, { recursive: true }) as string[]).sort()
}

describe('fetchDownloads', () => {
  test('an exact name with spaces: redirect followed without the token, streamed, hashed, renamed', async () => {
    const content = Buffer.from('installer bytes '.repeat(1000))
    store.add('acme/app', 'My Setup 1.0.exe', content)
    const r = await fetchDownloads(context('acme/app/My Setup 1.0.exe -> dist/setup.exe'))
    const dest = path.join(ws, 'dist/setup.exe')
    expect(r).toEqual([
      { repository: 'acme/app', name: 'My Setup 1.0.exe', path: dest, sha256: sha(content), bytes: content.length },
    ])
    expect(fs.readFileSync(dest)).toEqual(content)
    expect(tree()).toEqual(['dist', 'dist/setup.exe'])
    expect(storageRequests()).toEqual([
      { path: expect.stringMatching(/^\/storage\/[0-9a-f]+\/My%20Setup%201\.0\.exe$/), auth: undefined },
    ])
    const api = emu.router.requests.filter((q) => q.path.includes('/downloads/'))
    expect(api.map((q) => [q.path, q.headers.authorization])).toEqual([
      ['/2.0/repositories/acme/app/downloads/My%20Setup%201.0.exe', `Bearer ${token}`],
    ])
    expect(summary).toContain('| `acme/app` | `My Setup 1.0.exe` | 15.6 KiB |')
  })

  test('a pattern takes the newest match over every page; the default DEST is its name', async () => {
    store.options.maxPagelen = 2
    store.add('acme/app', 'app-1.0.zip', 'one', { createdOn: '2024-01-01T00:00:00.000001+00:00' })
    store.add('acme/app', 'app-1.1.zip', 'two', { createdOn: '2024-01-01T00:00:00.000003+00:00' })
    store.add('acme/app', 'notes.txt', 'n', { createdOn: '2025-01-01T00:00:00+00:00' })
    store.add('acme/app', 'app-1.2.zip.sha256', 's', { createdOn: '2025-01-02T00:00:00+00:00' })
    store.add('acme/app', 'app-0.9.zip', 'old', { createdOn: '2024-01-01T00:00:00.000002+00:00' })
    const r = await fetchDownloads(context('acme/app/app-*.zip'))
    expect(r.map((x) => [x.name, path.relative(ws, x.path)])).toEqual([['app-1.1.zip', 'app-1.1.zip']])
    expect(fs.readFileSync(path.join(ws, 'app-1.1.zip'), 'utf8')).toBe('two')
    const pages = emu.router.requests.filter((q) => /\/downloads(\?|$)/.test(q.path)).map((q) => q.path)
    expect(pages).toEqual([
      '/2.0/repositories/acme/app/downloads?pagelen=100',
      '/2.0/repositories/acme/app/downloads?pagelen=2&page=2',
      '/2.0/repositories/acme/app/downloads?pagelen=2&page=3',
    ])
  })

  test('an expired signed URL is asked for afresh', async () => {
    store.add('acme/app', 'a.bin', 'abc')
    store.expireNext = 2
    const r = await fetchDownloads(context('acme/app/a.bin'))
    expect(r[0]!.bytes).toBe(3)
    expect(log.filter((l) => l.includes('it has expired'))).toHaveLength(2)
    expect(emu.router.requests.filter((q) => q.path.endsWith('/downloads/a.bin'))).toHaveLength(3)
  })

  test('a broken transfer resumes with Range where the storage host takes it', async () => {
    const content = Buffer.alloc(300_000, 7)
    content.write('head', 0)
    content.write('tail', content.length - 4)
    store.add('acme/app', 'big.bin', content)
    emu.faults.add({ kind: 'truncate', path: '/storage/', fraction: 0.5 })
    const r = await fetchDownloads(context('acme/app/big.bin'))
    expect(r[0]).toMatchObject({ sha256: sha(content), bytes: content.length })
    const ranges = store.storage!.requests.map((q) => q.headers.range)
    expect(ranges).toEqual([undefined, 'bytes=150000-'])
    expect(store.storage!.requests[1]!.headers['if-range']).toMatch(/^"[0-9a-f]+"$/)
    expect(log.some((l) => l.includes('resuming from byte 150000'))).toBe(true)
  })

  test('without Range support, a broken transfer starts over', async () => {
    const content = Buffer.alloc(200_000, 9)
    store.add('acme/app', 'big.bin', content)
    store.options.acceptRanges = false
    emu.faults.add({ kind: 'truncate', path: '/storage/', fraction: 0.3 })
    const r = await fetchDownloads(context('acme/app/big.bin'))
    expect(r[0]).toMatchObject({ sha256: sha(content), bytes: content.length })
    expect(store.storage!.requests.map((q) => q.headers.range)).toEqual([undefined, undefined])
    expect(log.some((l) => l.includes('starting over'))).toBe(true)
  })

  test('a pin mismatch writes nothing and leaves an existing DEST as it was', async () => {
    fs.writeFileSync(path.join(ws, 'keep.bin'), 'old')
    store.add('acme/app', 'a.bin', 'new')
    await expect(fetchDownloads(context(`acme/app/a.bin -> keep.bin sha256:${'0'.repeat(64)}`))).rejects.toThrow(
      `downloads line 1: The file acme/app/a.bin has sha256 ${sha('new')}, but line 1 pins ${'0'.repeat(64)}; nothing was written.`,
    )
    expect(fs.readFileSync(path.join(ws, 'keep.bin'), 'utf8')).toBe('old')
    expect(tree()).toEqual(['keep.bin'])
  })

  test('an unknown file names the repository and the file, and lists names that exist', async () => {
    store.add('acme/app', 'App-1.0.zip', 'x')
    store.add('acme/app', 'readme.txt', 'y')
    await expect(fetchDownloads(context('acme/app/app-1.0.zip -> new/dir/app.zip'))).rejects.toThrow(
      'downloads line 1: acme/app has no file named "app-1.0.zip" in its Downloads section. Names are case-sensitive: did you mean "App-1.0.zip"? Files there include: "App-1.0.zip", "readme.txt".',
    )
    expect(tree()).toEqual([])
  })

  test('no match for a pattern says so', async () => {
    store.add('acme/app', 'readme.txt', 'y')
    await expect(fetchDownloads(context('acme/app/*.zip'))).rejects.toThrow(
      'downloads line 1: no file in the Downloads section of acme/app matches "*.zip"',
    )
  })

  test('a token without the repository scope: the message names the scope', async () => {
    store.add('acme/app', 'a.bin', 'x')
    const c = emu.state.addConsumer({ scopes: ['account'] })
    const weak = emu.state.issueAccessToken(c.key, ['account']).value
    await expect(fetchDownloads(context('acme/app/a.bin', weak))).rejects.toThrow(
      /The token may not read the Downloads section of acme\/app \(HTTP 403.*scope `repository`/,
    )
  })

  test('an unknown repository says so', async () => {
    await expect(fetchDownloads(context('acme/nope/a.bin'))).rejects.toThrow(
      'downloads line 1: Repository acme/nope was not found, or the token cannot see it',
    )
  })

  test("a pattern's default DEST is checked against the other lines once matched, before anything is fetched", async () => {
    store.add('acme/app', 'app-1.0.zip', 'x')
    store.add('acme/app', 'other.zip', 'y')
    await expect(fetchDownloads(context('acme/app/other.zip -> app-1.0.zip\nacme/app/app-*.zip'))).rejects.toThrow(
      'downloads lines 1 and 2 write to overlapping paths (app-1.0.zip, app-1.0.zip); give each its own DEST.',
    )
    expect(store.storage!.requests).toEqual([])
    expect(tree()).toEqual([])
  })

  test('a name from the list that is not a plain file name needs a DEST', async () => {
    store.add('acme/app', '..', 'x')
    await expect(fetchDownloads(context('acme/app/.*'))).rejects.toThrow(
      'is "..", which cannot be the DEST as it is: it is not a plain file name. Add "-> DEST" to the line.',
    )
    expect(tree()).toEqual([])
  })
})
