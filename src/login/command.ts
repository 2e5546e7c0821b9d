/**
 * `bitbucket-oauth login`: reads the options, wires the real dependencies
 * into the flow, and turns any failure into one line on stderr and an exit
 * status (0 done, 1 failed, 2 usage error). Nothing reaches stdout but the
 * refresh token.
 */
import { ActionError, errorMessage } from '../shared/errors.ts'
import { CLI_WORDING } from './wording.ts'
import { HttpClient } from '../net/http.ts'
import { Masker } from '../shared/mask.ts'
import { tuningFromEnv } from '../net/tuning.ts'
import type { SaveSecret } from '../github/secrets.ts'
import { LOGIN_HELP, UsageError, parseLoginArgs, type LoginOptions } from './args.ts'
import { openBrowser } from './browser.ts'
import { startCallbackServer } from './callback-server.ts'
import { login } from './flow.ts'
import { readOriginUrl } from './git-remote.ts'
import { resolveSecretTarget } from './secret-target.ts'
import { oneLine } from './terminal.ts'

export interface CliIo {
  env: NodeJS.ProcessEnv
  cwd: string
  platform: NodeJS.Platform
  stdout(text: string): void
  stderr(text: string): void
  stdoutIsTerminal: boolean
  saveSecret: SaveSecret
}

export async function loginCommand(argv: string[], io: CliIo): Promise<number> {
  const masker = new Masker(() => {})
  const fail = (err: unknown): number => {
    const message = err instanceof ActionError ? err.message : `unexpected error: ${errorMessage(err)}`
    io.stderr(`bitbucket-oauth login: ${oneLine(masker.redact(message))}\n`)
    return err instanceof UsageError ? 2 : 1
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
    await run(options, io, { http, masker, mask })
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
  io: CliIo,
  { http, masker, mask }: { http: HttpClient; masker: Masker; mask: (value: string) => void },
): Promise<void> {
  const secret = options.secret
    ? await resolveSecretTarget(options.secret, { env: io.env, readOriginUrl: () => readOriginUrl(io.cwd, io.env) })
    : undefined
  if (secret) mask(secret.githubToken)
  await login(
    {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
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
