/** The workflow step that login --secret prints: valid YAML, the names actually used, the place of the secrets. */
import { describe, expect, test } from '@jest/globals'
import { parse } from 'yaml'
import type { SecretTarget } from '../../../src/github/secret-target.ts'
import fs from 'node:fs'
import {
  ACTION_USES,
  DEFAULT_REDIRECT_URI,
  WRITER_TOKEN_HELP,
  workflowStep,
  yamlScalar,
} from '../../../src/login/workflow-step.ts'

const target: SecretTarget = {
  name: 'BB_REFRESH',
  repository: 'o/r',
  environment: undefined,
  organization: undefined,
  githubToken: 'ght',
  githubApiUrl: new URL('https://api.github.com'),
}
const bitbucket = new URL('https://bitbucket.org')
const cloud = { bitbucketType: 'cloud', redirectUri: 'http://localhost:8976/' } as const

/** The printed lines as YAML: one step of a job's steps list. */
function step(lines: string[]): { uses: string; with: Record<string, string> } {
  const doc = parse(lines.join('\n')) as unknown
  expect(Array.isArray(doc) && doc.length === 1).toBe(true)
  return (doc as { uses: string; with: Record<string, string> }[])[0]!
}

describe('workflowStep', () => {
  test('repository secrets with custom names: the three secrets, refresh-token-secret, a github-token placeholder', () => {
    const lines = workflowStep({
      target,
      consumer: { clientId: 'MY_ID', clientSecret: 'MY_SECRET' },
      bitbucketUrl: bitbucket,
      ...cloud,
    })
    expect(lines.every((l) => l.startsWith('      '))).toBe(true)
    expect(step(lines)).toEqual({
      uses: ACTION_USES,
      with: {
        'client-id': '${{ secrets.MY_ID }}',
        'client-secret': '${{ secrets.MY_SECRET }}',
        'refresh-token': '${{ secrets.BB_REFRESH }}',
        'refresh-token-secret': 'BB_REFRESH',
        'github-token': '${{ secrets.SECRETS_WRITER_TOKEN }}',
      },
    })
    expect(lines.join('\n')).toContain(WRITER_TOKEN_HELP)
    expect(WRITER_TOKEN_HELP).toMatch(/#the-token-that-writes-the-secret$/)
  })

  test('without stored consumer names: the default ones', () => {
    const s = step(workflowStep({ target, consumer: undefined, bitbucketUrl: bitbucket, ...cloud }))
    expect(s.with['client-id']).toBe('${{ secrets.BITBUCKET_CLIENT_ID }}')
    expect(s.with['client-secret']).toBe('${{ secrets.BITBUCKET_CLIENT_SECRET }}')
  })

  test('an environment secret: secret-environment, and a note that the job needs that environment', () => {
    const lines = workflowStep({
      target: { ...target, environment: 'prod' },
      consumer: undefined,
      bitbucketUrl: bitbucket,
      ...cloud,
    })
    expect(step(lines).with['secret-environment']).toBe('prod')
    expect(lines[0]).toBe('      # The job needs `environment: prod`: these are its secrets.')
  })

  test('an organization secret: secret-organization; another Bitbucket site: bitbucket-url', () => {
    const s = step(
      workflowStep({
        target: { ...target, repository: undefined, organization: 'octo-org' },
        consumer: undefined,
        bitbucketUrl: new URL('http://127.0.0.1:8080/'),
        ...cloud,
      }),
    )
    expect(s.with['secret-organization']).toBe('octo-org')
    expect(s.with['bitbucket-url']).toBe('http://127.0.0.1:8080')
    expect(s.with['secret-environment']).toBeUndefined()
    expect(s.with['bitbucket-type']).toBeUndefined()
  })

  test('Data Center: bitbucket-type, and redirect-uri when the login used another port than the default', () => {
    const dc = { target, consumer: undefined, bitbucketUrl: new URL('https://git.example.com/bitbucket/') } as const
    const usual = step(workflowStep({ ...dc, bitbucketType: 'datacenter', redirectUri: 'http://localhost:8976/' }))
    expect(usual.with['bitbucket-type']).toBe('datacenter')
    expect(usual.with['bitbucket-url']).toBe('https://git.example.com/bitbucket')
    expect(usual.with['redirect-uri']).toBeUndefined()
    const other = step(workflowStep({ ...dc, bitbucketType: 'datacenter', redirectUri: 'http://localhost:9000/' }))
    expect(other.with['redirect-uri']).toBe('http://localhost:9000/')
  })

  test("the default it leaves out is action.yml's", () => {
    const action = parse(fs.readFileSync('action.yml', 'utf8')) as { inputs: Record<string, { default?: string }> }
    expect(action.inputs['redirect-uri']!.default).toBe(DEFAULT_REDIRECT_URI)
  })

  test('Cloud never gets redirect-uri (its refresh does not send one)', () => {
    const s = step(
      workflowStep({
        target,
        consumer: undefined,
        bitbucketUrl: bitbucket,
        bitbucketType: 'cloud',
        redirectUri: 'http://localhost:9000/',
      }),
    )
    expect(s.with['redirect-uri']).toBeUndefined()
  })
})

describe('yamlScalar', () => {
  test.each([
    'prod',
    'yes',
    'No',
    'null',
    '123',
    '1e3',
    '0x1F',
    'a: b',
    'has space',
    '#x',
    "it's",
    'x"y',
    'tab\there',
    'ü',
  ])('%j reads back as itself', (value) => {
    expect(parse(`k: ${yamlScalar(value)}`)).toEqual({ k: value })
  })
  test('plain where that is safe', () => {
    expect(yamlScalar('production')).toBe('production')
    expect(yamlScalar('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080')
    expect(yamlScalar('yes')).toBe('"yes"')
  })
})
