#!/usr/bin/env node
/** The `bitbucket-oauth` command: dispatches to its subcommands (today: `login`). */
import './net/quiet-warnings.ts'
import { PROVIDERS } from './bitbucket/providers.ts'
import { isatty } from 'node:tty'
import { saveSecret } from './github/secrets.ts'
import { loginCommand } from './login/command.ts'

const HELP = `Usage: bitbucket-oauth <command> [options]

Commands:
  login    get the first Bitbucket refresh token for an OAuth consumer, in
           your browser, and print it (or store it as a GitHub secret)

Run \`bitbucket-oauth login --help\` for its options.
`

const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text)
const [command, ...rest] = process.argv.slice(2)

if (command === 'login') {
  process.exitCode = await loginCommand(rest, {
    env: process.env,
    cwd: process.cwd(),
    platform: process.platform,
    stdout: write(process.stdout),
    stderr: write(process.stderr),
    stdoutIsTerminal: process.stdout.isTTY === true,
    // Questions go to stderr (stdout is the token's), so both must be the terminal.
    terminal: isatty(0) && isatty(2) ? { input: process.stdin, write: write(process.stderr) } : undefined,
    saveSecret,
    providers: PROVIDERS,
  })
} else if (command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(HELP)
} else {
  process.stderr.write(command === undefined ? HELP : `bitbucket-oauth: unknown command "${command}". ${HELP}`)
  process.exitCode = 2
}
