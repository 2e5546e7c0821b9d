/**
 * Runs the bundled action (`dist/main` or `dist/post`) as a child process the
 * way the GitHub runner does: every input as `INPUT_*` with action.yml's
 * defaults (expressions filled from a fake `github` context), the
 * GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE / GITHUB_STEP_SUMMARY files and
 * RUNNER_TEMP, and state handed from main to post as the runner does.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

interface ActionYml {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
  runs: { main: string; post: string }
}

export const actionYml = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml

export interface Job {
  /** The job's temporary root: workspace, runner temp, home, command files. */
  root: string
  workspace: string
  runnerTemp: string
  home: string
  /** GITHUB_STATE of the last main run, handed to the post step. */
  state: Record<string, string>
  /** Environment variables later steps get (GITHUB_ENV of earlier steps, post steps too). */
  env: Record<string, string>
}

/** A job's folders; `options.home` shares another job's HOME (two runners of one user on one host). */
export function newJob(prefix = 'job', options: { home?: string } = {}): Job {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `bboa-${prefix}-`))
  const job: Job = {
    root,
    workspace: path.join(root, 'workspace'),
    runnerTemp: path.join(root, 'runner-temp'),
    home: options.home ?? path.join(root, 'home'),
    state: {},
    env: {},
  }
  for (const dir of [job.workspace, job.runnerTemp, job.home]) fs.mkdirSync(dir, { recursive: true })
  return job
}

export function removeJob(job: Job): void {
  fs.rmSync(job.root, { recursive: true, force: true })
}

export interface StepResult {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  /** Variables the step exported (GITHUB_ENV). */
  exported: Record<string, string>
  state: Record<string, string>
  summary: string
  /** `::error::` lines (decoded). */
  errors: string[]
  warnings: string[]
  /** Milliseconds the process ran. */
  ms: number
}

/** The workflow run every job belongs to unless a test says otherwise. */
export const DEFAULT_RUN_ID = '16000000001'

export interface StepOptions {
  inputs?: Record<string, string>
  env?: Record<string, string | undefined>
  /** The `github` context; `run_id` and `run_attempt` name the workflow run the job belongs to. */
  context?: { repository?: string; api_url?: string; run_id?: string; run_attempt?: string }
  debug?: boolean
  timeoutMs?: number
}

/** Parses a file written by @actions/core's file commands (`name<<delim` blocks or `name=value`). */
export function parseCommandFile(file: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (!fs.existsSync(file)) return out
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const heredoc = /^([^<=]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delim] = heredoc as unknown as [string, string, string]
      const value: string[] = []
      while (++i < lines.length && lines[i] !== delim) value.push(lines[i]!)
      out[name] = value.join('\n')
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return out
}

function decodeCommand(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

function inputEnv(
  inputs: Record<string, string>,
  context: Required<NonNullable<StepOptions['context']>>,
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries(actionYml.inputs)) {
    let value = inputs[name] ?? spec.default ?? ''
    value = value.replace(
      /\$\{\{\s*github\.(\w+)\s*\}\}/g,
      (_, key: string) => (context as Record<string, string>)[key] ?? '',
    )
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in actionYml.inputs)) throw new Error(`input ${name} is not in action.yml`)
  }
  return env
}

export async function runStep(job: Job, entry: 'main' | 'post', options: StepOptions = {}): Promise<StepResult> {
  const files = fs.mkdtempSync(path.join(job.root, `${entry}-files-`))
  const output = path.join(files, 'output')
  const envFile = path.join(files, 'env')
  const stateFile = path.join(files, 'state')
  const summary = path.join(files, 'summary')
  for (const f of [output, envFile, stateFile, summary]) fs.writeFileSync(f, '')
  const context = {
    repository: 'octo-org/octo-repo',
    api_url: 'https://api.github.com',
    run_id: DEFAULT_RUN_ID,
    run_attempt: '1',
    ...options.context,
  }

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: job.home,
    LANG: 'C.UTF-8',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: job.workspace,
    GITHUB_REPOSITORY: context.repository,
    GITHUB_RUN_ID: context.run_id,
    GITHUB_RUN_ATTEMPT: context.run_attempt,
    GITHUB_API_URL: context.api_url,
    GITHUB_OUTPUT: output,
    GITHUB_ENV: envFile,
    GITHUB_STATE: stateFile,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: job.runnerTemp,
    RUNNER_DEBUG: options.debug === false ? '0' : '1',
    GIT_CONFIG_NOSYSTEM: '1',
    ...job.env,
    ...inputEnv(options.inputs ?? {}, context),
  }
  if (entry === 'post') for (const [k, v] of Object.entries(job.state)) env[`STATE_${k}`] = v
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }

  const script = path.join(ROOT, entry === 'main' ? actionYml.runs.main : actionYml.runs.post)
  const started = Date.now()
  const child = spawn(process.execPath, [script], { cwd: job.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
  clearTimeout(timer)

  const result: StepResult = {
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(output),
    exported: parseCommandFile(envFile),
    state: parseCommandFile(stateFile),
    summary: fs.readFileSync(summary, 'utf8'),
    errors: [...stdout.matchAll(/^::error(?:[^:]*)::(.*)$/gm)].map((m) => decodeCommand(m[1]!)),
    warnings: [...stdout.matchAll(/^::warning(?:[^:]*)::(.*)$/gm)].map((m) => decodeCommand(m[1]!)),
    ms: Date.now() - started,
  }
  if (entry === 'main') job.state = result.state
  // What a step exports reaches the steps after it, post steps included.
  Object.assign(job.env, result.exported)
  return result
}

/**
 * The leak check: no secret appears in the step's stdout or stderr except in
 * its own `::add-mask::` line (so it is never shown, even before the runner
 * would have masked it). Returns the problems found (empty when clean).
 */
export function findLeaks(
  result: Pick<StepResult, 'stdout' | 'stderr'>,
  secrets: Record<string, string | undefined>,
): string[] {
  const problems: string[] = []
  for (const [name, secret] of Object.entries(secrets)) {
    if (!secret || secret.length < 4) continue
    for (const [stream, text] of [
      ['stdout', result.stdout],
      ['stderr', result.stderr],
    ] as const) {
      const lines = text.split(/\r?\n/)
      lines.forEach((line, i) => {
        if (!line.includes(secret)) return
        if (stream === 'stdout' && line === `::add-mask::${secret}`) return
        problems.push(
          `${name} appears unmasked in ${stream} line ${i + 1}: ${line.replace(secret, '<' + name + '>').slice(0, 160)}`,
        )
      })
    }
  }
  return problems
}

/** Whether `secret` was registered with `::add-mask::` in this output. */
export function wasMasked(stdout: string, secret: string): boolean {
  return stdout.split(/\r?\n/).includes(`::add-mask::${secret}`)
}
