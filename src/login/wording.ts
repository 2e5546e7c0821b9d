/**
 * How the messages of `bitbucket-oauth login` name what the user sets: its
 * options and environment variables, where the action names its inputs.
 */
import { option, variable, type Wording } from '../shared/wording.ts'

export const CLI_WORDING: Wording = {
  clientCredentials: '--client-id and --client-secret (BITBUCKET_CLIENT_ID, BITBUCKET_CLIENT_SECRET)',
  bitbucketUrl: option('--bitbucket-url'),
  githubToken: 'the GitHub token in GH_TOKEN/GITHUB_TOKEN',
  githubApiUrl: variable('GITHUB_API_URL'),
  secretName: option('--secret'),
  // The token comes from the user, not from a workflow.
  githubTokenNote: '',
  retryAdvice: 'run bitbucket-oauth login again',
  network: 'the network',
}

/** The same, when the GitHub token is the GitHub CLI's (neither GH_TOKEN nor GITHUB_TOKEN was set). */
export const GH_CLI_WORDING: Wording = {
  ...CLI_WORDING,
  githubToken: "the GitHub CLI's token (gh auth token)",
  githubTokenNote:
    "The GitHub CLI's token carries the scopes gh was logged in with: `gh auth refresh --scopes repo` adds what a repository or environment secret needs (admin:org for an organization secret); or set GH_TOKEN to another token.",
}

/** The options that only the command's own checks name. */
export const CLI_OPTIONS = {
  repo: option('--repo'),
  bitbucketType: option('--bitbucket-type'),
  organization: option('--organization'),
  clientIdSecret: option('--client-id-secret'),
  clientSecretSecret: option('--client-secret-secret'),
}
