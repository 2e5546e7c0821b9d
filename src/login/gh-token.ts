/**
 * The GitHub CLI's token, for `--secret` when neither GH_TOKEN nor
 * GITHUB_TOKEN is set: `gh auth token --hostname HOST`, read from its stdout
 * and kept in memory (never printed, never on another command line). gh runs
 * with a scrubbed environment (no Bitbucket secret, no GitHub token
 * variables) and no stdin, so it can neither prompt nor learn more than it
 * needs.
 */
import { execFile, type ExecFileException } from 'node:child_process'
import { childEnv } from '../shared/child-env.ts'
import { oneLine } from './terminal.ts'

/** A token, or why there is none: `notInstalled` (no `gh` on PATH) and `detail` (what gh said, one line). */
export type GhTokenResult = { token: string } | { token: undefined; notInstalled: boolean; detail: string }

/** Runs `gh` with these arguments; resolves with its exit and output. */
export type RunGh = (
  args: string[],
  env: NodeJS.ProcessEnv,
) => Promise<{ error: ExecFileException | undefined; stdout: string; stderr: string }>

export const GH_TIMEOUT_MS = 15_000

const runGh: RunGh = (args, env) =>
  new Promise((resolve) => {
    const child = execFile(
      'gh',
      args,
      { env, timeout: GH_TIMEOUT_MS, windowsHide: true, encoding: 'utf8', maxBuffer: 64 * 1024 },
      (error, stdout, stderr) => resolve({ error: error ?? undefined, stdout, stderr }),
    )
    child.stdin?.end()
  })

/** `host` as GitHub's web host (github.com, or a GitHub Enterprise Server host). */
export async function ghAuthToken(host: string, env: NodeJS.ProcessEnv, run: RunGh = runGh): Promise<GhTokenResult> {
  const { error, stdout, stderr } = await run(['auth', 'token', '--hostname', host], childEnv(env))
  if (error?.code === 'ENOENT') return { token: undefined, notInstalled: true, detail: 'gh is not installed' }
  const token = stdout.trim()
  if (!error && token && !/\s/.test(token)) return { token }
  const said = oneLine(stderr).slice(0, 200)
  const why = error?.killed
    ? `no answer within ${GH_TIMEOUT_MS / 1000} s`
    : said || (error ? `exit status ${String(error.code)}` : 'it printed no token')
  return { token: undefined, notInstalled: false, detail: why }
}
