/**
 * The order of work of the main step, with fake dependencies: a recording
 * core, a MockAgent in place of Bitbucket, and fakes for the optional parts.
 * Each test reads the one timeline of everything the step did.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { MockAgent } from 'undici'
import { runStep, type ActionCore, type RunDeps } from '../../../src/action/run.ts'
import { ACTION_WORDING } from '../../../src/action/wording.ts'
import { HttpClient } from '../../../src/net/http.ts'
import { ActionError } from '../../../src/shared/errors.ts'
import { Masker } from '../../../src/shared/mask.ts'

const SITE = 'https://bitbucket.test'

type Event =
  | { kind: 'mask'; value: string }
  | { kind: 'output'; name: string; value: string }
  | { kind: 'export'; name: string; value: string }
  | { kind: 'save'; value: string }
  | { kind: 'archives' }
  | { kind: 'downloads' }
  | { kind: 'git' }
  | { kind: 'package-managers' }
  | { kind: 'summary' }
  | { kind: 'warning'; message: string }

let agent: MockAgent
beforeEach(() => {
  agent = new MockAgent()
  agent.disableNetConnect()
})
afterEach(async () => {
  await agent.close()
})

function answerToken(body: Record<string, unknown>, status = 200): void {
  agent
    .get(SITE)
    .intercept({ path: '/site/oauth2/access_token', method: 'POST' })
    .reply(status, body, { headers: { 'content-type': 'application/json' } })
}

const ROTATED = {
  access_token: 'AT-minted-1234',
  refresh_token: 'RT-rotated-5678',
  token_type: 'bearer',
  expires_in: 7200,
  scopes: 'repository',
}

function fakeStep(inputs: Record<string, string>, overrides: Partial<RunDeps> = {}) {
  const events: Event[] = []
  const masker = new Masker((value) => events.push({ kind: 'mask', value }))
  const core: ActionCore = {
    getInput: (name) => inputs[name] ?? '',
    setOutput: (name, value) => void events.push({ kind: 'output', name, value }),
    exportVariable: (name, value) => void events.push({ kind: 'export', name, value }),
    saveState: () => {},
    info: () => {},
    warning: (message) => void events.push({ kind: 'warning', message }),
    debug: () => {},
    appendSummary: async () => void events.push({ kind: 'summary' }),
  }
  const deps: RunDeps = {
    core,
    masker,
    env: { GITHUB_WORKSPACE: '/tmp/workspace', RUNNER_TEMP: '/tmp/runner-temp' },
    http: new HttpClient({ wording: ACTION_WORDING, dispatcher: agent, sleep: async () => {}, random: () => 0 }),
    saveSecret: async (_http, _target, value) => void events.push({ kind: 'save', value }),
    fetchArchives: async () => {
      events.push({ kind: 'archives' })
      return []
    },
    fetchDownloads: async () => {
      events.push({ kind: 'downloads' })
      return []
    },
    setupGitCredentials: async () => void events.push({ kind: 'git' }),
    setupPackageManagers: async () => void events.push({ kind: 'package-managers' }),
    ...overrides,
  }
  const index = (predicate: (e: Event) => boolean) => events.findIndex(predicate)
  const output = (name: string) => index((e) => e.kind === 'output' && e.name === name)
  return { deps, events, index, output }
}

const BASE = {
  'client-id': 'key',
  'client-secret': 'consumer-secret',
  'refresh-token': 'RT-stored-0000',
  'bitbucket-url': SITE,
  'export-env': 'BITBUCKET_ACCESS_TOKEN',
}
const WITH_SECRET = {
  ...BASE,
  'refresh-token-secret': 'BITBUCKET_REFRESH_TOKEN',
  'secret-repository': 'octo/app',
  'github-token': 'ghp-writer-token',
}

describe('runStep: order of work', () => {
  test('every secret, input or minted, is masked before its first output or export', async () => {
    answerToken(ROTATED)
    const { deps, index } = fakeStep(WITH_SECRET)
    await runStep(deps)
    const secrets = ['consumer-secret', 'RT-stored-0000', 'ghp-writer-token', 'AT-minted-1234', 'RT-rotated-5678']
    for (const secret of secrets) {
      const masked = index((e) => e.kind === 'mask' && e.value === secret)
      const used = index((e) => (e.kind === 'output' || e.kind === 'export' || e.kind === 'save') && e.value === secret)
      expect(masked).toBeGreaterThanOrEqual(0)
      if (used >= 0) expect(masked).toBeLessThan(used)
    }
  })

  test('the rotated token is saved first, then output and exported; archives, git and summary follow', async () => {
    answerToken(ROTATED)
    const { deps, events, index, output } = fakeStep({
      ...WITH_SECRET,
      archives: 'ws/lib@v1',
      downloads: 'ws/lib/tool.zip',
      'git-credentials': 'true',
    })
    await runStep(deps)
    const save = index((e) => e.kind === 'save')
    const exported = index((e) => e.kind === 'export')
    expect(events[save]).toEqual({ kind: 'save', value: 'RT-rotated-5678' })
    expect(save).toBeLessThan(output('access-token'))
    expect(output('refresh-token')).toBeLessThan(exported)
    expect(exported).toBeLessThan(index((e) => e.kind === 'archives'))
    expect(index((e) => e.kind === 'archives')).toBeLessThan(index((e) => e.kind === 'downloads'))
    expect(index((e) => e.kind === 'downloads')).toBeLessThan(index((e) => e.kind === 'git'))
    expect(index((e) => e.kind === 'git')).toBeLessThan(index((e) => e.kind === 'summary'))
  })

  test('a failed save still sets every token output and the export before the step fails', async () => {
    answerToken(ROTATED)
    const { deps, events, output } = fakeStep(WITH_SECRET, {
      saveSecret: async () => {
        throw new ActionError('GitHub answered HTTP 403.')
      },
    })
    await expect(runStep(deps)).rejects.toThrow(/NOT saved to secret BITBUCKET_REFRESH_TOKEN of repository octo\/app/)
    for (const name of [
      'access-token',
      'token-type',
      'expires-in',
      'expires-at',
      'scopes',
      'refresh-token',
      'refresh-token-rotated',
    ]) {
      expect(output(name)).toBeGreaterThanOrEqual(0)
    }
    expect(events[output('refresh-token')]).toMatchObject({ value: 'RT-rotated-5678' })
    expect(events.some((e) => e.kind === 'export')).toBe(true)
    expect(events.some((e) => e.kind === 'archives' || e.kind === 'git')).toBe(false)
  })

  test('a missing scope fails after the outputs and the export, and after the save', async () => {
    answerToken({ ...ROTATED, scopes: 'account' })
    const { deps, events } = fakeStep({ ...WITH_SECRET, 'required-scopes': 'repository', archives: 'ws/lib@v1' })
    await expect(runStep(deps)).rejects.toThrow(/lacks the required scope repository/)
    const kinds = events.map((e) => e.kind)
    expect(kinds).toContain('save')
    expect(kinds).toContain('export')
    expect(events.filter((e) => e.kind === 'output').map((e) => (e as { name: string }).name)).toContain(
      'refresh-token',
    )
    expect(kinds).not.toContain('archives')
  })

  test('nothing after the grant loses the rotated token: a failing archive still leaves it saved and output', async () => {
    answerToken(ROTATED)
    const { deps, events, output } = fakeStep(
      { ...WITH_SECRET, archives: 'ws/lib@v1' },
      {
        fetchArchives: async () => {
          throw new ActionError('Archive line 1 (ws/lib@v1): no such tag.')
        },
      },
    )
    await expect(runStep(deps)).rejects.toThrow(/no such tag/)
    expect(events.find((e) => e.kind === 'save')).toEqual({ kind: 'save', value: 'RT-rotated-5678' })
    expect(events[output('refresh-token')]).toMatchObject({ value: 'RT-rotated-5678' })
    expect(events[output('refresh-token-rotated')]).toMatchObject({ value: 'true' })
  })

  test('a failed grant sets no token output and calls nothing after it', async () => {
    answerToken({ error: 'invalid_grant', error_description: 'Invalid refresh_token' }, 400)
    const { deps, events } = fakeStep({ ...WITH_SECRET, archives: 'ws/lib@v1', 'git-credentials': 'true' })
    await expect(runStep(deps)).rejects.toThrow(ActionError)
    expect(events.filter((e) => e.kind !== 'mask')).toEqual([])
  })

  test('a bad input fails before any request', async () => {
    const { deps, events } = fakeStep({ ...BASE, 'export-env': 'not a name' })
    await expect(runStep(deps)).rejects.toThrow(/export-env/)
    expect(events.filter((e) => e.kind !== 'mask')).toEqual([])
    // No interceptor was registered: a request would have failed with a MockAgent error instead.
  })

  test('a rotation without refresh-token-secret warns and saves nothing', async () => {
    answerToken(ROTATED)
    const { deps, events } = fakeStep(BASE)
    await runStep(deps)
    expect(events.some((e) => e.kind === 'save')).toBe(false)
    expect(events.some((e) => e.kind === 'warning' && /rotated the refresh token/.test(e.message))).toBe(true)
  })
})
