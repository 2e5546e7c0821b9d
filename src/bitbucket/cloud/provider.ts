/**
 * Bitbucket Cloud (bitbucket.org): Basic client authentication at
 * `{bitbucket-url}/site/oauth2/access_token`, the 2.0 REST API, archives at
 * `{bitbucket-url}/{ws}/{repo}/get/{commit}.tar.gz` below one top-level
 * folder, git as `x-token-auth` with SSH-style URLs rewritten to HTTPS.
 */
import { joinUrl } from '../../net/url.ts'
import type { Masker } from '../../shared/mask.ts'
import { parseBaseUrl } from '../../shared/validate.ts'
import { input } from '../../shared/wording.ts'
import type { GitCredential, Provider, ResolveDeps } from '../provider.ts'
import { missingScopes, tickPermissions } from '../scopes.ts'

export const CLOUD_API_URL = 'https://api.bitbucket.org/2.0'

export const GIT_USERNAME = 'x-token-auth'

/** HTTP Basic client authentication, RFC 6749 §2.3.1 (id and secret form-urlencoded first). */
export function basicAuthorization(clientId: string, clientSecret: string, masker: Masker): string {
  const encode = (s: string) => new URLSearchParams({ s }).toString().slice(2)
  const credentials = Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')
  masker.add(credentials)
  return `Basic ${credentials}`
}

/** The base64 of `x-token-auth:TOKEN` sent in the git Basic header (a derived form of the token: mask it). */
export function basicCredential(accessToken: string): string {
  return Buffer.from(`${GIT_USERNAME}:${accessToken}`, 'utf8').toString('base64')
}

/** SSH-style URLs are rewritten to HTTPS for bitbucket.org only. */
export function rewritesSshUrls(bitbucketUrl: URL): boolean {
  return bitbucketUrl.protocol === 'https:' && bitbucketUrl.host === 'bitbucket.org'
}

function gitCredential(bitbucketUrl: URL, accessToken: string): GitCredential {
  const credential = basicCredential(accessToken)
  return {
    url: `${bitbucketUrl.protocol}//${bitbucketUrl.host}/`,
    header: `AUTHORIZATION: basic ${credential}`,
    secrets: [credential],
    rewrites: rewritesSshUrls(bitbucketUrl)
      ? { base: 'https://bitbucket.org/', insteadOf: ['git@bitbucket.org:', 'ssh://git@bitbucket.org/'] }
      : undefined,
    describe: `as ${GIT_USERNAME} with the access token`,
  }
}

export const CLOUD: Provider = {
  type: 'cloud',
  wording: {
    product: 'Bitbucket',
    siteRoot: 'the Bitbucket site root (e.g. https://bitbucket.org)',
    clientFields: {
      id: "the OAuth consumer's Key (Workspace settings → OAuth consumers).",
      secret: "the OAuth consumer's Secret.",
    },
    client: 'the OAuth consumer',
    clientFix: "they must be the consumer's Key and Secret (Workspace settings → OAuth consumers)",
    login: {
      command: 'bitbucket-oauth login',
      readme: 'Getting the first refresh token',
      checkClient: (redirectUri) => `the consumer's Key (--client-id) and that its callback URL is ${redirectUri}`,
      callbackUrl: "the consumer's callback URL",
      redirectRefused: 'Bitbucket showed "Invalid redirect_uri"',
      siteRoot: 'the Bitbucket site root (https://bitbucket.org)',
      credentials: {
        heading:
          "The OAuth consumer's Key and Secret (Bitbucket: Workspace settings > OAuth consumers > click the consumer)",
        id: 'Key',
        secret: 'Secret',
        missing: (what) => `OAuth consumer ${what}`,
        owned: (what) => `the consumer's ${what}`,
        where: '(Bitbucket: Workspace settings > OAuth consumers > click the consumer)',
      },
    },
    rotationNote:
      'The refresh token rotates on each use and expires after 3 months unused; set `refresh-token-secret` in the workflow so the action saves each new one.',
    refusedRefresh: (login) =>
      `it was revoked, expired (unused for 3 months), or already rotated by an earlier run (a used refresh token keeps working only about 10 minutes). ${login}`,
    spentRefresh: (retryAdvice) =>
      `If Bitbucket processed the refresh, the stored refresh token was spent: it keeps working for about 10 minutes, so ${retryAdvice} now.`,
    notSaved:
      'The stored refresh token stops working within minutes; the new one is in this step\'s `refresh-token` output. Fix the cause and re-run this job within about 10 minutes: the stored token still works until then, and the re-run saves a fresh one. After that, store a new one from `bitbucket-oauth login` (README: "Refresh tokens rotate").',
    rotatedUnsaved:
      'Bitbucket rotated the refresh token: the one stored in your secret stops working about 10 minutes after this run. Set `refresh-token-secret` and `github-token` so that the action saves the new one (README: "Refresh tokens rotate"), or the next run fails.',
    tickPermissions,
    readPermission:
      'The OAuth consumer needs the Repositories: Read permission (scope `repository`), and its user (or workspace) must be able to read the repository.',
    archiveOwner: 'WORKSPACE',
    archiveAccess:
      'Check that the OAuth consumer has the Repositories: Read permission (scope `repository`) and that its user (or workspace) can read the repository.',
    archiveMissing: 'The commit may have been removed since it was resolved; re-run the job.',
    archiveInput: '`bitbucket-url`',
  },
  apiUrl: (_bitbucketUrl, given) => parseBaseUrl(given || CLOUD_API_URL, input('api-url')),
  tokenUrl: (bitbucketUrl) => joinUrl(bitbucketUrl, 'site/oauth2/access_token'),
  authorizeUrl: (bitbucketUrl) => joinUrl(bitbucketUrl, 'site/oauth2/authorize'),
  clientAuthentication: (clientId, clientSecret, masker) => ({
    authorization: basicAuthorization(clientId, clientSecret, masker),
    form: {},
  }),
  refreshSendsRedirectUri: false,
  clientCredentials: true,
  defaultLoginScope: undefined,
  missingScopes,
  resolveRef: async (deps: ResolveDeps, owner, repo, ref) =>
    (await import('./refs.ts')).resolveRef(deps, owner, repo, ref),
  archiveUrl: ({ bitbucketUrl }, owner, repo, commit) =>
    joinUrl(bitbucketUrl, `${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/get/${commit}.tar.gz`),
  archiveHasTopFolder: true,
  gitCredential,
  downloads: true,
  packageManagers: { composerAuth: 'basic' },
}
