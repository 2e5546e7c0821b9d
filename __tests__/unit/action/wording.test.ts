/** The action's wording: the shared modules' messages name its inputs. */
import { describe, expect, test } from '@jest/globals'
import { ACTION_WORDING } from '../../../src/action/wording.ts'
import {
  REPOSITORY_PERMISSION,
  degraded,
  readOnlyTokenSaves,
  refusedConsumer,
  resetRefresh,
} from '../../helpers/wording.ts'

describe('ACTION_WORDING', () => {
  test('a refused consumer: the `client-id` and `client-secret` inputs', () => {
    expect(refusedConsumer(ACTION_WORDING)).toBe(
      "Bitbucket refused the OAuth consumer (unauthorized_client: Invalid OAuth client credentials). Check the `client-id` and `client-secret` inputs: they must be the consumer's Key and Secret (Workspace settings → OAuth consumers).",
    )
  })

  test('a degraded Bitbucket: re-run the job later', () => {
    expect(degraded(ACTION_WORDING)).toBe(
      'The Bitbucket token endpoint answered HTTP 503 after retries. Bitbucket may be degraded; re-run the job later.',
    )
  })

  test("a GitHub 403: the `github-token`, and the workflow's own token cannot write secrets", async () => {
    expect(await readOnlyTokenSaves(ACTION_WORDING)).toBe(
      `The \`github-token\` may not write secret BB of repository octo-org/octo-repo (HTTP 403: "Resource not accessible by personal access token"). ${REPOSITORY_PERMISSION} The workflow's own GITHUB_TOKEN cannot write secrets.`,
    )
  })

  test('a refresh cut off after it was sent: check the runner, re-run the job now', async () => {
    const { message, port } = await resetRefresh(ACTION_WORDING)
    expect(message).toBe(
      `Could not reach the Bitbucket token endpoint at http://127.0.0.1:${port}: the connection was reset (not retried: the request may have been processed). Check the URL, the runner's network and any HTTPS_PROXY setting, then re-run the job. If Bitbucket processed the refresh, the stored refresh token was spent: it keeps working for about 10 minutes, so re-run the job now.`,
    )
  })
})
