/**
 * Bitbucket Data Center (self-hosted, OAuth 2.0 provider since 7.20): the
 * base URL carries the context path; client credentials travel in the form
 * body; the refresh grant sends `redirect_uri` again; no client_credentials;
 * refresh tokens rotate with no grace window; the REST API below
 * `rest/api/latest`; archives without a top-level folder; git with a Bearer
 * header below `{bitbucket-url}/scm/`.
 */
import { joinUrl } from '../../net/url.ts'
import { parseBaseUrl } from '../../shared/validate.ts'
import { input } from '../../shared/wording.ts'
import { CLOUD_API_URL } from '../cloud/provider.ts'
import type { GitCredential, Provider, ResolveDeps } from '../provider.ts'

/** Data Center's scopes from strongest to weakest: each one covers those after it. */
export const SCOPE_ORDER = ['SYSTEM_ADMIN', 'PROJECT_ADMIN', 'REPO_ADMIN', 'REPO_WRITE', 'REPO_READ', 'PUBLIC_REPOS']

/** `required-scopes` on Data Center: a granted scope covers every scope below it in SCOPE_ORDER. */
export function missingScopes(required: string[], granted: string[]): string[] {
  const have = new Set(granted.map((s) => s.toUpperCase()))
  return required.filter((scope) => {
    const s = scope.toUpperCase()
    if (have.has(s)) return false
    const rank = SCOPE_ORDER.indexOf(s)
    return rank < 0 || !SCOPE_ORDER.slice(0, rank).some((above) => have.has(above))
  })
}

const NEW_REFRESH_TOKEN = 'get a new refresh token with `bitbucket-oauth login --bitbucket-type datacenter`'

export function tickPermissions(what: string, then: string = NEW_REFRESH_TOKEN): string {
  return `Allow ${what} on the incoming application link (Administration › Application links; scopes \`REPO_READ\`/\`REPO_WRITE\`) and check that its user has access, then ${then}.`
}

const ONE_REFRESH =
  'On Data Center, run one refresh per workflow run (a `sealed-token` for the other jobs) and give the workflow `concurrency` with `queue: max` (README: "Bitbucket Data Center").'

const SITE_ROOT = "the server's base URL with its context path (e.g. https://git.example.com/bitbucket)"

const ARCHIVE_ACCESS =
  'Check that the incoming application link allows the scope `REPO_READ` (Administration › Application links), that the refresh token was authorized with it (`bitbucket-oauth login --bitbucket-type datacenter` asks for `REPO_READ`), and that its user can read the repository.'

/** An empty `api-url`, or the Cloud default, means the server's own REST API. */
function apiUrl(bitbucketUrl: URL, given: string): URL {
  const cloud = given.replace(/\/+$/, '') === CLOUD_API_URL
  return given && !cloud ? parseBaseUrl(given, input('api-url')) : joinUrl(bitbucketUrl, 'rest/api/latest')
}

function gitCredential(bitbucketUrl: URL, accessToken: string): GitCredential {
  return {
    url: joinUrl(bitbucketUrl, 'scm/').href,
    header: `Authorization: Bearer ${accessToken}`,
    secrets: [],
    rewrites: undefined,
    describe: 'with a Bearer header (the access token)',
  }
}

