/** `bitbucket-type: datacenter`: the provider chosen, its defaults, and what it refuses before any request. */
import { describe, expect, test } from '@jest/globals'
import { readConfig } from '../../../src/action/inputs.ts'

const env = { GITHUB_WORKSPACE: '/ws', RUNNER_TEMP: '/rt' }
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const base = {
  'bitbucket-type': 'datacenter',
  'bitbucket-url': 'https://git.example.com/bitbucket',
  'client-id': 'id',
  'client-secret': 'secret',
  'refresh-token': 'rt',
  // action.yml's default
  'api-url': 'https://api.bitbucket.org/2.0',
}

describe('readConfig on Data Center', () => {
  test('the provider, its token endpoint, api-url below the base URL, the default redirect URI', () => {
    const c = readConfig(reader(base), env)
    expect(c.provider.type).toBe('datacenter')
    expect(c.tokenUrl.href).toBe('https://git.example.com/bitbucket/rest/oauth2/latest/token')
    expect(c.apiUrl.href).toBe('https://git.example.com/bitbucket/rest/api/latest')
    expect(c.redirectUri).toBe('http://localhost:8976/')
  })

  test('archives read PROJECT/REPO@REF, ~USERSLUG included; Cloud refuses ~', () => {
    const c = readConfig(reader({ ...base, archives: '~jdoe/tools@main -> t\nPLAT/lib@v1' }), env)
    expect(c.archives.map((a) => `${a.workspace}/${a.repo}@${a.ref}`)).toEqual(['~jdoe/tools@main', 'PLAT/lib@v1'])
    expect(() => readConfig(reader({ ...base, 'bitbucket-type': 'cloud', archives: '~jdoe/tools@main' }), env)).toThrow(
      /not of the form WORKSPACE\/REPO@REF/,
    )
  })

  test.each([
    [{ 'refresh-token': '' }, /`refresh-token` is empty.*no client_credentials grant/],
    [{ 'client-id': '' }, /`client-id` is required: the client ID of the incoming application link/],
    [{ downloads: 'PLAT/lib:a.zip' }, /`downloads` cannot be used with `bitbucket-type: datacenter`/],
    [{ 'bitbucket-type': 'dc' }, /Input `bitbucket-type` must be `cloud`/],
    [{ 'redirect-uri': 'localhost:8976' }, /`redirect-uri` "localhost:8976" is not an http\(s\) URL/],
  ])('%j', (extra, message) => {
    expect(() => readConfig(reader({ ...base, ...extra }), env)).toThrow(message)
  })
})
