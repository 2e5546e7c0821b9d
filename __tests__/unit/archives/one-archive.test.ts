import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
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
