import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { tarChunks } from '../../../emulator/tar-writer.ts'
import { archivesOf, sampleTree, type ArchiveStore, type Tree } from '../../../emulator/bitbucket/archive-store.ts'
import { startEmulator, type Emulator } from '../../../emulator/bitbucket/server.ts'
import { ACTION_WORDING as wording } from '../../../src/action/wording.ts'
import type { Config } from '../../../src/action/inputs.ts'
import type { StepContext } from '../../../src/action/run.ts'
import { fetchOne } from '../../../src/archives/one-archive.ts'
import { parseArchives } from '../../../src/archives/spec.ts'
import { Stager } from '../../../src/archives/worker/pool.ts'
import { HttpClient } from '../../../src/net/http.ts'
import { Masker } from '../../../src/shared/mask.ts'
import { compareTree, listAll } from '../../helpers/archives.ts'
import { CLOUD } from '../../../src/bitbucket/cloud/provider.ts'

let emu: Emulator
let store: ArchiveStore
let tree: Tree
let commit: string
let token: string
let http: HttpClient
let root: string
let lines: string[]

beforeAll(async () => {
  emu = await startEmulator()
  store = archivesOf(emu.state)
  tree = sampleTree('acme/lib@v1')
  commit = store.addCommit('acme/lib', tree, { tags: ['v1'] })
  token = emu.state.issueAccessToken(emu.state.addConsumer().key, ['repository']).value
  http = new HttpClient({ wording, retry: { baseDelayMs: 1, maxDelayMs: 2 } })
})
afterAll(async () => {
  await http.close()
  await emu.close()
})
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'one-archive-'))
  for (const d of ['ws', 'temp']) fs.mkdirSync(path.join(root, d))
  lines = []
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

function context(): StepContext {
  const record = (prefix: string) => (m: string) => void lines.push(prefix + m)
  const config = {
    provider: CLOUD,
    bitbucketUrl: new URL(emu.url),
    apiUrl: new URL(emu.apiUrl),
    workspace: path.join(root, 'ws'),
    runnerTemp: path.join(root, 'temp'),
  } as Config
  return {
    core: {
      getInput: () => '',
      setOutput: () => {},
      exportVariable: () => {},
      saveState: () => {},
      info: record(''),
      warning: record('warning: '),
      debug: record('debug: '),
      appendSummary: async () => {},
    },
    http,
    masker: new Masker(() => {}),
    config,
    accessToken: token,
    env: {},
  }
}

async function fetchLine(line: string) {
  const ctx = context()
  const stager = new Stager(() => {}, {})
  try {
    return await fetchOne(ctx, stager, parseArchives(line, ctx.config.workspace)[0]!, false)
  } finally {
    await stager.close()
  }
}

const sha256 = () => createHash('sha256').update(store.archive('acme/lib', commit)).digest('hex')

describe('fetchOne', () => {
  test('streamed: the ref resolved, the archive extracted into DEST, the result described', async () => {
    const done = await fetchLine('acme/lib@v1 -> vendor/lib')
    const dest = path.join(root, 'ws/vendor/lib')
    expect(compareTree(dest, tree)).toEqual([])
    expect(done).toMatchObject({
      result: { repository: 'acme/lib', ref: 'v1', commit, path: dest, sha256: sha256() },
      kind: 'tag',
      cached: false,
    })
    expect(lines[0]).toBe(`acme/lib@v1: tag → commit ${commit}`)
    expect(lines).toContainEqual(expect.stringMatching(/^acme\/lib@v1: downloaded .* files into vendor\/lib in /))
    expect(listAll(path.join(root, 'temp'))).toEqual([])
  })

  test('pinned: checked through a temp file before anything is extracted', async () => {
    const done = await fetchLine(`acme/lib@v1 sha256:${sha256()}`)
    expect(compareTree(done.result.path, tree)).toEqual([])
    expect(listAll(path.join(root, 'temp'))).toEqual([])
  })

  test('a pin mismatch writes nothing, and says what to do', async () => {
    await expect(fetchLine(`acme/lib@v1 -> a/b/lib sha256:${'0'.repeat(64)}`)).rejects.toThrow(
      /^The archive of acme\/lib@v1 \(commit [0-9a-f]{12}\) has sha256 [0-9a-f]{64}, but line 1 pins 0{64}; nothing was written\./,
    )
    expect(listAll(path.join(root, 'ws'))).toEqual([])
    expect(listAll(path.join(root, 'temp'))).toEqual([])
  })

  test('an existing DEST is replaced as a whole', async () => {
    fs.mkdirSync(path.join(root, 'ws/lib'))
    fs.writeFileSync(path.join(root, 'ws/lib/old.txt'), 'old')
    await fetchLine('acme/lib@v1')
    expect(compareTree(path.join(root, 'ws/lib'), tree)).toEqual([])
  })
})

