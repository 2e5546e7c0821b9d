/**
 * The messages of the shared modules as one wording (the action's or the
 * command's) makes them: for the tests that pin each wording to its text.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpClient } from '../../src/net/http.ts'
import { Masker } from '../../src/shared/mask.ts'
import { requestToken, tokenError } from '../../src/bitbucket/oauth.ts'
import { saveSecret } from '../../src/github/secrets.ts'
import type { Wording } from '../../src/shared/wording.ts'
import { startGitHubFixture } from './github.ts'

/** The token endpoint refuses the consumer's Key and Secret. */
export function refusedConsumer(wording: Wording): string {
  const json = { error: 'unauthorized_client', error_description: 'Invalid OAuth client credentials' }
  return tokenError({ status: 400, json, contentType: 'application/json', grant: 'authorization_code' }, wording)
    .message
}

/** The token endpoint kept answering 503. */
export function degraded(wording: Wording): string {
  return tokenError({ status: 503, json: {}, contentType: 'application/json', grant: 'refresh_token' }, wording).message
}

/** Saving secret BB of repository octo-org/octo-repo with a token that may only read it: GitHub answers 403. */
export async function readOnlyTokenSaves(wording: Wording): Promise<string> {
  const g = await startGitHubFixture()
  const http = new HttpClient({ wording, retry: { attempts: 1 } })
  try {
    const target = {
      name: 'BB',
      repository: g.repository,
      environment: undefined,
      organization: undefined,
      githubToken: g.gh.addToken({ repositories: { [g.repository]: 'read' } }),
      githubApiUrl: new URL(g.gh.url),
    }
    const err = await saveSecret(http, target, 'value', () => {}, wording).then(
      () => new Error('saved'),
      (e: unknown) => e as Error,
    )
    return err.message
  } finally {
    await http.close()
    await g.gh.close()
  }
}

/** What "Give it …" says for repository octo-org/octo-repo, the same in both wordings. */
export const REPOSITORY_PERMISSION =
  'Give it "Secrets: read and write" on octo-org/octo-repo: a fine-grained personal access token with octo-org/octo-repo under Repository access and Repository permissions → Secrets: Read and write (a classic token needs the repo scope), or a GitHub App installed on octo-org/octo-repo with the same permission.'

/**
 * A refresh whose connection is reset once the request is sent (so it may
 * have been processed, and the refresh token spent): the message and the port.
 */
export async function resetRefresh(wording: Wording): Promise<{ message: string; port: number }> {
  const server = http.createServer((req) => req.socket.destroy())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const client = new HttpClient({ wording, retry: { attempts: 1 } })
  try {
    const err = await requestToken(
      { http: client, masker: new Masker(() => {}), debug: () => {}, wording },
      {
        tokenUrl: new URL(`http://127.0.0.1:${port}/site/oauth2/access_token`),
        clientId: 'k',
        clientSecret: 's',
        grant: { type: 'refresh_token', refreshToken: 'rt' },
      },
    ).catch((e: Error) => e)
    return { message: (err as Error).message, port }
  } finally {
    await client.close()
    await new Promise((resolve) => server.close(resolve))
  }
}
