/**
 * `downloads` end to end: the bundled action against the emulator, whose
 * storage host (another loopback address) logs every request it gets.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { archivesOf, sampleTree } from '../../emulator/bitbucket/archive-store.ts'
import { downloadsOf, type DownloadStore } from '../../emulator/bitbucket/downloads.ts'
import { startEmulator } from '../../emulator/bitbucket/server.ts'
import { findLeaks, newJob, removeJob, runStep, type Job, type StepResult } from '../helpers/action.ts'
import { listAll } from '../helpers/archives.ts'
import { allSecrets, FAST_RETRY, startFixture, type Fixture } from '../helpers/emulator.ts'
import { startProxy } from '../helpers/proxy.ts'
import { makeCert } from '../helpers/tls.ts'

let fx: Fixture
let job: Job
let store: DownloadStore

beforeEach(async () => {
  fx = await startFixture()
  store = downloadsOf(fx.emu.state)
  job = newJob('downloads')
})
afterEach(async () => {
  await fx.emu.close()
  removeJob(job)
})

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

function run(downloads: string, extra: Record<string, string> = {}, env: Record<string, string> = {}) {
  return runStep(job, 'main', { inputs: { ...fx.inputs, downloads, ...extra }, env: { ...FAST_RETRY, ...env } })
}

interface Out {
  repository: string
  name: string
  path: string
  sha256: string
  bytes: number
}
const outputs = (r: StepResult): Out[] => JSON.parse(r.outputs.downloads ?? 'null')

/** Every request the storage host got: path without the query, and any Authorization header. */
function storageRequests() {
  return store.storage!.requests.map((q) => ({ path: q.path.split('?')[0]!, authorization: q.headers.authorization }))
}

/** The signatures (and whole query strings) of every signed URL the storage host was asked for. */
function signedUrlParts(): Record<string, string> {
  const out: Record<string, string> = {}
  store.storage!.requests.forEach((q, i) => {
    const url = new URL(q.path, 'http://storage')
    out[`signature-${i}`] = url.searchParams.get('Signature') ?? ''
    out[`query-${i}`] = url.search.slice(1)
  })
  return out
}

/**
 * The whole check after every run: no Authorization ever reached the storage
 * host, no secret leaked (debug is on in every run), no signed URL printed,
 * and nothing of ours left in the workspace (temporary files).
 */
function checkClean(r: StepResult): void {
  expect(store.storage!.requests.filter((q) => q.headers.authorization !== undefined)).toEqual([])
  expect(r.stdout).toContain('::debug::') // debug was on
  expect(findLeaks(r, { ...allSecrets(fx), ...signedUrlParts() })).toEqual([])
  expect(listAll(job.workspace).filter((p) => /\.partial-/.test(p))).toEqual([])
}

