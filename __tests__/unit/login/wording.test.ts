/** The command's wording: the shared modules' messages name its options and environment variables. */
import { describe, expect, test } from '@jest/globals'
import { CLI_WORDING, GH_CLI_WORDING } from '../../../src/login/wording.ts'
import {
  REPOSITORY_PERMISSION,
  degraded,
  readOnlyTokenSaves,
  refusedConsumer,
  resetRefresh,
} from '../../helpers/wording.ts'

describe('CLI_WORDING', () => {
  test('a refused consumer: --client-id and --client-secret, and their variables', () => {
    expect(refusedConsumer(CLI_WORDING)).toBe(
      "Bitbucket refused the OAuth consumer (unauthorized_client: Invalid OAuth client credentials). Check --client-id and --client-secret (BITBUCKET_CLIENT_ID, BITBUCKET_CLIENT_SECRET): they must be the consumer's Key and Secret (Workspace settings → OAuth consumers).",
    )
  })

  test('a degraded Bitbucket: run the command again later', () => {
    expect(degraded(CLI_WORDING)).toBe(
      'The Bitbucket token endpoint answered HTTP 503 after retries. Bitbucket may be degraded; run bitbucket-oauth login again later.',
    )
  })

  test("a GitHub 403: the token in GH_TOKEN/GITHUB_TOKEN, and nothing about a workflow's token", async () => {
    expect(await readOnlyTokenSaves(CLI_WORDING)).toBe(
      `The GitHub token in GH_TOKEN/GITHUB_TOKEN may not write secret BB of repository octo-org/octo-repo (HTTP 403: "Resource not accessible by personal access token"). ${REPOSITORY_PERMISSION}`,
    )
  })

  test('a request cut off after it was sent: check the network, run the command again', async () => {
    const { message, port } = await resetRefresh(CLI_WORDING)
    expect(message).toContain(
      `Could not reach the Bitbucket token endpoint at http://127.0.0.1:${port}: the connection was reset (not retried: the request may have been processed). Check the URL, the network and any HTTPS_PROXY setting, then run bitbucket-oauth login again.`,
    )
    expect(message).not.toMatch(/runner|re-run the job/)
  })
})

describe('GH_CLI_WORDING', () => {
  test("a GitHub 403 with the GitHub CLI's token: names it and says how to give it the scope", async () => {
    expect(await readOnlyTokenSaves(GH_CLI_WORDING)).toBe(
      `The GitHub CLI's token (gh auth token) may not write secret BB of repository octo-org/octo-repo (HTTP 403: "Resource not accessible by personal access token"). ${REPOSITORY_PERMISSION} The GitHub CLI's token carries the scopes gh was logged in with: \`gh auth refresh --scopes repo\` adds what a repository or environment secret needs (admin:org for an organization secret); or set GH_TOKEN to another token.`,
    )
  })
})
