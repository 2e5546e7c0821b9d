/**
 * The options of `bitbucket-oauth login` (README: "Getting the first refresh
 * token"), read from argv and the environment, validated before anything
 * listens or opens a browser.
 */
import { parseArgs } from 'node:util'
import { ActionError } from '../shared/errors.ts'
import { parseBaseUrl, validateOrganization, validateRepository, validateSecretName } from '../shared/validate.ts'
import { CLOUD } from '../bitbucket/cloud/provider.ts'
import type { BitbucketType, CredentialWording } from '../bitbucket/provider.ts'
import { parseBitbucketType } from '../bitbucket/providers.ts'
import { CLI_OPTIONS, CLI_WORDING } from './wording.ts'

/** A mistake in how the command was called: exit code 2 and a pointer to --help. */
export class UsageError extends ActionError {
  constructor(message: string) {
    super(`${message} Run \`bitbucket-oauth login --help\` for the options.`)
    this.name = 'UsageError'
  }
}

/** The names under which `--store-consumer` stores the consumer's Key and Secret. */
export interface ConsumerSecretNames {
  clientId: string
  clientSecret: string
}

/** Where `--secret` stores the token; the repository may still come from the origin remote. */
export interface SecretRequest {
  name: string
  repository: string | undefined
  environment: string | undefined
  organization: string | undefined
  /** With --store-consumer: also store the consumer there, after the refresh token. */
  consumer: ConsumerSecretNames | undefined
}

export const DEFAULT_CLIENT_ID_SECRET = 'BITBUCKET_CLIENT_ID'
export const DEFAULT_CLIENT_SECRET_SECRET = 'BITBUCKET_CLIENT_SECRET'

export interface LoginOptions {
  help: boolean
  /** Empty when neither the option nor the variable gave it: the command asks on a terminal, or fails. */
  clientId: string
  clientSecret: string
  /** The secret came from argv, where other processes can read it. */
  clientSecretOnCommandLine: boolean
  /** `--bitbucket-type`: Bitbucket Cloud (default) or Data Center. */
  bitbucketType: BitbucketType
  bitbucketUrl: URL
  /** `--scope`: the scopes to ask for (default: the provider's). */
  scope: string | undefined
  port: number
  open: boolean
  timeoutMs: number
  secret: SecretRequest | undefined
}

export const DEFAULT_PORT = 8976
export const DEFAULT_TIMEOUT_SECONDS = 300

