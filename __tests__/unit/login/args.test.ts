/** `bitbucket-oauth login` options: argv and the environment, checked before anything listens. */
import { describe, expect, test } from '@jest/globals'
import { LOGIN_HELP, missingConsumerError, parseLoginArgs, UsageError } from '../../../src/login/args.ts'

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
      consumer: undefined,
    })
    expect(parseLoginArgs(['--secret', 'BB_TOKEN', '--organization', 'octo-org'], ENV).secret).toEqual({
      name: 'BB_TOKEN',
      repository: undefined,
      environment: undefined,
      organization: 'octo-org',
      consumer: undefined,
    })
  })
})

describe('parseLoginArgs: --store-consumer', () => {
  test('default names, or the ones given', () => {
    expect(parseLoginArgs(['--secret', 'R', '--store-consumer'], ENV).secret?.consumer).toEqual({
      clientId: 'BITBUCKET_CLIENT_ID',
      clientSecret: 'BITBUCKET_CLIENT_SECRET',
    })
    const argv = ['--secret', 'R', '--store-consumer', '--client-id-secret', 'BB_ID', '--client-secret-secret', 'BB_S']
    expect(parseLoginArgs(argv, ENV).secret?.consumer).toEqual({ clientId: 'BB_ID', clientSecret: 'BB_S' })
  })

  test.each([
    [['--store-consumer'], /^Option --store-consumer only goes with --secret NAME\./],
    [
      ['--secret', 'R', '--client-id-secret', 'X'],
      /^Option --client-id-secret only goes with --secret NAME --store-consumer\./,
    ],
    [['--client-secret-secret', 'X'], /^Option --client-secret-secret only goes with --secret NAME --store-consumer\./],
    [
      ['--secret', 'R', '--store-consumer', '--client-id-secret', 'GITHUB_ID'],
      /^Option --client-id-secret "GITHUB_ID" is not a valid GitHub secret name/,
    ],
    [
      ['--secret', 'R', '--store-consumer', '--client-secret-secret', '9S'],
      /^Option --client-secret-secret "9S" is not a valid/,
    ],
    [
      ['--secret', 'BITBUCKET_CLIENT_ID', '--store-consumer'],
      /three different secret names, but BITBUCKET_CLIENT_ID is used twice/,
    ],
    [
      ['--secret', 'R', '--store-consumer', '--client-secret-secret', 'r'],
      /three different secret names, but r is used twice \(GitHub ignores case/,
    ],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseLoginArgs(argv, ENV)).toThrow(UsageError)
    expect(() => parseLoginArgs(argv, ENV)).toThrow(message)
  })
})

describe('the consumer missing', () => {
  test('parseLoginArgs leaves it empty: the command asks on a terminal', () => {
    expect(parseLoginArgs([], {})).toMatchObject({ clientId: '', clientSecret: '' })
    expect(parseLoginArgs([], { BITBUCKET_CLIENT_ID: 'k' })).toMatchObject({ clientId: 'k', clientSecret: '' })
  })
  test('without a terminal: a usage error naming the options and the variables', () => {
    expect(missingConsumerError({ clientId: '', clientSecret: '' }).message).toBe(
      "No OAuth consumer Key and Secret, and no terminal to ask for them on: set BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET (or pass --client-id and --client-secret) to the consumer's Key and Secret (Bitbucket: Workspace settings > OAuth consumers > click the consumer), or run the command on a terminal. Run `bitbucket-oauth login --help` for the options.",
    )
    expect(missingConsumerError({ clientId: 'k', clientSecret: '' }).message).toMatch(
      /^No OAuth consumer Secret, and no terminal to ask for it on: set BITBUCKET_CLIENT_SECRET \(or pass --client-secret\)/,
    )
    expect(missingConsumerError({ clientId: '', clientSecret: 's' }).message).toMatch(
      /^No OAuth consumer Key, and no terminal to ask for it on: set BITBUCKET_CLIENT_ID \(or pass --client-id\)/,
    )
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

  test('--help explains Data Center: the application link, its redirect URL and scopes, a command; lines fit 80 columns', () => {
    expect(LOGIN_HELP).toContain('incoming application link')
    expect(LOGIN_HELP).toContain('http://localhost:8976/ and the scopes REPO_READ')
    expect(LOGIN_HELP).toMatch(/bitbucket-oauth login --bitbucket-type datacenter \\\n {4}--bitbucket-url /)
    expect(LOGIN_HELP.split('\n').filter((line) => line.length > 80)).toEqual([])
  })

  test('--help needs no credentials', () => {
    expect(parseLoginArgs(['--help'], {}).help).toBe(true)
  })
})