/** A gzip of `tar` exactly `size` bytes long (a gzip comment pads it), as a same-size forgery of a cached file. */
function gzipOfSize(tar: Buffer, size: number): Buffer {
  const deflated = zlib.deflateRawSync(tar)
  const trailer = Buffer.alloc(8)
  trailer.writeUInt32LE(zlib.crc32(tar), 0)
  trailer.writeUInt32LE(tar.length, 4)
  const comment = size - 10 - deflated.length - 8 - 1
  if (comment < 0) throw new Error('the forgery does not fit')
  // ID1 ID2 CM=8 FLG=FCOMMENT, MTIME, XFL, OS; then the comment, NUL-terminated.
  const head = Buffer.from([0x1f, 0x8b, 8, 0x10, 0, 0, 0, 0, 0, 3])
  return Buffer.concat([head, Buffer.alloc(comment, 0x61), Buffer.from([0]), deflated, trailer])
}

describe('fetchOne with cache: true', () => {
  let saved: string | undefined
  beforeEach(() => {
    saved = process.env.RUNNER_TOOL_CACHE
    process.env.RUNNER_TOOL_CACHE = path.join(root, 'toolcache')
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.RUNNER_TOOL_CACHE
    else process.env.RUNNER_TOOL_CACHE = saved
  })

  async function fetchCached(line: string) {
    const ctx = context()
    const stager = new Stager(() => {}, {})
    try {
      return await fetchOne(ctx, stager, parseArchives(line, ctx.config.workspace)[0]!, true)
    } finally {
      await stager.close()
    }
  }

  test('cached bytes that do not match the record are never extracted: the archive is downloaded again', async () => {
    await fetchCached('acme/lib@v1 -> first')
    const cached = path.join(root, 'toolcache/bitbucket-archive/acme/lib', `0.0.0-c${commit}`, 'any/archive.tar.gz')
    const size = fs.statSync(cached).size
    // Someone with write access to the tool cache swaps in a hostile archive of the same size.
    const hostile = Buffer.concat([
      ...tarChunks([
        { name: 'top/', type: 'directory' },
        { name: 'top/../../PLANTED', type: 'file', data: 'x' },
      ]),
    ])
    fs.writeFileSync(cached, gzipOfSize(hostile, size))
    expect(fs.statSync(cached).size).toBe(size)
    const requests = emu.router.requests.length
    const done = await fetchCached(`acme/lib@v1 -> second sha256:${sha256()}`)
    expect(lines).toContainEqual(
      `warning: acme/lib@v1: the cached archive of commit ${commit.slice(0, 12)} does not match its recorded sha256; downloading it again.`,
    )
    expect(done.cached).toBe(false)
    expect(emu.router.requests.slice(requests).some((q) => q.path.includes('/get/'))).toBe(true)
    expect(compareTree(path.join(root, 'ws/second'), tree)).toEqual([])
    expect(fs.existsSync(path.join(root, 'PLANTED'))).toBe(false)
  })

  test('a cache hit checks a pin against the bytes of the cached file', async () => {
    await fetchCached('acme/lib@v1 -> first')
    await expect(fetchCached(`acme/lib@v1 -> second sha256:${'a'.repeat(64)}`)).rejects.toThrow(
      new RegExp(
        `^The cached archive of acme/lib@v1 \\(commit [0-9a-f]{12}\\) has sha256 ${sha256()}, but line 1 pins a{64}`,
      ),
    )
    expect(fs.existsSync(path.join(root, 'ws/second'))).toBe(false)
  })
})