describe('downloads', () => {
  test('an exact name with spaces: Bearer to the API, the signed URL without credentials, output and summary', async () => {
    const content = Buffer.from('MZ installer '.repeat(5000))
    store.add('acme/app', 'App Setup 2.4.1.exe', content)
    const r = await run('acme/app/App Setup 2.4.1.exe')
    expect(r.errors).toEqual([])
    expect(r.code).toBe(0)
    const dest = path.join(job.workspace, 'App Setup 2.4.1.exe')
    expect(fs.readFileSync(dest)).toEqual(content)
    expect(outputs(r)).toEqual([
      {
        repository: 'acme/app',
        name: 'App Setup 2.4.1.exe',
        path: dest,
        sha256: sha256(content),
        bytes: content.length,
      },
    ])
    expect(r.summary).toContain('### Bitbucket downloads')
    expect(r.summary).toMatch(
      /\| `acme\/app` \| `App Setup 2\.4\.1\.exe` \| 63\.5 KiB \| \d+\.\d s \| `App Setup 2\.4\.1\.exe` \|/,
    )
    // The API got the token; the storage host got the signed URL and nothing else.
    const api = fx.emu.router.requests.filter((q) => q.path.includes('/downloads'))
    expect(api.map((q) => [q.path, q.headers.authorization])).toEqual([
      ['/2.0/repositories/acme/app/downloads/App%20Setup%202.4.1.exe', `Bearer ${r.outputs['access-token']}`],
    ])
    expect(storageRequests()).toEqual([
      { path: expect.stringMatching(/^\/storage\/[0-9a-f]+\/App%20Setup%202\.4\.1\.exe$/), authorization: undefined },
    ])
    expect(new URL(store.storage!.url).origin).not.toBe(new URL(fx.emu.url).origin)
    // The debug line names the redirect without its query string (`%` is `%25` in a workflow command).
    expect(r.stdout.replace(/%25/g, '%')).toMatch(
      /::debug::GET http:\/\/127\.0\.0\.1:\d+\/2\.0\/repositories\/acme\/app\/downloads\/App%20Setup%202\.4\.1\.exe: HTTP 302 to http:\/\/[\d.]+:\d+\/storage\/[0-9a-f]+\/App%20Setup%202\.4\.1\.exe\?… \(another origin: credentials not forwarded\)/,
    )
    checkClean(r)
  })

  test('a pattern takes the newest matching file, every page read; the output names it', async () => {
    store.options.maxPagelen = 2
    store.add('acme/app', 'nightly-2026-11-01.tar.gz', 'nov 1', { createdOn: '2026-11-01T03:00:00.000001+00:00' })
    store.add('acme/app', 'nightly-2026-11-03.tar.gz', 'nov 3', { createdOn: '2026-11-03T03:00:00.000002+00:00' })
    store.add('acme/app', 'nightly-2026-11-02.tar.gz', 'nov 2', { createdOn: '2026-11-02T03:00:00.000003+00:00' })
    store.add('acme/app', 'release-notes.txt', 'newest of all', { createdOn: '2026-11-20T00:00:00+00:00' })
    store.add('acme/app', 'nightly-2026-11-03.tar.gz.sha256', 'x', { createdOn: '2026-11-21T00:00:00+00:00' })
    store.add('acme/app', 'tie-a.bin', 'a', { createdOn: '2026-01-01T00:00:00+00:00' })
    store.add('acme/app', 'tie-b.bin', 'b', { createdOn: '2026-01-01T00:00:00+00:00' })
    const r = await run('acme/app/nightly-*.tar.gz -> dist/nightly.tar.gz\nacme/app/tie-*')
    expect(r.errors).toEqual([])
    expect(outputs(r).map((o) => [o.name, path.relative(job.workspace, o.path)])).toEqual([
      ['nightly-2026-11-03.tar.gz', 'dist/nightly.tar.gz'],
      ['tie-b.bin', 'tie-b.bin'],
    ])
    expect(fs.readFileSync(path.join(job.workspace, 'dist/nightly.tar.gz'), 'utf8')).toBe('nov 3')
    const pages = fx.emu.router.requests.filter((q) => /\/downloads(\?|$)/.test(q.path)).map((q) => q.path)
    expect(pages).toEqual([
      '/2.0/repositories/acme/app/downloads?pagelen=100',
      '/2.0/repositories/acme/app/downloads?pagelen=2&page=2',
      '/2.0/repositories/acme/app/downloads?pagelen=2&page=3',
      '/2.0/repositories/acme/app/downloads?pagelen=2&page=4',
    ]) // one listing shared by both lines
    expect(r.stdout).toContain('acme/app/nightly-*.tar.gz: the newest match of 7 files is "nightly-2026-11-03.tar.gz"')
    checkClean(r)
  })

  test('a pin that matches; an existing file is replaced whole', async () => {
    fs.mkdirSync(path.join(job.workspace, 'data'))
    fs.writeFileSync(path.join(job.workspace, 'data/countries.csv'), 'an older and much longer file\n'.repeat(100))
    store.add('acme/data', 'countries.csv', 'code,name\nfr,France\n')
    const pin = sha256('code,name\nfr,France\n')
    const r = await run(`acme/data/countries.csv -> data/countries.csv sha256:${pin.toUpperCase()}`)
    expect(r.errors).toEqual([])
    expect(fs.readFileSync(path.join(job.workspace, 'data/countries.csv'), 'utf8')).toBe('code,name\nfr,France\n')
    expect(outputs(r)[0]!.sha256).toBe(pin)
    checkClean(r)
  })

  test('an empty input gives []', async () => {
    const r = await run('')
    expect(r.errors).toEqual([])
    expect(r.outputs.downloads).toBe('[]')
    expect(store.storage!.requests).toEqual([])
  })
})