export const LOGIN_HELP = `Usage: bitbucket-oauth login [options]

Gets the first Bitbucket refresh token for an OAuth consumer, once, in your
browser. It listens on http://localhost:PORT/, prints an authorize URL (on
stderr) and opens it; you click "Grant access" in Bitbucket; Bitbucket sends
your browser back to the command, which exchanges the code.

From a new consumer to a working workflow, in the repository's clone:

  bitbucket-oauth login --secret BITBUCKET_REFRESH_TOKEN --store-consumer

It asks for the consumer's Key and Secret (the Secret is not shown), stores
the refresh token, the Key and the Secret as GitHub secrets of the origin
remote's repository (with the GitHub CLI's token, or $GH_TOKEN), and prints
the workflow step that uses them.

Without --secret it prints ONLY the refresh token on stdout:

  bitbucket-oauth login | gh secret set BITBUCKET_REFRESH_TOKEN

The consumer (Bitbucket: Workspace settings > OAuth consumers) must have the
callback URL http://localhost:${DEFAULT_PORT} (or http://localhost:PORT with --port).

Bitbucket Data Center: an administrator creates an incoming application link
(Administration > Application links) with the redirect URL
http://localhost:${DEFAULT_PORT}/ and the scopes REPO_READ (REPO_WRITE to push); its
client ID and client secret take the place of the consumer's Key and Secret:

  bitbucket-oauth login --bitbucket-type datacenter \\
    --bitbucket-url https://git.example.com/bitbucket \\
    --secret BITBUCKET_REFRESH_TOKEN

Options:
  --client-id KEY        the consumer's Key (default: $BITBUCKET_CLIENT_ID;
                         asked for on a terminal when neither is given)
  --client-secret SECRET the consumer's Secret (default:
                         $BITBUCKET_CLIENT_SECRET; asked for on a terminal,
                         without echo, when neither is given). Prefer the
                         prompt or the environment variable: a command line
                         is visible to other processes (ps) and kept in
                         shell history.
  --bitbucket-url URL    site root (default: https://bitbucket.org); plain
                         http:// only for loopback hosts
  --bitbucket-type TYPE  cloud (default) or datacenter: a self-hosted Bitbucket
                         Data Center, whose --bitbucket-url is the server's base
                         URL with its context path (the client id and secret
                         come from an incoming application link)
  --scope SCOPES         scopes to ask for (Data Center default: REPO_READ)
  --port N               callback port (default: ${DEFAULT_PORT}); must match the
                         consumer's callback URL http://localhost:N
  --no-open              do not open a browser; open the printed URL yourself
                         (on another machine: forward the port,
                         ssh -L N:localhost:N)
  --timeout SECONDS      how long to wait for the browser (default: ${DEFAULT_TIMEOUT_SECONDS})
  --secret NAME          store the refresh token as this GitHub Actions secret
                         instead of printing it, then print the workflow step
                         that uses it; the GitHub token that writes it comes
                         from $GH_TOKEN, $GITHUB_TOKEN, or the GitHub CLI
                         (gh auth token) when gh is installed and logged in
  --repo OWNER/REPO      repository of the secret (default: the GitHub
                         repository of this directory's "origin" remote)
  --environment NAME     make it a secret of this deployment environment
  --organization ORG     make it an organization secret instead
  --store-consumer       with --secret: also store the consumer's Key and
                         Secret as secrets ${DEFAULT_CLIENT_ID_SECRET} and
                         ${DEFAULT_CLIENT_SECRET_SECRET}, in the same place, after the
                         refresh token
  --client-id-secret NAME      the secret for the Key (with --store-consumer)
  --client-secret-secret NAME  the secret for the Secret (with --store-consumer)
  -h, --help             show this help

Environment: BITBUCKET_CLIENT_ID, BITBUCKET_CLIENT_SECRET, GH_TOKEN or
GITHUB_TOKEN, GITHUB_API_URL (default https://api.github.com; GitHub
Enterprise Server: https://HOST/api/v3), BROWSER (command that opens the URL),
HTTPS_PROXY / NO_PROXY.

Exit status: 0 with the token printed (or stored); 1 when the authorization
failed (denied, failed exchange, timeout, port in use, a secret not stored);
2 for a usage error (also: no consumer given and no terminal to ask on); 130
when stopped at a prompt. Nothing is printed on stdout unless it succeeded.
`

/**
 * The consumer's Key or Secret is missing and there is no terminal to ask
 * on: names the options and the variables that give them.
 */
export function missingConsumerError(
  options: Pick<LoginOptions, 'clientId' | 'clientSecret'>,
  credentials: CredentialWording = CLOUD.wording.login.credentials,
): UsageError {
  const { id, secret, missing, owned, where } = credentials
  if (!options.clientId && !options.clientSecret) {
    const both = `${id} and ${secret}`
    return new UsageError(
      `No ${missing(both)}, and no terminal to ask for them on: set BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET (or pass --client-id and --client-secret) to ${owned(both)} ${where}, or run the command on a terminal.`,
    )
  }
  const [what, variable, flag] = options.clientId
    ? [secret, 'BITBUCKET_CLIENT_SECRET', '--client-secret']
    : [id, 'BITBUCKET_CLIENT_ID', '--client-id']
  return new UsageError(
    `No ${missing(what)}, and no terminal to ask for it on: set ${variable} (or pass ${flag}) to ${owned(what)} ${where}, or run the command on a terminal.`,
  )
}

function positiveNumber(value: string, option: string, { integer, max }: { integer: boolean; max: number }): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `Option ${option} must be a ${integer ? 'whole ' : ''}number from ${integer ? 1 : 'above 0'} to ${max}, got "${value}".`,
    )
  }
  return n
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'bitbucket-url': { type: 'string' },
  'bitbucket-type': { type: 'string' },
  scope: { type: 'string' },
  port: { type: 'string' },
  'no-open': { type: 'boolean' },
  timeout: { type: 'string' },
  secret: { type: 'string' },
  repo: { type: 'string' },
  environment: { type: 'string' },
  organization: { type: 'string' },
  'store-consumer': { type: 'boolean' },
  'client-id-secret': { type: 'string' },
  'client-secret-secret': { type: 'string' },
} as const

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true }>>['values']

/** argv as parseArgs reads it; its errors become usage errors. */
function readArgv(argv: string[]): Values {
  try {
    return parseArgs({ args: argv, allowPositionals: false, strict: true, options: OPTIONS }).values
  } catch (err) {
    // parseArgs's messages name the option; drop its own advice (`--` for positionals).
    const message = (err as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '.')
    throw new UsageError(message.endsWith('.') ? message : `${message}.`)
  }
}

