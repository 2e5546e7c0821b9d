import { describe, expect, test } from '@jest/globals'
import { parsePackageManagers } from '../../../src/package-managers/names.ts'
import { readConfig } from '../../../src/action/inputs.ts'

const env = { GITHUB_WORKSPACE: '/ws', RUNNER_TEMP: '/rt' }
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const base = { 'client-id': 'key', 'client-secret': 'secret', 'refresh-token': 'rt' }

describe('parsePackageManagers', () => {
  test('empty: none', () => {
    expect(parsePackageManagers('', {})).toEqual([])
    expect(parsePackageManagers(' \n, ', {})).toEqual([])
  })
  test('spaces, commas, newlines; any case; once each, in a fixed order', () => {
    expect(parsePackageManagers('Poetry, npm\nGO  go,cargo', {})).toEqual(['npm', 'go', 'cargo', 'poetry'])
    expect(parsePackageManagers('npm pip go cargo composer bundler poetry', {})).toHaveLength(7)
  })
  test('an unknown name is an error naming it and the known ones', () => {
    expect(() => parsePackageManagers('npm yarn', {})).toThrow(
      'Input `package-managers`: "yarn" is not a package manager the action knows. Use any of npm, pip, go, cargo, composer, bundler, poetry, separated by spaces or commas.',
    )
    expect(() => parsePackageManagers('gradle;maven', {})).toThrow(/"gradle;maven" is not a package manager/)
    expect(() => parsePackageManagers('mvn, sbt', {})).toThrow(/"mvn", "sbt" are not package managers/)
  })
  test('composer: an existing COMPOSER_AUTH must be a JSON object, and the error does not show it', () => {
    expect(parsePackageManagers('composer', { COMPOSER_AUTH: '{"github-oauth":{"github.com":"x"}}' })).toEqual([
      'composer',
    ])
    expect(parsePackageManagers('composer', { COMPOSER_AUTH: '' })).toEqual(['composer'])
    for (const value of ['secret-not-json', '["a"]', 'null', '{"http-basic":"secret-x"}']) {
      let message = ''
      try {
        parsePackageManagers('composer', { COMPOSER_AUTH: value })
      } catch (err) {
        message = (err as Error).message
      }
      expect(message).toMatch(/COMPOSER_AUTH/)
      expect(message).not.toContain('secret')
    }
    // Without composer the variable is none of the action's business.
    expect(parsePackageManagers('npm', { COMPOSER_AUTH: 'not json' })).toEqual(['npm'])
  })
})

describe('readConfig: package-managers', () => {
  test('defaults to none; git credentials as given', () => {
    expect(readConfig(reader(base), env)).toMatchObject({ packageManagers: [], gitCredentials: false })
  })
  test('any package manager implies git-credentials', () => {
    const c = readConfig(reader({ ...base, 'package-managers': 'pip', 'git-credentials': 'false' }), env)
    expect(c).toMatchObject({ packageManagers: ['pip'], gitCredentials: true })
  })
  test('refused with the other inputs, before any request', () => {
    expect(() => readConfig(reader({ ...base, 'package-managers': 'npm, gems' }), env)).toThrow(/"gems"/)
    expect(() =>
      readConfig(reader({ ...base, 'package-managers': 'composer' }), { ...env, COMPOSER_AUTH: '{oops' }),
    ).toThrow(/COMPOSER_AUTH is set but is not valid JSON/)
  })
})
