/**
 * A refused archive download names the provider's own fixes: the OAuth
 * consumer and scope `repository` on Cloud (unchanged), the incoming
 * application link and `REPO_READ` on Data Center, also through the stage
 * that the worker runs (the provider crosses to it by name).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import os from 'node:os'
import path from 'node:path'
import fs from 'node:fs'
import { startDataCenter, type DataCenter } from '../../../emulator/datacenter/server.ts'
import { ACTION_WORDING as wording } from '../../../src/action/wording.ts'
import { checkArchiveResponse, type ArchiveRef } from '../../../src/archives/download.ts'
import { runStage } from '../../../src/archives/worker/stage.ts'
import { CLOUD } from '../../../src/bitbucket/cloud/provider.ts'
import { DATACENTER } from '../../../src/bitbucket/datacenter/provider.ts'
import type { HttpResponse } from '../../../src/net/http.ts'
import { HttpClient } from '../../../src/net/http.ts'

const CLOUD_WORDS = /consumer|bitbucket\.org|`repository`|Repositories: Read|workspace/i
const COMMIT = 'a'.repeat(40)
const a: ArchiveRef = { workspace: 'PLAT', repo: 'lib', ref: 'v1', commit: COMMIT }

function response(
  status: number,
  url = 'https://git.example.com/bitbucket/rest/api/latest/x',
  type = '',
): HttpResponse {
  return {
    status,
    headers: type ? { 'content-type': type } : {},
    url: new URL(url),
    attempts: 1,
    body: undefined as never,
    text: async () => '',
  }
}

const message = (r: HttpResponse, provider = CLOUD): string => {
  try {
    checkArchiveResponse(r, a, provider.wording)
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('accepted')
}

const CLOUD_HINT =
  'Check that the OAuth consumer has the Repositories: Read permission (scope `repository`) and that its user (or workspace) can read the repository.'
const DC_HINT =
  'Check that the incoming application link allows the scope `REPO_READ` (Administration › Application links), that the refresh token was authorized with it (`bitbucket-oauth login --bitbucket-type datacenter` asks for `REPO_READ`), and that its user can read the repository.'

describe('checkArchiveResponse on Cloud: unchanged', () => {
  test.each([401, 403])('HTTP %i', (status) => {
    expect(message(response(status, 'https://bitbucket.org/PLAT/lib/get/x.tar.gz'))).toBe(
      `Bitbucket refused the archive download of PLAT/lib@v1 (HTTP ${status} from bitbucket.org). ${CLOUD_HINT}`,
    )
  })
  test('HTTP 404', () => {
    expect(message(response(404))).toBe(
      `Bitbucket has no archive for PLAT/lib@v1 (commit ${COMMIT}, HTTP 404). The commit may have been removed since it was resolved; re-run the job.`,
    )
  })
  test('the login page', () => {
    expect(message(response(200, 'https://bitbucket.org/account/signin/?next=/x', 'text/html'))).toBe(
      `Bitbucket answered the archive download of PLAT/lib@v1 with its login page instead of the archive: the token was not accepted for the repository. ${CLOUD_HINT} If \`bitbucket-url\` is not the site that issued the token, fix it.`,
    )
  })
  test('a 503', () => {
    expect(message(response(503))).toBe(
      'The archive download of PLAT/lib@v1 answered HTTP 503. Bitbucket may be degraded; re-run the job later.',
    )
  })
  test('without a wording: Cloud', () => {
    expect(() => checkArchiveResponse(response(403), a)).toThrow(CLOUD_HINT)
  })
})

describe('checkArchiveResponse on Data Center: the incoming application link and REPO_READ', () => {
  test.each([401, 403])('HTTP %i', (status) => {
    const m = message(response(status), DATACENTER)
    expect(m).toBe(
      `Bitbucket Data Center refused the archive download of PLAT/lib@v1 (HTTP ${status} from git.example.com). ${DC_HINT}`,
    )
    expect(m).not.toMatch(CLOUD_WORDS)
  })
  test('HTTP 404: a removed commit, or a token that may not read the repository', () => {
    const m = message(response(404), DATACENTER)
    expect(m).toBe(
      `Bitbucket Data Center has no archive for PLAT/lib@v1 (commit ${COMMIT}, HTTP 404). The commit may have been removed since it was resolved (then re-run the job), or the token may not read the repository. ${DC_HINT}`,
    )
    expect(m).not.toMatch(CLOUD_WORDS)
  })
  test('the login page', () => {
    const m = message(response(200, 'https://git.example.com/bitbucket/login?next=/x', 'text/html'), DATACENTER)
    expect(m).toMatch(/^Bitbucket Data Center answered the archive download of PLAT\/lib@v1 with its login page/)
    expect(m).toContain(DC_HINT)
    expect(m).not.toMatch(CLOUD_WORDS)
  })
  test('a 503', () => {
    expect(message(response(503), DATACENTER)).toBe(
      'The archive download of PLAT/lib@v1 answered HTTP 503. Bitbucket Data Center may be degraded; re-run the job later.',
    )
  })
  test('another status, and the login page, name `api-url` (the archive comes from the REST API)', () => {
    expect(message(response(400), DATACENTER)).toBe(
      'The archive download of PLAT/lib@v1 answered HTTP 400. Check `api-url` (by default below `bitbucket-url`).',
    )
    const login = message(response(200, 'https://git.example.com/bitbucket/login?next=/x', 'text/html'), DATACENTER)
    expect(login).toMatch(
      /If `api-url` \(by default below `bitbucket-url`\) is not the site that issued the token, fix it\.$/,
    )
    expect(message(response(400))).toBe('The archive download of PLAT/lib@v1 answered HTTP 400. Check `bitbucket-url`.')
  })
})

describe('the stage (as the worker runs it): the provider by name', () => {
  let dc: DataCenter
  let http: HttpClient
  let dir: string
  let authorization: string
  let commit: string
  beforeAll(async () => {
    dc = await startDataCenter()
    http = new HttpClient({ wording, retry: { baseDelayMs: 1, maxDelayMs: 2 } })
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-refusal-'))
    const link = dc.state.addApplicationLink()
    authorization = `Bearer ${dc.state.issueAccessToken(link.key, ['REPO_READ']).value}`
    commit = dc.git.create('PLAT', 'lib', { 'README.md': '# lib\n' })
  })
  afterAll(async () => {
    await http.close()
    await dc.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const stage = (bitbucketType: 'cloud' | 'datacenter' | undefined) => {
    const url = DATACENTER.archiveUrl(
      { bitbucketUrl: new URL(dc.url), apiUrl: new URL(`${dc.url}/rest/api/latest`) },
      'PLAT',
      'lib',
      commit,
    )
    dc.faults.add({ kind: 'status', path: '/bitbucket/rest/api/latest/projects/PLAT/repos/lib/archive', status: 403 })
    return runStage(
      {
        source: {
          kind: 'download',
          archive: { ...a, commit },
          bitbucketUrl: dc.url,
          url: url.href,
          authorization,
          ...(bitbucketType ? { bitbucketType } : {}),
        },
        saveTo: path.join(dir, 'a.tar.gz'),
      },
      { http, info: () => {}, debug: () => {} },
    ).then(
      () => 'downloaded',
      (err: unknown) => (err as Error).message,
    )
  }

  test('datacenter: the application link', async () => {
    const m = await stage('datacenter')
    expect(m).toMatch(/^Bitbucket Data Center refused the archive download of PLAT\/lib@v1 \(HTTP 403/)
    expect(m).toContain(DC_HINT)
  })
  test('none given: Cloud, as before', async () => {
    expect(await stage(undefined)).toContain(CLOUD_HINT)
  })
})