/** A shared check (validate.ts) whose failure is a usage error. */
function usage<T>(check: () => T): T {
  try {
    return check()
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

export function parseLoginArgs(argv: string[], env: NodeJS.ProcessEnv): LoginOptions {
  const values = readArgv(argv)
  const help = values.help === true
  const clientId = values['client-id'] ?? env.BITBUCKET_CLIENT_ID ?? ''
  const clientSecret = values['client-secret'] ?? env.BITBUCKET_CLIENT_SECRET ?? ''
  const options: LoginOptions = {
    help,
    clientId,
    clientSecret,
    clientSecretOnCommandLine: values['client-secret'] !== undefined,
    bitbucketType: 'cloud',
    bitbucketUrl: new URL('https://bitbucket.org'),
    scope: values.scope?.trim() || undefined,
    port: DEFAULT_PORT,
    open: values['no-open'] !== true,
    timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000,
    secret: undefined,
  }
  if (help) return options

  options.bitbucketType = usage(() => parseBitbucketType(values['bitbucket-type'] ?? '', CLI_OPTIONS.bitbucketType))
  options.bitbucketUrl = usage(() =>
    parseBaseUrl(values['bitbucket-url'] ?? 'https://bitbucket.org', CLI_WORDING.bitbucketUrl),
  )
  if (values.port !== undefined) options.port = positiveNumber(values.port, '--port', { integer: true, max: 65535 })
  if (values.timeout !== undefined)
    options.timeoutMs = Math.round(positiveNumber(values.timeout, '--timeout', { integer: false, max: 86_400 }) * 1000)
  options.secret = parseSecretRequest(values)
  return options
}

/** `--secret NAME` and the options that place it; undefined without --secret. */
function parseSecretRequest(values: Values): SecretRequest | undefined {
  const name = values.secret
  const renamed = (['client-id-secret', 'client-secret-secret'] as const).find((k) => values[k] !== undefined)
  if (renamed && values['store-consumer'] !== true)
    throw new UsageError(`Option --${renamed} only goes with --secret NAME --store-consumer.`)
  const scoped = (['repo', 'environment', 'organization', 'store-consumer'] as const).filter(
    (k) => values[k] !== undefined,
  )
  if (name === undefined) {
    if (scoped.length) throw new UsageError(`Option --${scoped[0]} only goes with --secret NAME.`)
    return undefined
  }
  const { repo, environment, organization } = values
  usage(() => validateSecretName(name, CLI_WORDING.secretName))
  if (environment !== undefined && organization !== undefined) {
    throw new UsageError(
      'Options --environment and --organization exclude each other: a secret belongs to an environment of a repository or to an organization.',
    )
  }
  if (repo !== undefined && organization !== undefined) {
    throw new UsageError(
      'Options --repo and --organization exclude each other: an organization secret belongs to no single repository.',
    )
  }
  if (repo !== undefined) usage(() => validateRepository(repo, CLI_OPTIONS.repo, 'OWNER/REPO'))
  if (organization !== undefined) usage(() => validateOrganization(organization, CLI_OPTIONS.organization))
  if (environment !== undefined && environment.trim() === '') {
    throw new UsageError('Option --environment needs the name of a deployment environment.')
  }
  return { name, repository: repo, environment, organization, consumer: parseConsumerNames(values, name) }
}

/** `--store-consumer` with the names it stores under; every name a valid secret name, the three all different. */
function parseConsumerNames(values: Values, refreshTokenName: string): ConsumerSecretNames | undefined {
  if (values['store-consumer'] !== true) return undefined
  const names = {
    clientId: values['client-id-secret'] ?? DEFAULT_CLIENT_ID_SECRET,
    clientSecret: values['client-secret-secret'] ?? DEFAULT_CLIENT_SECRET_SECRET,
  }
  usage(() => validateSecretName(names.clientId, CLI_OPTIONS.clientIdSecret))
  usage(() => validateSecretName(names.clientSecret, CLI_OPTIONS.clientSecretSecret))
  const all = [refreshTokenName, names.clientId, names.clientSecret]
  const twice = all.find((n, i) => all.findIndex((m) => m.toUpperCase() === n.toUpperCase()) !== i)
  if (twice !== undefined) {
    throw new UsageError(
      `The refresh token (--secret), the consumer's Key (--client-id-secret, default ${DEFAULT_CLIENT_ID_SECRET}) and its Secret (--client-secret-secret, default ${DEFAULT_CLIENT_SECRET_SECRET}) need three different secret names, but ${twice} is used twice (GitHub ignores case in secret names).`,
    )
  }
  return names
}
