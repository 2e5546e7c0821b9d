/** `bitbucket-oauth login` options: argv and the environment, checked before anything listens. */
import { describe, expect, test } from '@jest/globals'
import { parseLoginArgs, UsageError } from '../../../src/login/args.ts'

const ENV = { BITBUCKET_CLIENT_ID: 'key', BITBUCKET_CLIENT_SECRET: 'secret' }

describe('parseLoginArgs', () => {
  test('defaults', () => {
    const o = parseLoginArgs([], ENV)
    expect(o).toMatchObject({
      clientId: 'key',
      clientSecret: 'secret',
      clientSecretOnCommandLine: false,
      port: 8976,
      open: true,
      timeoutMs: 300_000,
      secret: undefined,
    })
    expect(o.bitbucketUrl.href).toBe('https://bitbucket.org/')
  })

  test('options win over the environment; --no-open; fractional --timeout; loopback http', () => {
    const o = parseLoginArgs(
      [
        '--client-id',
        'k2',
        '--client-secret',
        's2',
        '--no-open',
        '--timeout',
        '0.5',
        '--port',
        '9000',
        '--bitbucket-url',
        'http://127.0.0.1:1234/',
      ],
      ENV,
    )
    expect(o).toMatchObject({
      clientId: 'k2',
      clientSecret: 's2',
      clientSecretOnCommandLine: true,
      open: false,
      timeoutMs: 500,
      port: 9000,
    })
    expect(o.bitbucketUrl.href).toBe('http://127.0.0.1:1234/')
  })

  test('--secret with its scope options', () => {
    expect(parseLoginArgs(['--secret', 'BB_TOKEN', '--repo', 'o/r', '--environment', 'prod'], ENV).secret).toEqual({
      name: 'BB_TOKEN',
      repository: 'o/r',
      environment: 'prod',
      organization: undefined,
    })
    expect(parseLoginArgs(['--secret', 'BB_TOKEN', '--organization', 'octo-org'], ENV).secret).toEqual({
      name: 'BB_TOKEN',
      repository: undefined,
      environment: undefined,
      organization: 'octo-org',
    })
  })
})

describe('parseLoginArgs: usage errors', () => {
  test.each([
    [['--repo', 'o/r', '--organization', 'x', '--secret', 'S']],
    [['--secret', 'S', '--repo', 'not-a-repo']],
    [['--secret', '1BAD']],
    [['--timeout', '0']],
    [['--port', '80.5']],
    [['positional']],
    [['--bitbucket-url', 'https://user:pw@bitbucket.org']],
  ])('%j is a usage error', (argv) => {
    expect(() => parseLoginArgs(argv, ENV)).toThrow(UsageError)
  })

  test('--help needs no credentials', () => {
    expect(parseLoginArgs(['--help'], {}).help).toBe(true)
  })
})
