import { afterAll, beforeAll, expect, test } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArchives } from '../../../src/archives/spec.ts'

let ws: string
beforeAll(() => {
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-spec-'))
  fs.mkdirSync(path.join(ws, 'vendor'))
  fs.symlinkSync(os.tmpdir(), path.join(ws, 'outside'))
  fs.symlinkSync(path.join(ws, 'vendor'), path.join(ws, 'inside'))
})
afterAll(() => fs.rmSync(ws, { recursive: true, force: true }))

test('a DEST whose name merely starts with two dots stays inside', () => {
  expect(parseArchives('ws/repo@v1 -> ..cache', ws)[0]!.dest).toBe(path.join(ws, '..cache'))
})

test('a DEST that escapes through a symbolic link is refused', () => {
  expect(() => parseArchives('ws/repo@v1 -> outside/x', ws)).toThrow(
    /line 1: DEST "outside\/x" leaves the workspace through a symbolic link/,
  )
})

test('a symbolic link that stays inside is fine', () => {
  expect(parseArchives('ws/repo@v1 -> inside/x', ws)).toHaveLength(1)
})

test("the checkout's .git is refused", () => {
  expect(() => parseArchives('ws/repo@v1 -> .git/x', ws)).toThrow(/inside the checkout's .git folder/)
})

test('"->" without spaces is a malformed line, not part of the ref', () => {
  expect(() => parseArchives('ws/repo@v1->vendor/x', ws)).toThrow(/line 1 .*put spaces around "->"/)
})
