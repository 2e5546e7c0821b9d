import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { tarGz } from '../../../../emulator/tar-writer.ts'
import { ACTION_WORDING as wording } from '../../../../src/action/wording.ts'
import { UnsafeArchiveError } from '../../../../src/archives/entry-policy.ts'
import { Stager, workerScript } from '../../../../src/archives/worker/pool.ts'
import { HttpClient } from '../../../../src/net/http.ts'

let root: string
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-'))
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

const deps = () => ({ http: new HttpClient({ wording }), info: () => {}, debug: () => {} })

describe('Stager', () => {
  test('without the worker bundle (running from source), stages run in this thread', async () => {
    expect(workerScript()).toBeUndefined()
    const file = path.join(root, 'a.tar.gz')
    const bytes = tarGz([
      { name: 't/', type: 'directory' },
      { name: 't/f.txt', type: 'file', data: 'hello' },
    ])
    fs.writeFileSync(file, bytes)
    const staging = path.join(root, 'staging')
    const stager = new Stager(() => {}, {})
    const r = await stager.stage({ source: { kind: 'file', file }, staging }, deps())
    await stager.close()
    expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(r.bytes).toBe(bytes.length)
    expect(r.stats).toMatchObject({ files: 1 })
    expect(fs.readFileSync(path.join(staging, 'f.txt'), 'utf8')).toBe('hello')
  })

  test('a stage failure keeps its class', async () => {
    const file = path.join(root, 'bad.tar.gz')
    fs.writeFileSync(file, tarGz([{ name: '/etc/x', type: 'file', data: 'x' }]))
    const stager = new Stager(() => {}, {})
    await expect(
      stager.stage({ source: { kind: 'file', file }, staging: path.join(root, 's') }, deps()),
    ).rejects.toThrow(UnsafeArchiveError)
  })
})
