import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { Destination } from '../../../src/archives/destination.ts'

let root: string
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'destination-'))
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

describe('Destination', () => {
  test('replaces an existing DEST as a whole; abort removes staging and the parents it created', async () => {
    const ws = path.join(root, 'ws')
    fs.mkdirSync(path.join(ws, 'dest'), { recursive: true })
    fs.writeFileSync(path.join(ws, 'dest/old'), 'old')
    const d = await Destination.open(path.join(ws, 'dest'), ws)
    const staging = await d.staging()
    fs.writeFileSync(path.join(staging, 'new'), 'new')
    await d.commit(0o755)
    expect(fs.readdirSync(path.join(ws, 'dest'))).toEqual(['new'])
    expect(fs.readdirSync(ws)).toEqual(['dest'])

    const e = await Destination.open(path.join(ws, 'a/b/c'), ws)
    await e.staging()
    expect(fs.existsSync(path.join(ws, 'a/b'))).toBe(true)
    await e.abort()
    expect(fs.readdirSync(ws)).toEqual(['dest'])
  })
})

describe('Destination.open', () => {
  test('refuses a DEST whose parent leads outside the workspace through a symlink, and removes what it made', async () => {
    const ws = path.join(root, 'ws')
    const outside = path.join(root, 'outside')
    fs.mkdirSync(ws)
    fs.mkdirSync(outside)
    fs.symlinkSync(outside, path.join(ws, 'link'))
    await expect(Destination.open(path.join(ws, 'link/a/dest'), ws)).rejects.toThrow(
      /is a symlink that leads outside it/,
    )
    expect(fs.readdirSync(outside)).toEqual([])
  })

  test('a folder named ..x inside the workspace is inside', async () => {
    const ws = path.join(root, 'ws')
    fs.mkdirSync(ws)
    const d = await Destination.open(path.join(ws, '..x/dest'), ws)
    await d.staging()
    await d.commit()
    expect(fs.existsSync(path.join(ws, '..x/dest'))).toBe(true)
  })
})
