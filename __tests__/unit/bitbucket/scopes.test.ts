import { describe, expect, test } from '@jest/globals'
import { missingScopes } from '../../../src/bitbucket/scopes.ts'

describe('missingScopes', () => {
  test('X:write satisfies X, not the other way round', () => {
    expect(missingScopes(['repository'], ['repository:write'])).toEqual([])
    expect(missingScopes(['repository:write'], ['repository'])).toEqual(['repository:write'])
    expect(missingScopes(['repository', 'pullrequest', 'account'], ['account'])).toEqual(['repository', 'pullrequest'])
  })
})
