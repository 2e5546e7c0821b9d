/** --secret with --store-consumer: three secrets in one place, in order; a failure says what was stored and what was not. */
import { describe, expect, test } from '@jest/globals'
import { ActionError } from '../../../src/shared/errors.ts'
import type { HttpClient } from '../../../src/net/http.ts'
import type { SecretTarget } from '../../../src/github/secret-target.ts'
import type { SaveSecret } from '../../../src/github/secrets.ts'
import { ghSecretSet, storeSecrets, type SecretPlan } from '../../../src/login/store-secrets.ts'
import { CLI_WORDING } from '../../../src/login/wording.ts'
import { CLOUD } from '../../../src/bitbucket/cloud/provider.ts'
import { DATACENTER } from '../../../src/bitbucket/datacenter/provider.ts'

const credentials = CLOUD.wording.login.credentials

const target: SecretTarget = {
  name: 'BITBUCKET_REFRESH_TOKEN',
  repository: 'o/r',
  environment: undefined,
  organization: undefined,
  githubToken: 'ght',
  githubApiUrl: new URL('https://api.github.com'),
}
const consumer = { clientId: 'BITBUCKET_CLIENT_ID', clientSecret: 'BITBUCKET_CLIENT_SECRET' }
const values = { refreshToken: 'refresh-value', clientId: 'key-value', clientSecret: 'secret-value' }

/** A saveSecret that records each write and refuses the `failAt`-th (0-based). */
function recorder(failAt = -1) {
  const writes: { name: string; value: string; repository: string | undefined }[] = []
  const save: SaveSecret = async (_http, t, value) => {
    if (writes.length === failAt) {
      writes.push({ name: `refused ${t.name}`, value: '', repository: t.repository })
      throw new ActionError(`The GitHub token may not write secret ${t.name} of repository o/r (HTTP 403).`)
    }
    writes.push({ name: t.name, value, repository: t.repository })
  }
  return { writes, save }
}

const run = (plan: SecretPlan, save: SaveSecret) =>
  storeSecrets(plan, values, { http: {} as HttpClient, saveSecret: save, debug: () => {} })

describe('storeSecrets', () => {
  test('the refresh token first, then the Key, then the Secret, all in the same place', async () => {
    const r = recorder()
    await run({ target, consumer, wording: CLI_WORDING, credentials }, r.save)
    expect(r.writes).toEqual([
      { name: 'BITBUCKET_REFRESH_TOKEN', value: 'refresh-value', repository: 'o/r' },
      { name: 'BITBUCKET_CLIENT_ID', value: 'key-value', repository: 'o/r' },
      { name: 'BITBUCKET_CLIENT_SECRET', value: 'secret-value', repository: 'o/r' },
    ])
  })

  test('without --store-consumer: only the refresh token', async () => {
    const r = recorder()
    await run({ target, consumer: undefined, wording: CLI_WORDING, credentials }, r.save)
    expect(r.writes.map((w) => w.name)).toEqual(['BITBUCKET_REFRESH_TOKEN'])
  })

  test('the refresh token refused: nothing stored, nothing more tried', async () => {
    const r = recorder(0)
    await expect(run({ target, consumer, wording: CLI_WORDING, credentials }, r.save)).rejects.toThrow(
      "Got a refresh token, but could not store it as secret BITBUCKET_REFRESH_TOKEN of repository o/r: The GitHub token may not write secret BITBUCKET_REFRESH_TOKEN of repository o/r (HTTP 403). Not stored either: BITBUCKET_CLIENT_ID (the consumer's Key), BITBUCKET_CLIENT_SECRET (the consumer's Secret). The token was not printed; fix that and run bitbucket-oauth login again.",
    )
    expect(r.writes).toHaveLength(1)
  })

  test('the Key refused: the refresh token is stored, the Key and the Secret are not', async () => {
    const r = recorder(1)
    await expect(run({ target, consumer, wording: CLI_WORDING, credentials }, r.save)).rejects.toThrow(
      "Stored the refresh token as secret BITBUCKET_REFRESH_TOKEN of repository o/r, but could not store the consumer's Key as secret BITBUCKET_CLIENT_ID: The GitHub token may not write secret BITBUCKET_CLIENT_ID of repository o/r (HTTP 403). Not stored: BITBUCKET_CLIENT_ID (the consumer's Key), BITBUCKET_CLIENT_SECRET (the consumer's Secret). Fix that and run bitbucket-oauth login --store-consumer again, or store them yourself: `gh secret set BITBUCKET_CLIENT_ID --repo o/r`, `gh secret set BITBUCKET_CLIENT_SECRET --repo o/r` (gh asks for the value).",
    )
    expect(r.writes).toHaveLength(2)
  })

  test('the Secret refused (the third write): two stored, one not', async () => {
    const r = recorder(2)
    const err = await run({ target, consumer, wording: CLI_WORDING, credentials }, r.save).catch((e: Error) => e)
    expect((err as Error).message).toBe(
      "Stored the refresh token as secret BITBUCKET_REFRESH_TOKEN and the consumer's Key as secret BITBUCKET_CLIENT_ID of repository o/r, but could not store the consumer's Secret as secret BITBUCKET_CLIENT_SECRET: The GitHub token may not write secret BITBUCKET_CLIENT_SECRET of repository o/r (HTTP 403). Not stored: BITBUCKET_CLIENT_SECRET (the consumer's Secret). Fix that and run bitbucket-oauth login --store-consumer again, or store it yourself: `gh secret set BITBUCKET_CLIENT_SECRET --repo o/r` (gh asks for the value).",
    )
    expect((err as Error).message).not.toMatch(/refresh-value|key-value|secret-value/)
  })

  test('on Data Center the client ID and secret of the incoming application link are named', async () => {
    const r = recorder(1)
    const plan = { target, consumer, wording: CLI_WORDING, credentials: DATACENTER.wording.login.credentials }
    const err = (await run(plan, r.save).catch((e: Error) => e)) as Error
    expect(err.message).toContain(
      'could not store the client ID of the incoming application link as secret BITBUCKET_CLIENT_ID',
    )
    expect(err.message).toContain('BITBUCKET_CLIENT_SECRET (the client secret of the incoming application link)')
    expect(err.message).not.toMatch(/the consumer|consumer's/) // the flag --store-consumer keeps its name
  })
})

describe('ghSecretSet', () => {
  test('the gh options for each place', () => {
    expect(ghSecretSet(target, 'X')).toBe('gh secret set X --repo o/r')
    expect(ghSecretSet({ ...target, environment: 'prod env' }, 'X')).toBe('gh secret set X --repo o/r --env "prod env"')
    expect(ghSecretSet({ ...target, repository: undefined, organization: 'org' }, 'X')).toBe(
      'gh secret set X --org org',
    )
  })
})
