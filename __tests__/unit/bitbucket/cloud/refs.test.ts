import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { archivesOf, sampleTree } from '../../../../emulator/bitbucket/archive-store.ts'
import { startEmulator, type Emulator } from '../../../../emulator/bitbucket/server.ts'
import { ACTION_WORDING as wording } from '../../../../src/action/wording.ts'
import { HttpClient } from '../../../../src/net/http.ts'
import { resolveRef } from '../../../../src/bitbucket/cloud/refs.ts'

let emu: Emulator
let http: HttpClient
let commit: string
let auth: string
beforeAll(async () => {
  emu = await startEmulator()
  const c = emu.state.addConsumer()
  auth = `Bearer ${emu.state.issueAccessToken(c.key, ['repository']).value}`
  commit = archivesOf(emu.state).addCommit('acme/lib', sampleTree('x'), { tags: ['v1', 'rel/1'], branches: ['main'] })
  http = new HttpClient({ wording, retry: { baseDelayMs: 1, maxDelayMs: 2 } })
})
afterAll(async () => {
  await http.close()
  await emu.close()
})

const deps = () => ({ http, apiUrl: new URL(emu.apiUrl), authorization: auth })
const paths = () => emu.router.requests.splice(0).map((r) => r.path)

describe('resolveRef', () => {
  test('tag first, URL-encoded', async () => {
    paths()
    expect(await resolveRef(deps(), 'acme', 'lib', 'rel/1')).toEqual({ commit, kind: 'tag' })
    expect(paths()).toEqual(['/2.0/repositories/acme/lib/refs/tags/rel%2F1'])
  })
  test('then branches', async () => {
    expect(await resolveRef(deps(), 'acme', 'lib', 'main')).toEqual({ commit, kind: 'branch' })
    expect(paths()).toEqual([
      '/2.0/repositories/acme/lib/refs/tags/main',
      '/2.0/repositories/acme/lib/refs/branches/main',
    ])
  })
  test('a full hash goes straight to commit/; a short one after tags and branches', async () => {
    expect(await resolveRef(deps(), 'acme', 'lib', commit.toUpperCase())).toEqual({ commit, kind: 'commit' })
    expect(paths()).toEqual([`/2.0/repositories/acme/lib/commit/${commit}`])
    expect(await resolveRef(deps(), 'acme', 'lib', commit.slice(0, 10))).toEqual({ commit, kind: 'commit' })
    expect(paths()).toHaveLength(3)
  })
  test('an unknown name: no commit/ lookup for a non-hex name; the repository is checked for the message', async () => {
    await expect(resolveRef(deps(), 'acme', 'lib', 'nope')).rejects.toThrow(
      'acme/lib has no tag, branch or commit named "nope"',
    )
    expect(paths()).toEqual([
      '/2.0/repositories/acme/lib/refs/tags/nope',
      '/2.0/repositories/acme/lib/refs/branches/nope',
      '/2.0/repositories/acme/lib',
    ])
  })
  test('an invalid token: 401 that says what to do', async () => {
    await expect(resolveRef({ ...deps(), authorization: 'Bearer nope' }, 'acme', 'lib', 'v1')).rejects.toThrow(
      /refused the access token while resolving acme\/lib@v1 \(HTTP 401/,
    )
  })
})

describe('emulator admin', () => {
  test('POST /_emulator/repositories seeds a sample repository with a tag (for the demo)', async () => {
    const res = await fetch(`${emu.url}/_emulator/repositories`, {
      method: 'POST',
      body: JSON.stringify({ repository: 'demo/lib', tag: 'v2.0.0' }),
    })
    const body = (await res.json()) as { commit: string; files: string[] }
    expect(body.files).toContain('bin/run.sh')
    expect(await resolveRef(deps(), 'demo', 'lib', 'v2.0.0')).toEqual({ commit: body.commit, kind: 'tag' })
  })
})
