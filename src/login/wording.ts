/**
 * Messages from the shared modules (oauth.ts, github-secrets.ts) name the
 * action's inputs; the command's user sets options and environment variables
 * instead. This rewrites those names, and leaves everything else as it is.
 */
const REWRITES: [string, string][] = [
  [
    'the `client-id` and `client-secret` inputs',
    '--client-id and --client-secret (BITBUCKET_CLIENT_ID, BITBUCKET_CLIENT_SECRET)',
  ],
  ['The `github-token`', 'The GitHub token in GH_TOKEN/GITHUB_TOKEN'],
  ['the `github-token`', 'the GitHub token in GH_TOKEN/GITHUB_TOKEN'],
  ['`github-api-url`', 'GITHUB_API_URL'],
  ['`bitbucket-url`', '--bitbucket-url'],
  ['`refresh-token-secret`', '--secret'],
  [" The workflow's own GITHUB_TOKEN cannot write secrets.", ''],
  ["the runner's network", 'the network'],
  ['then re-run the job', 'then run bitbucket-oauth login again'],
  ['re-run the job later', 'run bitbucket-oauth login again later'],
]

export function forTheCommand(message: string): string {
  let out = message
  for (const [from, to] of REWRITES) out = out.split(from).join(to)
  return out
}
