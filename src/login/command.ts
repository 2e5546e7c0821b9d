/**
 * `bitbucket-oauth login`: reads the options, asks for the consumer on a
 * terminal when they do not give it, wires the real dependencies into the
 * flow, and turns any failure into one line on stderr and an exit status (0
 * done, 1 failed, 2 usage error, 130 stopped at a prompt). Nothing reaches
 * stdout but the refresh token.
 */
import { ActionError, errorMessage } from '../shared/errors.ts'
import { HttpClient } from '../net/http.ts'
import { Masker } from '../shared/mask.ts'
import { capitalize } from '../shared/wording.ts'
import { tuningFromEnv } from '../net/tuning.ts'
import type { SaveSecret } from '../github/secrets.ts'
import type { CredentialWording, Provider } from '../bitbucket/provider.ts'
import { PROVIDERS, type Providers } from '../bitbucket/providers.ts'
import { LOGIN_HELP, UsageError, missingConsumerError, parseLoginArgs, type LoginOptions } from './args.ts'
import { openBrowser } from './browser.ts'
import { startCallbackServer } from './callback-server.ts'
import { login } from './flow.ts'
import { ghAuthToken } from './gh-token.ts'
import { readOriginUrl } from './git-remote.ts'
import { PromptCancelled, Prompter, type PromptTerminal } from './prompt.ts'
import { resolveSecretTarget } from './secret-target.ts'
import type { SecretPlan } from './store-secrets.ts'
import { oneLine } from './terminal.ts'
import { CLI_WORDING, GH_CLI_WORDING } from './wording.ts'

export interface CliIo {
  env: NodeJS.ProcessEnv
  cwd: string
  platform: NodeJS.Platform
  stdout(text: string): void
  stderr(text: string): void
  stdoutIsTerminal: boolean
  /** Set when stdin and stderr are a terminal: the command may ask there for what is missing. */
  terminal: PromptTerminal | undefined
  saveSecret: SaveSecret
  /** The Bitbucket implementations, by --bitbucket-type (default: all of src/bitbucket/providers.ts). */
  providers?: Providers
}

export async function loginCommand(argv: string[], io: CliIo): Promise<number> {
  const masker = new Masker(() => {})
  const fail = (err: unknown): number => {
    const message = err instanceof ActionError ? err.message : `unexpected error: ${errorMessage(err)}`
    io.stderr(`bitbucket-oauth login: ${oneLine(masker.redact(message))}\n`)
    return err instanceof UsageError ? 2 : err instanceof PromptCancelled ? 130 : 1
  }

  let options
  try {
    options = parseLoginArgs(argv, io.env)
  } catch (err) {
    return fail(err)
  }
  if (options.help) {
    io.stdout(LOGIN_HELP)
    return 0
  }
  const provider = (io.providers ?? PROVIDERS)[options.bitbucketType]
  if ((!options.clientId || !options.clientSecret) && !io.terminal)
    return fail(missingConsumerError(options, provider.wording.login.credentials))
  // Redaction guards the terminal against echoes of a secret; a value this short would blank ordinary words.
  const mask = (value: string) => {
    if (value.length >= 6) masker.add(value)
  }
  mask(options.clientSecret)
  if (options.clientSecretOnCommandLine) {
    io.stderr(
      'Warning: --client-secret on the command line is visible to other processes and kept in shell history; set BITBUCKET_CLIENT_SECRET instead.\n',
    )
  }

  const http = new HttpClient({
    ...tuningFromEnv(io.env),
    wording: CLI_WORDING,
  })
  try {
    await run(options, provider, io, { http, masker, mask })
    return 0
  } catch (err) {
    return fail(err)
  } finally {
    await http.close().catch(() => {})
  }
}

/** Resolves where the token goes (before any browser step), then runs the flow with the real dependencies. */
async function run(
  options: LoginOptions,
  provider: Provider,
  io: CliIo,
  { http, masker, mask }: { http: HttpClient; masker: Masker; mask: (value: string) => void },
): Promise<void> {
  const secret = await secretPlan(options, io, mask, provider.wording.login.credentials)
  await askForConsumer(options, io.terminal, provider.wording.login.credentials)
  mask(options.clientSecret)
  await login(
    {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      provider,
      scope: options.scope,
      bitbucketUrl: options.bitbucketUrl,
      port: options.port,
      open: options.open,
      timeoutMs: options.timeoutMs,
      secret,
    },
    {
      http,
      masker,
      info: (line) => io.stderr(`${masker.redact(line)}\n`),
      output: io.stdout,
      outputIsTerminal: io.stdoutIsTerminal,
      openBrowser: (url) =>
        openBrowser(url, { platform: io.platform, env: io.env, warn: (m) => io.stderr(`Warning: ${m}\n`) }),
      startCallbackServer,
      saveSecret: io.saveSecret,
      debug: () => {},
    },
  )
}

/** Where --secret stores, with a GitHub token from the environment or the GitHub CLI; undefined without --secret. */
async function secretPlan(
  options: LoginOptions,
  io: CliIo,
  mask: (value: string) => void,
  credentials: CredentialWording,
): Promise<SecretPlan | undefined> {
  if (!options.secret) return undefined
  const target = await resolveSecretTarget(options.secret, {
    env: io.env,
    readOriginUrl: () => readOriginUrl(io.cwd, io.env),
    ghAuthToken: (host) => ghAuthToken(host, io.env),
  })
  mask(target.githubToken)
  const fromGh = target.githubTokenFrom === 'gh'
  if (fromGh) io.stderr("Using the GitHub CLI's token (gh auth token) to store the secrets; it is not shown.\n")
  return { target, consumer: options.secret.consumer, wording: fromGh ? GH_CLI_WORDING : CLI_WORDING, credentials }
}

/** The client's id and secret that neither the options nor the variables gave, asked on the terminal. */
async function askForConsumer(
  options: LoginOptions,
  terminal: PromptTerminal | undefined,
  credentials: CredentialWording,
): Promise<void> {
  if (options.clientId && options.clientSecret) return
  if (!terminal) throw missingConsumerError(options, credentials)
  const { heading, id, secret } = credentials
  const prompter = new Prompter(terminal)
  terminal.write(`${heading}:\n`)
  prompter.open()
  try {
    if (!options.clientId)
      options.clientId = await prompter.askNonEmpty(`  ${capitalize(id)}: `, {
        hidden: false,
        again: `  Paste the ${id} (Ctrl-C stops).`,
      })
    if (!options.clientSecret)
      options.clientSecret = await prompter.askNonEmpty(`  ${capitalize(secret)} (not shown as you type or paste): `, {
        hidden: true,
        again: `  Paste the ${secret} (Ctrl-C stops).`,
      })
  } finally {
    prompter.close()
  }
}
