/** `gh auth token` as the fallback GitHub token of --secret: read from gh's stdout, gh run with a scrubbed environment. */
import { afterEach, describe, expect, test } from '@jest/globals'
import { ghAuthToken, type RunGh } from '../../../src/login/gh-token.ts'
import { standIn, type StandIn } from '../../helpers/stand-in.ts'

const ENV = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/u',
  BITBUCKET_CLIENT_ID: 'key',
  BITBUCKET_CLIENT_SECRET: 'consumer-secret',
  INPUT_CLIENT_SECRET: 'input-secret',
}

describe('ghAuthToken (a stand-in gh on PATH)', () => {
  let gh: StandIn | undefined
  afterEach(() => gh?.remove())

  test('runs `gh auth token --hostname HOST` without the secrets in its environment; the token is its stdout', async () => {
    gh = standIn('gh', `printf 'gho_standin123\\n'`)
    const r = await ghAuthToken('ghe.example', { ...ENV, PATH: `${gh.dir}:${ENV.PATH}` })
    expect(r).toEqual({ token: 'gho_standin123' })
    expect(gh.args()).toEqual(['auth', 'token', '--hostname', 'ghe.example'])
    const env = gh.env()
    expect(env.HOME).toBe('/home/u')
    expect(env.BITBUCKET_CLIENT_ID).toBe('key')
    for (const name of ['BITBUCKET_CLIENT_SECRET', 'INPUT_CLIENT_SECRET', 'GH_TOKEN', 'GITHUB_TOKEN'])
      expect(env[name]).toBeUndefined()
  })

  test('not logged in: what gh said, on one line', async () => {
    gh = standIn('gh', `printf 'no oauth token found for github.com\\n\\033[31mrun gh auth login\\n' >&2; exit 1`)
    const r = await ghAuthToken('github.com', { ...ENV, PATH: `${gh.dir}:${ENV.PATH}` })
    expect(r).toEqual({
      token: undefined,
      notInstalled: false,
      detail: 'no oauth token found for github.com [31mrun gh auth login',
    })
  })

  test('not installed', async () => {
    const r = await ghAuthToken('github.com', { ...ENV, PATH: '/nonexistent' })
    expect(r).toEqual({ token: undefined, notInstalled: true, detail: 'gh is not installed' })
  })
})

describe('ghAuthToken (what gh answered)', () => {
  const answer =
    (stdout: string, stderr = '', error?: Partial<NodeJS.ErrnoException & { killed: boolean }>): RunGh =>
    async () => ({ error: error as never, stdout, stderr })
  test.each([
    ['a token with spaces is no token', answer('two words\n'), 'it printed no token'],
    ['an empty answer', answer(''), 'it printed no token'],
    ['a failing gh that printed nothing', answer('', '', { code: 4 as never }), 'exit status 4'],
    ['a gh that hung', answer('', '', { killed: true }), 'no answer within 15 s'],
  ])('%s', async (_, run, detail) => {
    await expect(ghAuthToken('github.com', ENV, run)).resolves.toEqual({
      token: undefined,
      notInstalled: false,
      detail,
    })
  })
  test('a failing gh that printed something on stdout: not taken as a token', async () => {
    const r = await ghAuthToken('github.com', ENV, answer('gho_x\n', 'boom', { code: 1 as never }))
    expect(r).toEqual({ token: undefined, notInstalled: false, detail: 'boom' })
  })
})
