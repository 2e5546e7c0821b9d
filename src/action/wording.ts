/** How the action's messages name what the user sets: the inputs of action.yml. */
import { input, type Wording } from '../shared/wording.ts'

export const ACTION_WORDING: Wording = {
  clientCredentials: 'the `client-id` and `client-secret` inputs',
  bitbucketUrl: input('bitbucket-url'),
  githubToken: 'the `github-token`',
  githubApiUrl: input('github-api-url'),
  secretName: input('refresh-token-secret'),
  githubTokenNote: "The workflow's own GITHUB_TOKEN cannot write secrets.",
  retryAdvice: 're-run the job',
  network: "the runner's network",
}