export const DATACENTER: Provider = {
  type: 'datacenter',
  wording: {
    product: 'Bitbucket Data Center',
    siteRoot: SITE_ROOT,
    clientFields: {
      id: 'the client ID of the incoming application link (Administration › Application links).',
      secret: 'the client secret of the incoming application link.',
    },
    client: 'the client of the incoming application link',
    clientFix:
      'they must be the client ID and client secret of the incoming application link (Administration › Application links)',
    login: {
      command: 'bitbucket-oauth login --bitbucket-type datacenter',
      readme: 'Bitbucket Data Center',
      checkClient: (redirectUri) =>
        `the client ID of the incoming application link (--client-id) and that its redirect URL is ${redirectUri}`,
      callbackUrl: 'the redirect URL of the incoming application link (Administration › Application links)',
      redirectRefused: 'Bitbucket Data Center refused the redirect URI',
      siteRoot: SITE_ROOT,
      credentials: {
        heading:
          'The client ID and client secret of the incoming application link (Bitbucket Data Center: Administration › Application links)',
        id: 'client ID',
        secret: 'client secret',
        missing: (what) => `${what} of an incoming application link`,
        owned: (what) => `the ${what} of the incoming application link`,
        where: '(Bitbucket Data Center: Administration › Application links)',
      },
    },
    rotationNote: `The refresh token rotates on each use with no grace window (the used one dies at once); set \`refresh-token-secret\` and \`redirect-uri\` (if not http://localhost:8976/) in the workflow so the action saves each new one. ${ONE_REFRESH}`,
    refusedRefresh: (login) =>
      `Data Center says so both when the refresh token was already used (refresh tokens rotate with no grace window: a replayed or concurrent refresh ends the token for good) and when \`redirect-uri\` is not the redirect URL the token was authorized with (by default http://localhost:8976/). Check \`redirect-uri\`; if it is right, the token is spent. ${login} ${ONE_REFRESH}`,
    spentRefresh: (retryAdvice) =>
      `If Bitbucket Data Center processed the refresh, the stored refresh token is already dead (no grace window) and a re-run cannot use it: get a new one with \`bitbucket-oauth login --bitbucket-type datacenter\`. If it did not, ${retryAdvice} now. ${ONE_REFRESH}`,
    notSaved: `On Data Center the stored refresh token died with this refresh (no grace window), so a re-run with it fails: fix the cause, then store a new one from \`bitbucket-oauth login --bitbucket-type datacenter\`. ${ONE_REFRESH}`,
    rotatedUnsaved: `Bitbucket Data Center rotated the refresh token: the one stored in your secret is already dead (no grace window), so the next run fails. Set \`refresh-token-secret\` and \`github-token\` so that the action saves the new one. ${ONE_REFRESH}`,
    tickPermissions,
    readPermission:
      'The token needs the scope `REPO_READ` (allowed on the incoming application link and asked for by the login), and its user must be able to read the repository.',
    archiveOwner: 'PROJECT',
    archiveAccess: ARCHIVE_ACCESS,
    archiveMissing: `The commit may have been removed since it was resolved (then re-run the job), or the token may not read the repository. ${ARCHIVE_ACCESS}`,
    archiveInput: '`api-url` (by default below `bitbucket-url`)',
  },
  apiUrl,
  tokenUrl: (bitbucketUrl) => joinUrl(bitbucketUrl, 'rest/oauth2/latest/token'),
  authorizeUrl: (bitbucketUrl) => joinUrl(bitbucketUrl, 'rest/oauth2/latest/authorize'),
  clientAuthentication: (clientId, clientSecret) => ({
    authorization: undefined,
    form: { client_id: clientId, client_secret: clientSecret },
  }),
  refreshSendsRedirectUri: true,
  clientCredentials: false,
  defaultLoginScope: 'REPO_READ',
  missingScopes,
  resolveRef: async (deps: ResolveDeps, owner, repo, ref) =>
    (await import('./refs.ts')).resolveRef(deps, owner, repo, ref),
  archiveUrl: ({ apiUrl }, owner, repo, commit) => {
    const url = joinUrl(apiUrl, `projects/${encodeURIComponent(owner)}/repos/${encodeURIComponent(repo)}/archive`)
    url.search = new URLSearchParams({ at: commit, format: 'tar.gz' }).toString()
    return url
  },
  archiveHasTopFolder: false,
  gitCredential,
  downloads: false,
  packageManagers: {
    composerAuth: 'bearer',
    // The go command then clones `https://{path without .git}` with git, skipping its `?go-get=1` lookup.
    goModuleHint: (root) =>
      `On Data Center, name a module by its clone URL without the scheme, with .git: ${root}/scm/KEY/slug.git.`,
  },
}
