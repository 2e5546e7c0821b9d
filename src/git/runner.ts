/**
 * Runs `git` for the action. Arguments never carry a secret (the house rule:
 * no secret on a command line); callers pass file paths and plain settings.
 */
import { execFile } from 'node:child_process'
import { childEnv, type ChildEnvOptions } from '../shared/child-env.ts'

export interface GitResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs git with these arguments; resolves with the exit code (it does not throw on a non-zero exit). */
export type GitRunner = (args: string[]) => Promise<GitResult>

export class GitNotFoundError extends Error {
  constructor() {
    super('git was not found on PATH')
    this.name = 'GitNotFoundError'
  }
}

/** Git with `env` less its secrets (child-env.ts; `scrub` names this run's), never prompting. */
export function gitRunner(env: NodeJS.ProcessEnv, scrub: ChildEnvOptions = {}): GitRunner {
  const childEnvironment = { ...childEnv(env, scrub), GIT_TERMINAL_PROMPT: '0' }
  return (args) =>
    new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        {
          env: childEnvironment,
          windowsHide: true,
          encoding: 'utf8',
          maxBuffer: 4 * 1024 * 1024,
          timeout: 60_000,
        },
        (err, stdout, stderr) => {
          if (!err) return resolve({ code: 0, stdout, stderr })
          const code = (err as { code?: unknown }).code
          if (code === 'ENOENT') return reject(new GitNotFoundError())
          if (typeof code === 'number') return resolve({ code, stdout, stderr })
          // Killed by the timeout or a signal: a failure like any other, described by its message.
          resolve({ code: -1, stdout, stderr: `${stderr}\n${(err as Error).message}` })
        },
      )
    })
}

/** One line describing a failed git call, for messages (no secret is ever on argv or in our git output). */
export function describeGitFailure(args: string[], result: GitResult): string {
  const detail = result.stderr.trim().split(/\r?\n/).slice(-2).join(' ')
  return `\`git ${args.join(' ')}\` exited with ${result.code}${detail ? `: ${detail}` : ''}`
}
