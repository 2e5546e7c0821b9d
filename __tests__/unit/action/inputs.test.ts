import { describe, expect, test } from '@jest/globals'
import { joinUrl } from '../../../src/net/url.ts'
import { maskSecretInputs, parseBoolean, parseScopes, readConfig } from '../../../src/action/inputs.ts'
import { Masker } from '../../../src/shared/mask.ts'

const env = { GITHUB_WORKSPACE: '/ws', RUNNER_TEMP: '/rt' }
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const base = { 'client-id': 'key', 'client-secret': 'secret', 'refresh-token': 'rt' }

describe('readConfig', () => {
  test('defaults', () => {
    const c = readConfig(reader(base), env)
    expect(c.tokenUrl.href).toBe('https://bitbucket.org/site/oauth2/access_token')
    expect(c.apiUrl.href).toBe('https://api.bitbucket.org/2.0')
    expect(c).toMatchObject({
      refreshToken: 'rt',
      exportEnv: undefined,
      secret: undefined,
      archives: [],
      cache: false,
      gitCredentials: false,
      workspace: '/ws',
      runnerTemp: '/rt',
    })
  })
  test('a base path is kept', () => {
    const c = readConfig(reader({ ...base, 'bitbucket-url': 'https://proxy.example/bb/' }), env)
    expect(c.tokenUrl.href).toBe('https://proxy.example/bb/site/oauth2/access_token')
    expect(joinUrl(c.apiUrl, 'repositories/a/b').href).toBe('https://api.bitbucket.org/2.0/repositories/a/b')
  })
  test.each([
    [{ 'client-id': '' }, /`client-id` is required/],
    [{ 'client-secret': '' }, /`client-secret` is required/],
    [{ 'bitbucket-url': 'http://bitbucket.org' }, /Refusing plain http:\/\/ for input `bitbucket-url`/],
    [{ 'api-url': 'not a url' }, /`api-url` is not a URL/],
    [{ 'bitbucket-url': 'https://u:p@bitbucket.org' }, /must not carry credentials/],
    [{ 'export-env': 'MY-TOKEN' }, /`export-env` "MY-TOKEN" is not a valid environment variable name/],
    [{ cache: 'yes' }, /`cache` must be true or false/],
    [{ 'refresh-token-secret': 'BB_RT' }, /`github-token` is required/],
    [{ 'refresh-token-secret': 'GITHUB_RT', 'github-token': 'g' }, /not a valid GitHub secret name/],
    [{ 'refresh-token-secret': '1RT', 'github-token': 'g' }, /not a valid GitHub secret name/],
    [{ 'refresh-token-secret': 'RT', 'github-token': 'g', 'refresh-token': '' }, /needs a `refresh-token`/],
    [
      { 'refresh-token-secret': 'RT', 'github-token': 'g', 'secret-environment': 'e', 'secret-organization': 'o' },
      /exclude each other/,
    ],
    [{ 'refresh-token-secret': 'RT', 'github-token': 'g', 'secret-repository': 'nope' }, /not of the form owner\/repo/],
    [{ archives: 'ws/repo' }, /archives line 1 \("ws\/repo"\) is not of the form WORKSPACE\/REPO@REF/],
    [{ archives: '\n# c\nws/repo@v1 -> ../out' }, /archives line 3: DEST "..\/out" leaves the workspace/],
  ])('%j is refused', (overrides, message) => {
    expect(() => readConfig(reader({ ...base, ...overrides }), env)).toThrow(message)
  })
})

describe('readConfig: the secret that receives the rotated refresh token', () => {
  test('a secret target', () => {
    const c = readConfig(
      reader({
        ...base,
        'refresh-token-secret': 'BB_RT',
        'github-token': 'g',
        'secret-repository': 'o/r',
        'secret-environment': 'prod',
      }),
      env,
    )
    expect(c.secret).toMatchObject({ name: 'BB_RT', repository: 'o/r', environment: 'prod', organization: undefined })
    expect(c.secret?.githubApiUrl.href).toBe('https://api.github.com/')
  })
  test('an organization secret needs no repository', () => {
    const c = readConfig(
      reader({ ...base, 'refresh-token-secret': 'BB_RT', 'github-token': 'g', 'secret-organization': 'octo-org' }),
      env,
    )
    expect(c.secret).toMatchObject({ repository: undefined, organization: 'octo-org' })
  })
})

describe('small parsers', () => {
  test('booleans as the runner writes them', () => {
    for (const v of ['true', 'True', 'TRUE']) expect(parseBoolean(reader({ x: v }), 'x')).toBe(true)
    for (const v of ['', 'false', 'False']) expect(parseBoolean(reader({ x: v }), 'x')).toBe(false)
  })
  test('scopes split on spaces and commas, deduplicated', () => {
    expect(parseScopes(' repository, account  repository ')).toEqual(['repository', 'account'])
  })
})

describe('masking', () => {
  test('secret inputs are masked, each line of a multi-line value too', () => {
    const masked: string[] = []
    maskSecretInputs(
      reader({ 'client-secret': 's3cret', 'refresh-token': 'a\nb2', 'github-token': '' }),
      new Masker((v) => masked.push(v)),
    )
    expect(masked).toEqual(['s3cret', 'a', 'b2'])
  })
  test('redact replaces the longest secrets first', () => {
    const m = new Masker(() => {})
    m.add('abc')
    m.add('abcdef')
    expect(m.redact('x abcdef abc y')).toBe('x *** *** y')
  })
})
