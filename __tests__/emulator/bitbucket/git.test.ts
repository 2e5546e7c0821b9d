import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { startEmulator, type Emulator } from '../../../emulator/bitbucket/server.ts'

let emu: Emulator
let readToken: string
let writeToken: string
beforeEach(async () => {
  emu = await startEmulator()
  const c = emu.state.addConsumer()
  readToken = emu.state.issueAccessToken(c.key, ['repository']).value
  writeToken = emu.state.issueAccessToken(c.key, ['repository:write']).value
  emu.git.create('acme', 'lib', { 'a.txt': 'a\n' })
})
afterEach(() => emu.close())

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
const refs = (auth?: string) =>
  fetch(`${emu.url}/acme/lib.git/info/refs?service=git-upload-pack`, { headers: auth ? { authorization: auth } : {} })

describe('emulator: git over smart HTTP', () => {
  test('advertises refs to x-token-auth with a valid access token', async () => {
    const res = await refs(basic('x-token-auth', readToken))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement')
    expect(await res.text()).toContain('refs/heads/main')
  })

  test.each([
    ['no credentials', () => undefined],
    ['another user name with a valid token', () => basic('someone', readToken)],
    ['an unknown token', () => basic('x-token-auth', 'not-a-token')],
    ['a valid token as Bearer', () => `Bearer ${readToken}`],
  ])('401 with WWW-Authenticate: Basic for %s', async (_name, auth) => {
    const res = await refs(auth())
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /)
  })

  test('an expired token is refused', async () => {
    emu.state.advance(7201 * 1000)
    expect((await refs(basic('x-token-auth', readToken))).status).toBe(401)
  })

  test('404 for an unknown repository, 403 for a push without repository:write', async () => {
    expect(
      (
        await fetch(`${emu.url}/acme/nope.git/info/refs?service=git-upload-pack`, {
          headers: { authorization: basic('x-token-auth', readToken) },
        })
      ).status,
    ).toBe(404)
    expect(
      (
        await fetch(`${emu.url}/acme/lib.git/info/refs?service=git-receive-pack`, {
          headers: { authorization: basic('x-token-auth', readToken) },
        })
      ).status,
    ).toBe(403)
  })

  test('real git clones and pushes through it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-emu-git-'))
    try {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
        GIT_AUTHOR_NAME: 'T',
        GIT_AUTHOR_EMAIL: 't@x',
        GIT_COMMITTER_NAME: 'T',
        GIT_COMMITTER_EMAIL: 't@x',
      }
      // The header comes from a config file, as the action does it (never on argv in src; fine in a test).
      fs.writeFileSync(
        path.join(dir, '.gitconfig'),
        `[http "${emu.url}/"]\n\textraheader = AUTHORIZATION: ${basic('x-token-auth', writeToken)}\n`,
      )
      const run = (args: string[], cwd = dir) =>
        new Promise<{ code: number; stderr: string }>((resolve) =>
          execFile('git', args, { cwd, env }, (err, _o, stderr) => resolve({ code: err ? 1 : 0, stderr })),
        )
      expect(await run(['clone', '-q', `${emu.url}/acme/lib.git`, 'lib'])).toEqual({ code: 0, stderr: '' })
      fs.writeFileSync(path.join(dir, 'lib/b.txt'), 'b\n')
      expect((await run(['add', 'b.txt'], path.join(dir, 'lib'))).code).toBe(0)
      expect((await run(['commit', '-q', '-m', 'b'], path.join(dir, 'lib'))).code).toBe(0)
      expect(await run(['push', '-q', 'origin', 'main'], path.join(dir, 'lib'))).toMatchObject({ code: 0 })
      expect(await run(['clone', '-q', `${emu.url}/acme/lib.git`, 'again'])).toEqual({ code: 0, stderr: '' })
      expect(fs.readFileSync(path.join(dir, 'again/b.txt'), 'utf8')).toBe('b\n')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('emulator control: git repositories', () => {
  test('POST /_emulator/git-repositories creates one that git serves; a bad name is a 400', async () => {
    const created = await fetch(`${emu.url}/_emulator/git-repositories`, {
      method: 'POST',
      body: JSON.stringify({ repository: 'acme/private-lib', files: { 'README.md': 'hello\n' } }),
    })
    expect(created.status).toBe(200)
    const { commit } = (await created.json()) as { commit: string }
    expect(commit).toMatch(/^[0-9a-f]{40}$/)
    const res = await fetch(`${emu.url}/acme/private-lib.git/info/refs?service=git-upload-pack`, {
      headers: { authorization: basic('x-token-auth', readToken) },
    })
    expect(await res.text()).toContain(`${commit} refs/heads/main`)
    for (const repository of ['acme', 'a/b/c', '../x/y', ''])
      expect(
        (await fetch(`${emu.url}/_emulator/git-repositories`, { method: 'POST', body: JSON.stringify({ repository }) }))
          .status,
      ).toBe(400)
  })
})
