import { describe, expect, test } from '@jest/globals'
import { createdNs, globMatch, newestMatch } from '../../../src/downloads/match.ts'

describe('globMatch', () => {
  test.each([
    ['*', 'anything', true],
    ['*', '', true],
    ['app-*.zip', 'app-1.2.0.zip', true],
    ['app-*.zip', 'app-.zip', true],
    ['app-*.zip', 'app-1.2.0.zip.sha256', false],
    ['app-*.zip', 'myapp-1.zip', false],
    ['*.tar.gz', 'x.tar.gz', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
    ['App-*', 'app-1', false],
    ['my file *.txt', 'my file 2.txt', true],
    ['a?b[c]', 'a?b[c]', true],
    ['a.b', 'aXb', false],
  ])('%j against %j: %s', (pattern, name, expected) => {
    expect(globMatch(pattern, name)).toBe(expected)
  })

  test('no catastrophic backtracking', () => {
    const started = Date.now()
    expect(globMatch('*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false)
    expect(Date.now() - started).toBeLessThan(1000)
  })
})

describe('newestMatch', () => {
  test('by created_on with microseconds and offsets; a tie goes to the name that sorts last', () => {
    expect(createdNs('2024-05-02T10:11:12.000001+00:00')! - createdNs('2024-05-02T10:11:12+00:00')!).toBe(1000n)
    expect(createdNs('2024-05-02T12:11:12+02:00')).toBe(createdNs('2024-05-02T10:11:12Z'))
    const items = [
      { name: 'app-1.0.zip', size: 1, createdOn: '2024-05-02T10:11:12.000002+00:00' },
      { name: 'app-0.9.zip', size: 1, createdOn: '2024-05-02T10:11:12.000001+00:00' },
      { name: 'app-2.0.zip', size: 1, createdOn: '2024-05-02T12:11:12.000001+02:00' },
      { name: 'other.zip', size: 1, createdOn: '2030-01-01T00:00:00+00:00' },
      { name: 'app-x.zip', size: 1, createdOn: undefined },
    ]
    expect(newestMatch('app-*.zip', items)?.name).toBe('app-1.0.zip')
    const tie = [
      { name: 'b.zip', size: 1, createdOn: '2024-01-01T00:00:00+00:00' },
      { name: 'c.zip', size: 1, createdOn: '2024-01-01T00:00:00Z' },
      { name: 'a.zip', size: 1, createdOn: '2024-01-01T00:00:00+00:00' },
    ]
    expect(newestMatch('*.zip', tie)?.name).toBe('c.zip')
    expect(newestMatch('*.tar', tie)).toBeUndefined()
  })
})
