/** The command's wording of the shared modules' messages. */
import { describe, expect, test } from '@jest/globals'
import { forTheCommand } from '../../../src/login/wording.ts'

describe('forTheCommand', () => {
  test("names the command's options and variables instead of the action's inputs", () => {
    expect(forTheCommand('Check the `client-id` and `client-secret` inputs: x. Check that `bitbucket-url` is y.')).toBe(
      'Check --client-id and --client-secret (BITBUCKET_CLIENT_ID, BITBUCKET_CLIENT_SECRET): x. Check that --bitbucket-url is y.',
    )
    expect(
      forTheCommand("The `github-token` may not write. The workflow's own GITHUB_TOKEN cannot write secrets. Done."),
    ).toBe('The GitHub token in GH_TOKEN/GITHUB_TOKEN may not write. Done.')
    expect(forTheCommand('Check `refresh-token-secret` and the secret.')).toBe('Check --secret and the secret.')
  })
})
