/** Real `git` and `npm` as a later step of the job would run them (the job's HOME, no system config, no prompts). */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Job } from './action.ts'

export interface ProcResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * The environment of a later step: the job's HOME, what earlier steps
 * exported (GITHUB_ENV: GIT_CONFIG_GLOBAL, the token), no system git config,
 * never a prompt, no registry.
 */
export function laterStepEnv(job: Job, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: job.home,
    LANG: 'C.UTF-8',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    ...job.env,
    ...extra,
  }
}

export function run(
  cmd: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<ProcResult> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: options.cwd, env: options.env, encoding: 'utf8', timeout: options.timeoutMs ?? 60_000 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? Number((err as { code?: unknown }).code)
            : -1
          : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

export function git(
  job: Job,
  args: string[],
  cwd = job.workspace,
  extraEnv: Record<string, string> = {},
): Promise<ProcResult> {
  return run('git', args, { cwd, env: laterStepEnv(job, extraEnv) })
}

/**
 * `npm install` in `dir` as a later step would run it, kept off the public
 * registry: the registry is a closed loopback port, so any registry request
 * fails the install instead of reaching the internet.
 */
export function npmInstall(job: Job, dir: string, extraEnv: Record<string, string> = {}): Promise<ProcResult> {
  const env = laterStepEnv(job, {
    ...extraEnv,
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_update_notifier: 'false',
    npm_config_fetch_retries: '0',
    npm_config_loglevel: 'warn',
  })
  return run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, env, timeoutMs: 120_000 })
}

/** Files under `dirs` (recursively, dotfiles included, symlinks not followed) whose bytes contain one of the secrets. */
export function filesContaining(dirs: string[], secrets: Record<string, string>): string[] {
  const hits: string[] = []
  const needles = Object.entries(secrets).map(([name, value]) => [name, Buffer.from(value)] as const)
  const walk = (p: string) => {
    const st = fs.lstatSync(p, { throwIfNoEntry: false })
    if (!st) return
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p)) walk(path.join(p, name))
    } else if (st.isFile()) {
      const data = fs.readFileSync(p)
      for (const [name, needle] of needles) if (data.includes(needle)) hits.push(`${name} in ${p}`)
    }
  }
  for (const dir of dirs) walk(dir)
  return hits
}

/** The secret forms of an access token that must never be left on disk or unmasked in the log. */
export function tokenForms(accessToken: string): Record<string, string> {
  return {
    token: accessToken,
    basic: Buffer.from(`x-token-auth:${accessToken}`).toString('base64'),
    userpass: `x-token-auth:${accessToken}`,
  }
}
