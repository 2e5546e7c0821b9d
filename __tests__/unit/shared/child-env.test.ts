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
    BITBUCKET_ACCESS_TOKEN: 'a',
    BITBUCKET_REFRESH_TOKEN: 'r',
    GH_TOKEN: 'g',
    GITHUB_TOKEN: 'g',
    ACTIONS_RUNTIME_TOKEN: 'rt',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'id',
    GIT_CONFIG_NOSYSTEM: '1',
  })
  expect(env).toEqual({ PATH: '/bin', HOME: '/home/runner', GIT_CONFIG_NOSYSTEM: '1' })
})

test('and less the export-env of this run, and any variable whose value holds a secret', () => {
  const env = childEnv(
    { PATH: '/bin', BB_TOKEN: 'tok-1', NOTE: 'Bearer tok-1', OTHER: 'fine', EMPTY: '' },
    { names: ['BB_TOKEN', undefined], isSecret: (v) => v.includes('tok-1') },
  )
  expect(env).toEqual({ PATH: '/bin', OTHER: 'fine', EMPTY: '' })
})
