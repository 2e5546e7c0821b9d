import { expect, test } from '@jest/globals'
import { childEnv } from '../../../src/shared/child-env.ts'

test('children get the environment less the inputs and the tokens', () => {
  const env = childEnv({
    PATH: '/bin',
    HOME: '/home/runner',
    'INPUT_CLIENT-SECRET': 's',
    'INPUT_REFRESH-TOKEN': 'r',
    INPUT_ARCHIVES: '',
    BITBUCKET_CLIENT_SECRET: 's',
    GH_TOKEN: 'g',
    GITHUB_TOKEN: 'g',
    GIT_CONFIG_NOSYSTEM: '1',
  })
  expect(env).toEqual({ PATH: '/bin', HOME: '/home/runner', GIT_CONFIG_NOSYSTEM: '1' })
})
