/**
 * `npm run local`: @github/local-action runs the main step from source
 * (src/main.ts, loaded through tsx) with inputs from a .env file, here against
 * the emulator. local-action exits 0 even when the step fails, so success is
 * read from its log: no `::error::` line, the outputs printed, the grant seen
 * by the emulator.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT, newJob, removeJob, type Job } from '../helpers/action.ts'
import { FAST_RETRY, allSecrets, startFixture, type Fixture } from '../helpers/emulator.ts'

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
const LOCAL = pkg.scripts.local!

let fx: Fixture
let job: Job

beforeEach(async () => {
  fx = await startFixture()
  job = newJob('local-action')
})
afterEach(async () => {
  await fx.emu.close()
  removeJob(job)
})

/** The .env a developer writes from `npm run emulator`'s line (see .env.example). */
function writeEnv(inputs: Record<string, string>): string {
  const lines = Object.entries(inputs).map(([name, value]) => `INPUT_${name.toUpperCase()}=${value}`)
  lines.push(
    `GITHUB_WORKSPACE=${job.workspace}`,
    `RUNNER_TEMP=${job.runnerTemp}`,
    'GITHUB_REPOSITORY=octo-org/octo-repo',
    ...Object.entries(FAST_RETRY).map(([k, v]) => `${k}=${v}`),
  )
  const file = path.join(job.root, '.env')
  fs.writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 })
  return file
}

/** Runs the `local` npm script's command (local-action run . src/main.ts <env>) the way `npm run local` does. */
async function localAction(envFile: string): Promise<{ code: number | null; out: string }> {
  const [bin, ...args] = LOCAL.replace(/\.env$/, envFile).split(' ')
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    // Nothing of an enclosing runner or step may reach the action: only the .env says what it gets.
    if (v !== undefined && !/^(GITHUB_|INPUT_|RUNNER_|STATE_|ACTIONS_)/.test(k)) env[k] = v
  }
  env.PATH = `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`
  env.HOME = job.home
  env.NO_COLOR = '1'
  const child = spawn(bin!, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')))
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')))
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  return { code, out }
}

const tokenRequests = () => fx.emu.router.requests.filter((r) => r.path === '/site/oauth2/access_token')

test('the `local` script is local-action on src/main.ts with .env', () => {
  expect(LOCAL).toBe('local-action run . src/main.ts .env')
  expect(fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.env')
})

test('local-action runs the main step against the emulator', async () => {
  const { code, out } = await localAction(writeEnv(fx.inputs))
  expect(out).not.toMatch(/does not export a run\(\) function/)
  expect(out).not.toMatch(/^::error/m)
  expect(code).toBe(0)
  expect(tokenRequests()).toHaveLength(1)
  expect(out).toMatch(/^::set-output name=token-type::bearer$/m)
  expect(out).toMatch(/^::set-output name=refresh-token-rotated::true$/m)
  expect(out).toMatch(/^::set-output name=archives::\[\]$/m)
  // What README says of local-action 7.0.1: outputs holding a masked value are
  // left out with a warning, so neither token reaches the terminal.
  expect(out).toMatch(/Skip output access-token since it may contain secret/)
  expect(out).toMatch(/Skip output refresh-token since it may contain secret/)
  for (const [name, secret] of Object.entries(allSecrets(fx))) {
    if (out.includes(secret)) throw new Error(`${name} appears in local-action's output`)
  }
}, 120_000)

test('a failing step still exits 0 under local-action: the ::error:: line tells', async () => {
  const { code, out } = await localAction(writeEnv({ ...fx.inputs, 'client-secret': 'wrong-secret-value' }))
  expect(code).toBe(0)
  expect(out).toMatch(/^::error::.*OAuth consumer/m)
  expect(out).not.toMatch(/^::set-output name=token-type/m)
}, 120_000)