describe('failures leave DEST as it was', () => {
  let before: string[]
  beforeEach(() => {
    fs.mkdirSync(path.join(job.workspace, 'dist'))
    fs.writeFileSync(path.join(job.workspace, 'dist/app.zip'), 'previous build')
    before = listAll(job.workspace)
  })

  function untouched(r: StepResult): void {
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(listAll(job.workspace)).toEqual(before) // no temporary file, no new folder
    expect(fs.readFileSync(path.join(job.workspace, 'dist/app.zip'), 'utf8')).toBe('previous build')
    expect(r.outputs.downloads).toBeUndefined()
    expect(r.outputs['access-token']).toBeDefined() // the token outputs survive a later failure
    expect(r.stdout).not.toMatch(/^\s+at /m) // no stack trace
    checkClean(r)
  }

  test('a body that goes silent twice ends the step after the second stall (not after every retry)', async () => {
    store.add('acme/app', 'app.zip', Buffer.alloc(200_000, 7))
    fx.emu.faults.add({ kind: 'silence', path: '/storage/', times: Infinity })
    const r = await run('acme/app/app.zip -> dist/app.zip', {}, { BITBUCKET_OAUTH_HTTP_TIMEOUT_MS: '400' })
    expect(r.errors[0]).toMatch(
      /^downloads line 1: The download of acme\/app\/app\.zip broke off 2 times \(last: the answer stalled for 0\.4 s\)\. Check the runner's network/,
    )
    expect(storageRequests()).toHaveLength(2)
    untouched(r)
  })

  test('a pin mismatch writes nothing', async () => {
    store.add('acme/app', 'app.zip', 'new build')
    const r = await run(`acme/app/app.zip -> dist/app.zip sha256:${'0'.repeat(64)}`)
    expect(r.errors[0]).toBe(
      `downloads line 1: The file acme/app/app.zip has sha256 ${sha256('new build')}, but line 1 pins ${'0'.repeat(64)}; nothing was written. If the file was replaced on purpose, update the pin; otherwise do not trust it.`,
    )
    untouched(r)
  })

  test('an unknown file names the repository and the file, and lists a few that exist', async () => {
    for (const n of ['App.zip', 'app-1.0.zip', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'f.txt']) store.add('acme/app', n, n)
    const r = await run('acme/app/app.zip -> dist/new/app.zip')
    expect(r.errors[0]).toMatch(
      /^downloads line 1: acme\/app has no file named "app\.zip" in its Downloads section\. Names are case-sensitive: did you mean "App\.zip"\? Files there include: "App\.zip", "app-1\.0\.zip", .*, and 2 more\.$/,
    )
    untouched(r)
  })

  test('no match for a pattern says so', async () => {
    store.add('acme/app', 'notes.txt', 'n')
    const r = await run('acme/app/app-*.zip -> dist/app.zip')
    expect(r.errors[0]).toBe(
      'downloads line 1: no file in the Downloads section of acme/app matches "app-*.zip" (a "*" matches any run of characters, the rest must match exactly, case included). It has 1 file: "notes.txt".',
    )
    untouched(r)
  })

  test('a token without the repository scope: the message says which scope is missing', async () => {
    store.add('acme/app', 'app.zip', 'x')
    const c = fx.emu.state.addConsumer({ scopes: ['account'] })
    const refresh = fx.emu.state.issueRefreshToken(c.key).value
    const r = await run('acme/app/app.zip -> dist/app.zip', {
      'client-id': c.key,
      'client-secret': c.secret,
      'refresh-token': refresh,
    })
    expect(r.errors[0]).toMatch(
      /^downloads line 1: The token may not read the Downloads section of acme\/app \(HTTP 403 \("Your credentials lack one or more required privilege scopes\."\) while fetching app\.zip\)\. The OAuth consumer needs the Repositories: Read permission \(scope `repository`\)/,
    )
    untouched(r)
  })

  test('an unreadable repository says so', async () => {
    store.add('acme/secret', 'app.zip', 'x')
    store.repository('acme/secret').readers = new Set(['someone-else'])
    const r = await run('acme/secret/*.zip -> dist/app.zip')
    expect(r.errors[0]).toContain('downloads line 1: Repository acme/secret was not found, or the token cannot see it')
    untouched(r)
  })

  test('a storage host that keeps cutting the transfer: the step fails cleanly', async () => {
    store.add('acme/app', 'app.zip', Buffer.alloc(200_000, 3))
    fx.emu.faults.add({ kind: 'truncate', path: '/storage/', fraction: 0.4, times: Infinity })
    const r = await run('acme/app/app.zip -> dist/app.zip')
    expect(r.errors[0]).toMatch(
      /^downloads line 1: The download of acme\/app\/app\.zip broke off 4 times \(last: (the file was cut short|the connection was reset or closed early)\)/,
    )
    expect(storageRequests()).toHaveLength(4)
    untouched(r)
  })

  test('signed URLs that keep expiring: asked for afresh, then a clear error', async () => {
    store.add('acme/app', 'app.zip', 'x')
    store.expireNext = 10
    const r = await run('acme/app/app.zip -> dist/app.zip')
    expect(r.errors[0]).toMatch(
      /^downloads line 1: The storage host 127\.0\.0\.\d:\d+ refused the signed download URL of acme\/app\/app\.zip 3 times \(HTTP 403: the URL had expired/,
    )
    expect(
      r.stdout.match(
        /the storage host refused the signed URL \(HTTP 403: it has expired\); asking Bitbucket for a fresh one/g,
      ),
    ).toHaveLength(2)
    untouched(r)
  })

  test('one failing line of several: the others complete, the failing DEST is untouched, new folders removed', async () => {
    store.add('acme/app', 'ok.bin', 'fine')
    store.add('acme/app', 'app.zip', 'new build')
    const r = await run(
      `acme/app/ok.bin -> fresh/dir/ok.bin\nacme/app/app.zip -> dist/app.zip sha256:${'1'.repeat(64)}\nacme/app/missing.bin -> other/new/m.bin`,
    )
    expect(r.code).toBe(1)
    expect(r.errors).toEqual([
      expect.stringMatching(
        /^downloads line 2: The file acme\/app\/app\.zip has sha256 .* \(1 more line failed too; see the warnings\)$/,
      ),
    ])
    expect(r.warnings.filter((w) => w.startsWith('downloads'))).toEqual([
      expect.stringMatching(/^downloads line 3: acme\/app has no file named "missing\.bin"/),
    ])
    expect(fs.readFileSync(path.join(job.workspace, 'fresh/dir/ok.bin'), 'utf8')).toBe('fine')
    expect(fs.readFileSync(path.join(job.workspace, 'dist/app.zip'), 'utf8')).toBe('previous build')
    expect(fs.existsSync(path.join(job.workspace, 'other'))).toBe(false)
    expect(r.summary).toContain('`ok.bin`')
    checkClean(r)
  })
})

describe('input errors, before any request', () => {
  test.each([
    [
      'acme/app',
      /^downloads line 1 \("acme\/app"\) is not of the form; expected WORKSPACE\/REPO\/FILENAME \[-> DEST\] \[sha256:HEX64\]/,
    ],
    [
      '# files\n\nacme/app/a.zip -> a -> b',
      /^downloads line 3 \(.*\) has a second "->"; expected WORKSPACE\/REPO\/FILENAME/,
    ],
    [
      'acme/app/a.zip sha256:12ab',
      /^downloads line 1 .* has a sha256: that is not 64 hex digits; expected WORKSPACE\/REPO\/FILENAME/,
    ],
    ['acme/app/a.zip ->', /^downloads line 1 .* has a "->" without a DEST/],
    ['acme/app/a.zip -> ../outside.zip', /^downloads line 1: DEST "\.\.\/outside\.zip" leaves the workspace/],
    ['acme/app/a.zip -> .git/config', /\.git/],
  ])('%j', async (downloads, message) => {
    const r = await run(downloads)
    expect(r.code).toBe(1)
    expect(r.errors).toEqual([expect.stringMatching(message)])
    expect(fx.emu.router.requests).toEqual([]) // not even the token request
    expect(r.outputs['access-token']).toBeUndefined()
  })

  test('a DEST that overlaps an archive DEST is refused', async () => {
    const r = await run('acme/app/a.zip -> vendor/lib/a.zip', { archives: 'acme/lib@v1 -> vendor/lib' })
    expect(r.errors).toEqual([
      'archives line 1 and downloads line 1 write to overlapping paths (vendor/lib, vendor/lib/a.zip); give each its own DEST.',
    ])
    expect(fx.emu.router.requests).toEqual([])
  })

  test('a DEST through a symbolic link that leads out of the workspace is refused', async () => {
    fs.symlinkSync(job.root, path.join(job.workspace, 'out'))
    const r = await run('acme/app/a.zip -> out/a.zip')
    expect(r.errors).toEqual([expect.stringContaining('leaves the workspace through a symbolic link')])
    expect(fx.emu.router.requests).toEqual([])
  })
})

describe('network', () => {
  test('an expired signed URL is asked for afresh', async () => {
    store.add('acme/app', 'app.zip', 'fresh')
    store.expireNext = 1
    const r = await run('acme/app/app.zip')
    expect(r.errors).toEqual([])
    expect(r.stdout).toContain(
      'acme/app/app.zip: the storage host refused the signed URL (HTTP 403: it has expired); asking Bitbucket for a fresh one',
    )
    expect(fx.emu.router.requests.filter((q) => q.path.endsWith('/downloads/app.zip'))).toHaveLength(2)
    expect(storageRequests()).toHaveLength(2)
    expect(fs.readFileSync(path.join(job.workspace, 'app.zip'), 'utf8')).toBe('fresh')
    checkClean(r)
  })

  test('a broken transfer resumes with Range where the storage host supports it', async () => {
    const content = Buffer.from(Array.from({ length: 500_000 }, (_, i) => (i * 7919) % 251))
    store.add('acme/app', 'big.bin', content)
    fx.emu.faults.add({ kind: 'truncate', path: '/storage/', fraction: 0.5 })
    const r = await run('acme/app/big.bin')
    expect(r.errors).toEqual([])
    expect(store.storage!.requests.map((q) => q.headers.range)).toEqual([undefined, 'bytes=250000-'])
    expect(r.stdout).toMatch(
      /acme\/app\/big\.bin: the download broke off at 244\.1 KiB of 488\.3 KiB \(.*\); resuming from byte 250000/,
    )
    expect(fs.readFileSync(path.join(job.workspace, 'big.bin'))).toEqual(content)
    expect(outputs(r)[0]).toMatchObject({ sha256: sha256(content), bytes: content.length })
    checkClean(r)
  })

  test('without Range support, a broken transfer is fetched again from the start', async () => {
    const content = Buffer.alloc(300_000, 5)
    store.add('acme/app', 'big.bin', content)
    store.options.acceptRanges = false
    fx.emu.faults.add({ kind: 'truncate', path: '/storage/', fraction: 0.5 })
    const r = await run('acme/app/big.bin')
    expect(r.errors).toEqual([])
    expect(store.storage!.requests.map((q) => q.headers.range)).toEqual([undefined, undefined])
    expect(r.stdout).toMatch(/acme\/app\/big\.bin: the download broke off at .*; starting over/)
    expect(fs.readFileSync(path.join(job.workspace, 'big.bin'))).toEqual(content)
    checkClean(r)
  })

  test('a storage host that fails with 503 is retried through the API (a fresh signed URL)', async () => {
    store.add('acme/app', 'app.zip', 'ok')
    fx.emu.faults.add({ kind: 'status', path: '/storage/', status: 503, times: 2 })
    const r = await run('acme/app/app.zip')
    expect(r.errors).toEqual([])
    expect(fx.emu.router.requests.filter((q) => q.path.endsWith('/downloads/app.zip'))).toHaveLength(3)
    checkClean(r)
  })

  test('a stalled storage host times out and is tried again', async () => {
    store.add('acme/app', 'app.zip', 'ok')
    fx.emu.faults.add({ kind: 'stall', path: '/storage/' })
    const r = await run('acme/app/app.zip', {}, { BITBUCKET_OAUTH_HTTP_TIMEOUT_MS: '500' })
    expect(r.errors).toEqual([])
    expect(storageRequests()).toHaveLength(2)
    checkClean(r)
  })

  test('up to four files at a time, results in input order; after the archives', async () => {
    archivesOf(fx.emu.state).addCommit('acme/lib', sampleTree('lib'), { tags: ['v1'] })
    const lines: string[] = []
    for (let i = 0; i < 6; i++) {
      store.add('acme/app', `part-${i}.bin`, `part ${i}`)
      lines.push(`acme/app/part-${i}.bin -> parts/p${i}.bin`)
    }
    fx.emu.faults.add({ kind: 'delay', path: '/storage/', delayMs: 300, times: 6 })
    const r = await run(lines.join('\n'), { archives: 'acme/lib@v1' })
    expect(r.errors).toEqual([])
    expect(outputs(r).map((o) => o.name)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `part-${i}.bin`))
    const at = store.storage!.requests.map((q) => q.at).sort((a, b) => a - b)
    expect(at[3]! - at[0]!).toBeLessThan(250) // four at once
    expect(at[4]! - at[0]!).toBeGreaterThanOrEqual(250) // not a fifth
    const paths = fx.emu.router.requests.map((q) => q.path)
    expect(paths.findLastIndex((p) => p.includes('/get/'))).toBeLessThan(
      paths.findIndex((p) => p.includes('/downloads')),
    )
    expect(r.summary.indexOf('### Bitbucket archives')).toBeLessThan(r.summary.indexOf('### Bitbucket downloads'))
    expect(r.summary.match(/\| `part-\d\.bin` \|/g)).toHaveLength(6)
    checkClean(r)
  })

  test('over HTTPS without a proxy (NODE_EXTRA_CA_CERTS): a 3 MiB file read directly from the API and the storage host', async () => {
    const cert = makeCert(fs.mkdtempSync(path.join(job.root, 'tls-')), ['127.0.0.2'])
    const tlsEmu = await startEmulator({ tls: cert })
    try {
      const consumer = tlsEmu.state.addConsumer()
      const tlsStore = downloadsOf(tlsEmu.state)
      const content = Buffer.alloc(3 << 20)
      for (let i = 0; i < content.length; i += 4) content.writeUInt32LE(i, i)
      tlsStore.add('acme/app', 'big.bin', content)
      const r = await runStep(job, 'main', {
        inputs: {
          'client-id': consumer.key,
          'client-secret': consumer.secret,
          'refresh-token': tlsEmu.state.issueRefreshToken(consumer.key).value,
          'bitbucket-url': tlsEmu.url,
          'api-url': tlsEmu.apiUrl,
          downloads: 'acme/app/big.bin',
        },
        env: { NODE_EXTRA_CA_CERTS: cert.certFile, RUNNER_DEBUG: '1', ...FAST_RETRY },
      })
      expect(r.errors).toEqual([])
      expect(tlsEmu.url).toMatch(/^https:\/\/127\.0\.0\.1:/)
      expect(fs.readFileSync(path.join(job.workspace, 'big.bin')).equals(content)).toBe(true)
      expect(tlsStore.storage!.requests.map((q) => [q.host.split(':')[0], q.headers.authorization])).toEqual([
        ['127.0.0.2', undefined],
      ])
      checkClean(r)
    } finally {
      await tlsEmu.close()
    }
  })

  test('HTTPS_PROXY carries both the API and the storage host; the storage host still gets no Authorization', async () => {
    const cert = makeCert(fs.mkdtempSync(path.join(job.root, 'tls-')), ['bitbucket.example', 'storage.example'])
    const tlsEmu = await startEmulator({ tls: cert })
    try {
      const consumer = tlsEmu.state.addConsumer()
      const refresh = tlsEmu.state.issueRefreshToken(consumer.key).value
      const tlsStore = downloadsOf(tlsEmu.state)
      tlsStore.publicStorageUrl = 'https://storage.example'
      tlsStore.add('acme/app', 'app.zip', 'through the proxy')
      const proxy = await startProxy({
        'bitbucket.example:443': new URL(tlsEmu.url).host,
        'storage.example:443': new URL(tlsStore.storage!.url).host,
      })
      try {
        const r = await runStep(job, 'main', {
          inputs: {
            'client-id': consumer.key,
            'client-secret': consumer.secret,
            'refresh-token': refresh,
            'bitbucket-url': 'https://bitbucket.example',
            'api-url': 'https://bitbucket.example/2.0',
            downloads: 'acme/app/app.zip',
          },
          env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: cert.certFile, ...FAST_RETRY },
        })
        expect(r.errors).toEqual([])
        expect(fs.readFileSync(path.join(job.workspace, 'app.zip'), 'utf8')).toBe('through the proxy')
        expect(new Set(proxy.seen)).toEqual(new Set(['CONNECT bitbucket.example:443', 'CONNECT storage.example:443']))
        expect(tlsStore.storage!.requests.map((q) => [q.host, q.headers.authorization])).toEqual([
          ['storage.example', undefined],
        ])
      } finally {
        await proxy.close()
      }
    } finally {
      await tlsEmu.close()
    }
  })
})
