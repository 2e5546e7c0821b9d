import { describe, expect, test } from '@jest/globals'
import {
  parseBaseUrl,
  validateOrganization,
  validateRepository,
  validateSecretName,
} from '../../../src/shared/validate.ts'
import { input, option, variable } from '../../../src/shared/wording.ts'

describe('parseBaseUrl', () => {
  test('parseBaseUrl strips trailing slashes and refuses queries', () => {
    expect(parseBaseUrl('http://127.0.0.1:9/x//', input('u')).href).toBe('http://127.0.0.1:9/x')
    expect(() => parseBaseUrl('https://h/?a=1', input('u'))).toThrow(/without "\?" or "#"/)
  })
  test('names the field as the user set it', () => {
    expect(() => parseBaseUrl('nope', input('api-url'))).toThrow('Input `api-url` is not a URL: "nope".')
    expect(() => parseBaseUrl('https://u:p@h', option('--bitbucket-url'))).toThrow(
      'Option --bitbucket-url must not carry credentials in the URL.',
    )
    expect(() => parseBaseUrl('http://h.example', option('--bitbucket-url'))).toThrow(
      /^Refusing plain http:\/\/ for option --bitbucket-url \(h\.example\)/,
    )
    expect(() => parseBaseUrl('http://h.example', variable('GITHUB_API_URL'))).toThrow(
      /^Refusing plain http:\/\/ for GITHUB_API_URL \(h\.example\)/,
    )
  })
})

describe('GitHub names', () => {
  test('secret names: letters, digits and _, not GITHUB_', () => {
    expect(() => validateSecretName('BB_TOKEN', input('refresh-token-secret'))).not.toThrow()
    expect(() => validateSecretName('GITHUB_X', option('--secret'))).toThrow(
      'Option --secret "GITHUB_X" is not a valid GitHub secret name: letters, digits and _ only, not starting with a digit or GITHUB_.',
    )
    expect(() => validateSecretName('1BAD', input('refresh-token-secret'))).toThrow(
      /^Input `refresh-token-secret` "1BAD" is not a valid GitHub secret name/,
    )
  })
  test('owner/repo and organization names', () => {
    expect(() => validateRepository('o/r', option('--repo'), 'OWNER/REPO')).not.toThrow()
    expect(() => validateRepository('o', option('--repo'), 'OWNER/REPO')).toThrow(
      'Option --repo "o" is not of the form OWNER/REPO.',
    )
    expect(() => validateRepository('o', input('secret-repository'), 'owner/repo')).toThrow(
      'Input `secret-repository` "o" is not of the form owner/repo.',
    )
    expect(() => validateOrganization('octo-org', input('secret-organization'))).not.toThrow()
    expect(() => validateOrganization('-x', input('secret-organization'))).toThrow(
      'Input `secret-organization` "-x" is not an organization name.',
    )
  })
})
