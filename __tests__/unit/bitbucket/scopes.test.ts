import { describe, expect, test } from '@jest/globals'
import { missingScopes, tickPermissions } from '../../../src/bitbucket/scopes.ts'

describe('missingScopes', () => {
  test('X:write satisfies X, not the other way round', () => {
    expect(missingScopes(['repository'], ['repository:write'])).toEqual([])
    expect(missingScopes(['repository:write'], ['repository'])).toEqual(['repository:write'])
    expect(missingScopes(['repository', 'pullrequest', 'account'], ['account'])).toEqual(['repository', 'pullrequest'])
  })
})

describe('tickPermissions', () => {
  test('one advice: tick them on the consumer, then get a token that has them', () => {
    expect(tickPermissions('them')).toBe(
      'Tick them on the OAuth consumer, then get a new refresh token with `bitbucket-oauth login`.',
    )
    expect(tickPermissions('the permission', 'run the login again')).toBe(
      'Tick the permission on the OAuth consumer, then run the login again.',
    )
  })
})
