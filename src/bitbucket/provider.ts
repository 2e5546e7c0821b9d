/**
 * The seam between the action and the kind of Bitbucket it talks to: one
 * interface for everything that differs between Bitbucket Cloud and
 * Bitbucket Data Center (endpoints, client authentication, ref resolution,
 * archive URL and layout, the git header, the wording of fixes). The
 * implementations sit beside each other in cloud/ and datacenter/; the
 * composition roots choose one from `bitbucket-type` and pass it down.
 */
import type { HttpClient } from '../net/http.ts'
import type { Masker } from '../shared/mask.ts'

export type BitbucketType = 'cloud' | 'datacenter'

/** How the client (consumer, application link) proves itself to the token endpoint. */
export interface ClientAuthentication {
  /** An `Authorization` header, or undefined when the credentials travel in the form body. */
  authorization: string | undefined
  /** Form fields added to every token request. */
  form: Record<string, string>
}

export interface ResolveDeps {
  http: HttpClient
  apiUrl: URL
  /** `Bearer …` */
  authorization: string
}

export interface Resolved {
  commit: string
  kind: 'tag' | 'branch' | 'commit'
}

/** What a user reads when the provider's own settings are the fix. */
export interface ProviderWording {
  /** "Bitbucket", "Bitbucket Data Center": who answered. */
  product: string
  /** What `bitbucket-url` must be, after "is": "the Bitbucket site root (e.g. https://bitbucket.org)". */
  siteRoot: string
  /** What `client-id` and `client-secret` are, for the message when one is empty. */
  clientFields: { id: string; secret: string }
  /** What the token endpoint authenticates: "the OAuth consumer". */
  client: string
  /** After "Check {the client-id and client-secret inputs}:": what they must be, and where they come from. */
  clientFix: string
  /** The login command, and what its messages name. */
  login: LoginWording
  /** What the login says about the refresh token's life. */
  rotationNote: string
  /** Why a refresh token was refused, and what to do (after the refusal itself). */
  refusedRefresh(login: string): string
  /** After a refresh whose answer was lost (the token may be spent): what to do, with the caller's retry advice. */
  spentRefresh(retryAdvice: string): string
  /** The rotated refresh token was not saved: how long the stored one still works, and what to do. */
  notSaved: string
  /** The refresh token rotated and no secret was set to receive it. */
  rotatedUnsaved: string
  /** Where permissions are granted, for a token that lacks them: `what` names them, `then` how to get a new token. */
  tickPermissions(what: string, then?: string): string
  /** The permission that reading a repository needs, in a sentence. */
  readPermission: string
  /** The form of an `archives` line (`WORKSPACE/REPO@REF`, `PROJECT/REPO@REF`). */
  archiveOwner: string
  /** A sentence for an archive download that was refused (401, 403, a login page): what to check. */
  archiveAccess: string
  /** After "{product} has no archive for … (HTTP 404).": why that may be, and what to do. */
  archiveMissing: string
  /** The input whose URL the archive comes from, as messages name it: "`bitbucket-url`". */
  archiveInput: string
}

/** What `bitbucket-oauth login` says where the fix is in the provider's settings. */
export interface LoginWording {
  /** The command that gets a first refresh token. */
  command: string
  /** The README section that explains it. */
  readme: string
  /** After "Check": the client id (`--client-id`) and the redirect URL registered for it. */
  checkClient(redirectUri: string): string
  /** Where the login's redirect URI must be registered: "the consumer's callback URL". */
  callbackUrl: string
  /** How the browser shows a redirect URI that the authorize page refuses, after "if". */
  redirectRefused: string
  /** What `--bitbucket-url` must be, after "is", when the code exchange answered without a refresh token. */
  siteRoot: string
  /** The client's id and secret as the prompt for them and the error without a terminal name them. */
  credentials: CredentialWording
}

export interface CredentialWording {
  /** The prompt's first line, without its colon: what to paste and where it is found. */
  heading: string
  /** The id and the secret, short ("Key", "client ID"). */
  id: string
  secret: string
  /** After "No": `what` (the id, the secret or both) when none was given. */
  missing(what: string): string
  /** After "set … to": `what` of the client. */
  owned(what: string): string
  /** Where they are found, in parentheses. */
  where: string
}

/** How later steps' git authenticates. */
export interface GitCredential {
  /** The `http.<url>` that the header is configured for (git matches it as a prefix). */
  url: string
  /** The `Authorization` header's value (contains the token: masked by the caller). */
  header: string
  /** Derived forms of the token that the header carries, to mask. */
  secrets: string[]
  /** `url.<base>.insteadOf` rewrites (SSH-style URLs to HTTPS), or none. */
  rewrites: { base: string; insteadOf: string[] } | undefined
  /** For the log: "as x-token-auth with the access token". */
  describe: string
}

export interface Provider {
  type: BitbucketType
  wording: ProviderWording
  /** `api-url` when the input is empty (or, on Data Center, the Cloud default). */
  apiUrl(bitbucketUrl: URL, given: string): URL
  tokenUrl(bitbucketUrl: URL): URL
  authorizeUrl(bitbucketUrl: URL): URL
  clientAuthentication(clientId: string, clientSecret: string, masker: Masker): ClientAuthentication
  /** Whether the refresh grant sends `redirect_uri` again. */
  refreshSendsRedirectUri: boolean
  /** Whether an empty `refresh-token` may mean the client_credentials grant. */
  clientCredentials: boolean
  /** The scope the login asks for when --scope is not given (undefined: the consumer's own). */
  defaultLoginScope: string | undefined
  /** Of the required scopes, those the granted ones do not cover. */
  missingScopes(required: string[], granted: string[]): string[]
  /** A tag, branch or commit to its full commit hash. */
  resolveRef(deps: ResolveDeps, owner: string, repo: string, ref: string): Promise<Resolved>
  /** The archive of a commit (`.tar.gz`). */
  archiveUrl(urls: { bitbucketUrl: URL; apiUrl: URL }, owner: string, repo: string, commit: string): URL
  /** Whether the archive's entries sit below one top-level folder (stripped on extraction). */
  archiveHasTopFolder: boolean
  gitCredential(bitbucketUrl: URL, accessToken: string): GitCredential
  /** Whether `downloads` can be served. */
  downloads: boolean
  /** How package managers take the token on this provider's site. */
  packageManagers: PackageManagerRules
}

export interface PackageManagerRules {
  /** Composer's `COMPOSER_AUTH` entry: `http-basic` with the user x-token-auth, or `bearer`. */
  composerAuth: 'basic' | 'bearer'
  /** For the go info line: how a module on the site is named, given its host and context path (none: no hint). */
  goModuleHint?: (root: string) => string
}
