/**
 * Server strings stay inert wherever the bundled action prints them, and an
 * absurd `expires_in` costs two outputs, not the token.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { findLeaks, newJob, removeJob, runStep, type Job, type StepResult } from '../helpers/action.ts'
import { FAST_RETRY, allSecrets, startFixture, type Fixture } from '../helpers/emulator.ts'
import { startGitHubFixture, type GitHubFixture } from '../helpers/github.ts'

const SECRET = 'BITBUCKET_REFRESH_TOKEN'
let fx: Fixture
let g: GitHubFixture
let job: Job

beforeEach(async () => {
  fx = await startFixture()
  g = await startGitHubFixture()
  job = newJob('output')
})
afterEach(async () => {
  await fx.emu.close()
  await g.gh.close()
  removeJob(job)
})

async function run(inputs: Record<string, string> = {}): Promise<StepResult> {
  const r = await runStep(job, 'main', {
    inputs: {
      ...fx.inputs,
      'refresh-token-secret': SECRET,
      'secret-repository': g.repository,
      'github-token': g.token,
      'github-api-url': g.gh.url,
      ...inputs,
    },
    env: FAST_RETRY,
  })
  expect(findLeaks(r, { ...allSecrets(fx), github: g.token })).toEqual([])
  return r
}

/** Lines of stdout that the runner would take for a workflow command, other than the action's own kinds. */
function injectedCommands(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .filter((l) => /^::/.test(l) && !/^::(add-mask|debug|warning|error)::/.test(l))
    .concat(stdout.split(/\r?\n/).filter((l) => /^::(warning|error)::.*injected/.test(l)))
}

describe('server strings', () => {
  test('a token_type and scopes that try to start workflow commands or inject Markdown are printed inert', async () => {
    fx.emu.state.options.tokenAnswerOverrides = {
      token_type: 'bearer\n::warning::injected by token_type\n::stop-commands::pwned\r::error::injected again',
      scope:
        'repository ![tracker](https://evil.example/p.png) [click me](https://evil.example/) <img src=x onerror=alert(1)> https://evil.example/auto www.evil.example @octocat | cell\nbreak',
    }
    const r = await run()
    expect(r.errors).toEqual([])
    expect(r.code).toBe(0)
    expect(injectedCommands(r.stdout)).toEqual([])
    expect(r.stdout).not.toContain('\n::stop-commands::')
    expect(r.stdout).toMatch(
      /^Got a bearer ::warning::injected by token_type… token valid until .* with scopes: repository !\[tracker\]/m,
    )

    // The summary shows the scopes as text: no link, image, HTML, autolink or extra cell.
    const scopesRow = r.summary.split('\n').find((l) => l.startsWith('| Scopes |'))!
    expect(scopesRow).toBeDefined()
    expect(scopesRow).not.toMatch(/(^|[^\\])[[\]()!]/)
    expect(scopesRow).not.toMatch(/<img|<\w/)
    expect(scopesRow).not.toMatch(/https:\/\/|www\.evil/)
    expect(scopesRow.match(/(^|[^\\])\|/g)).toHaveLength(3) // | Scopes | … | : two cells only
    expect(scopesRow).toContain('&lt;img src\\=x onerror\\=alert\\(1\\)&gt;')
    expect(r.summary.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(8) // header, separator and six rows (Token, Grant, Expires, Scopes, Refresh token, Exported as)
    // The output is what the server sent.
    expect(r.outputs['token-type']).toContain('::warning::injected by token_type')
  })
})

describe('expires_in', () => {
  test.each([[1e20], [-5], [7200.5], ['soon'], [true]])(
    'expires_in %p: expires-in and expires-at empty with a warning; the token still saved, output and exported',
    async (value) => {
      fx.emu.state.options.tokenAnswerOverrides = { expires_in: value }
      const r = await run()
      expect(r.errors).toEqual([])
      expect(r.code).toBe(0)
      expect(r.outputs['expires-in']).toBe('')
      expect(r.outputs['expires-at']).toBe('')
      expect(r.warnings).toHaveLength(1)
      expect(r.warnings[0]).toMatch(
        /^Bitbucket stated the token's lifetime as expires_in .{1,40}, which is no sane number of seconds: the outputs `expires-in` and `expires-at` are left empty\. The token itself is unaffected\.$/,
      )
      const access = r.outputs['access-token']!
      expect(fx.emu.state.validAccessToken(access)).toBeDefined()
      expect(r.exported.BITBUCKET_ACCESS_TOKEN).toBe(access)
      expect(g.gh.repoSecret(g.repository, SECRET)).toBe(r.outputs['refresh-token'])
      expect(r.outputs['refresh-token-rotated']).toBe('true')
      expect(r.summary).toContain('| Expires | not stated |')
    },
  )

  test('a string of digits is taken as stated', async () => {
    fx.emu.state.options.tokenAnswerOverrides = { expires_in: '3600' }
    const r = await run()
    expect(r.warnings).toEqual([])
    expect(r.outputs['expires-in']).toBe('3600')
  })
})
