/**
 * The Data Center emulator serves personal repositories (`~USERSLUG`), and
 * matches project keys ignoring case as Data Center does: the REST API's
 * `~ALICE/dotfiles` is the clone URL's `/scm/~alice/dotfiles.git`.
 */
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { startDataCenter, type DataCenter } from '../../../emulator/datacenter/server.ts'
import { isolatedGitEnv } from '../../../emulator/bitbucket/git-repos.ts'

let dc: DataCenter
let token: string
let commit: string
let work: string
beforeAll(async () => {
  dc = await startDataCenter()
  const link = dc.state.addApplicationLink()
  token = dc.state.issueAccessToken(link.key, ['REPO_READ']).value
  commit = dc.git.create('~ALICE', 'dotfiles', { '.bashrc': 'alias ll="ls -l"\n' })
  dc.tag('~ALICE', 'dotfiles', 'v1', commit)
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-personal-'))
})
afterAll(async () => {
  await dc.close()
  fs.rmSync(work, { recursive: true, force: true })
})

const api = (p: string, auth = `Bearer ${token}`) =>
  fetch(`${dc.url}/rest/api/latest/projects/${p}`, { headers: { authorization: auth } })

describe('REST', () => {
  test.each(['~ALICE', '~alice', '%7EALICE'])('the personal repository as %s', async (key) => {
    const repo = await api(`${key}/repos/dotfiles`)
    expect(repo.status).toBe(200)
    expect(await repo.json()).toEqual({
      slug: 'dotfiles',
      name: 'dotfiles',
      project: { key: '~ALICE', type: 'PERSONAL' },
    })
    const tag = (await (await api(`${key}/repos/dotfiles/tags/v1`)).json()) as { latestCommit: string }
    expect(tag.latestCommit).toBe(commit)
  })

  test('the archive of a personal repository', async () => {
    const res = await api(`~ALICE/repos/dotfiles/archive?at=${commit}&format=tar.gz`)
    expect(res.status).toBe(200)
    const file = path.join(work, 'a.tar.gz')
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()))
    expect(execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual(['.bashrc'])
  })

  test("another user's slug, a missing repository and no token are refused", async () => {
    expect((await api('~BOB/repos/dotfiles')).status).toBe(404)
    expect((await api('ALICE/repos/dotfiles')).status).toBe(404)
    expect((await api('~ALICE/repos/dotfiles', '')).status).toBe(401)
  })
})

describe('git over /scm/', () => {
  // Asynchronous: the emulator answers from this very process.
  const clone = (url: string, dest: string, header?: string) =>
    promisify(execFile)(
      'git',
      [...(header ? ['-c', `http.extraHeader=${header}`] : []), 'clone', '-q', url, path.join(work, dest)],
      { env: isolatedGitEnv(work) },
    )

  test.each(['~alice', '~ALICE'])('clones /scm/%s/dotfiles.git with a Bearer header', async (key) => {
    await clone(`${dc.url}/scm/${key}/dotfiles.git`, `clone-${key}`, `Authorization: Bearer ${token}`)
    expect(fs.readFileSync(path.join(work, `clone-${key}`, '.bashrc'), 'utf8')).toBe('alias ll="ls -l"\n')
  })

  test('without the header, or for another user, it is refused', async () => {
    await expect(clone(`${dc.url}/scm/~alice/dotfiles.git`, 'no-auth')).rejects.toThrow(/could not read Username/)
    await expect(
      clone(`${dc.url}/scm/~bob/dotfiles.git`, 'other-user', `Authorization: Bearer ${token}`),
    ).rejects.toThrow(/not found|404/)
    expect(fs.existsSync(path.join(work, 'other-user', '.bashrc'))).toBe(false)
  })
})
