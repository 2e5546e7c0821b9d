import { expect, test } from '@jest/globals'

test('the tests run on Node 24, the action runtime (runs.using: node24)', () => {
  expect(process.versions.node.split('.')[0]).toBe('24')
})
