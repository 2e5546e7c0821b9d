/**
 * The token-only step against a bare fetch of the same token, side by side:
 *
 *   - action:  `node dist/main/index.js`, run as the runner runs it, with a
 *              refresh-token grant and nothing else to do;
 *   - fetch:   `node -e` POSTing the same refresh grant with fetch() and
 *              reading the JSON answer (credentials in its environment);
 *   - and, with `--compare REV`, the action's dist/main of that git revision.
 *
 * Each run gets a fresh refresh token from the emulator; runs alternate
 * (the order rotates each round) and medians are compared. Both use the
 * same Node binary. Used by `npm run bench` (and `npm run bench -- --token-only`).
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { startEmulator } from '../emulator/bitbucket/server.ts'

export interface TokenBenchOptions {
  root: string
  runs: number
  /** A git revision whose dist/main is timed too (e.g. the commit before a change). */
  compare?: string
  log(line: string): void
}

const BARE_FETCH = `
const { URL: url, KEY, SECRET, REFRESH } = process.env
const auth = 'Basic ' + Buffer.from(encodeURIComponent(KEY) + ':' + encodeURIComponent(SECRET)).toString('base64')
const res = await fetch(url + '/site/oauth2/access_token', {
  method: 'POST',
  headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: REFRESH }),
})
const json = await res.json()
if (!json.access_token) process.exit(1)
`

function runOnce(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('close', (code) => {
      const ms = performance.now() - started
      if (code !== 0 || out.includes('::error::')) reject(new Error(`run failed (${code}):\n${out.slice(-1500)}`))
      else resolve(ms)
    })
  })
}

/** dist/main of a git revision, unpacked once under .bench/. */
function bundleOf(root: string, rev: string): string {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], { cwd: root, encoding: 'utf8' }).trim()
  const dir = path.join(root, '.bench', `dist-${sha.slice(0, 12)}`)
  if (!fs.existsSync(path.join(dir, 'dist/main/index.js'))) {
    fs.mkdirSync(dir, { recursive: true })
    const tar = execFileSync('git', ['archive', sha, 'dist/main'], { cwd: root, maxBuffer: 64 << 20 })
    execFileSync('tar', ['-x', '-C', dir], { input: tar })
  }
  return path.join(dir, 'dist/main/index.js')
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!

export async function benchToken(o: TokenBenchOptions): Promise<Record<string, number>> {
  const emu = await startEmulator()
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-token-'))
  try {
    const consumer = emu.state.addConsumer({ scopes: ['repository'] })
    const actionYml = parse(fs.readFileSync(path.join(o.root, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>
    }
    const contestants: Record<string, (refresh: string) => { args: string[]; env: NodeJS.ProcessEnv }> = {}
    const actionRun = (bundle: string) => (refresh: string) => {
      const job = fs.mkdtempSync(path.join(work, 'job-'))
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: job, GITHUB_ACTIONS: 'true' }
      const inputs: Record<string, string> = {
        'client-id': consumer.key,
        'client-secret': consumer.secret,
        'refresh-token': refresh,
        'bitbucket-url': emu.url,
        'api-url': emu.apiUrl,
      }
      for (const [name, spec] of Object.entries(actionYml.inputs)) {
        env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? (spec.default ?? '').replace(/\$\{\{[^}]*\}\}/g, '')
      }
      for (const f of ['output', 'env', 'state', 'summary']) fs.writeFileSync(path.join(job, f), '')
      Object.assign(env, {
        GITHUB_WORKSPACE: job,
        RUNNER_TEMP: job,
        GITHUB_OUTPUT: path.join(job, 'output'),
        GITHUB_ENV: path.join(job, 'env'),
        GITHUB_STATE: path.join(job, 'state'),
        GITHUB_STEP_SUMMARY: path.join(job, 'summary'),
      })
      return { args: [bundle], env }
    }
    contestants['action'] = actionRun(path.join(o.root, 'dist/main/index.js'))
    if (o.compare) contestants[`action@${o.compare}`] = actionRun(bundleOf(o.root, o.compare))
    contestants['node -e fetch'] = (refresh) => ({
      args: ['--input-type=module', '-e', BARE_FETCH],
      env: { PATH: process.env.PATH, URL: emu.url, KEY: consumer.key, SECRET: consumer.secret, REFRESH: refresh },
    })

    const names = Object.keys(contestants)
    const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
    o.log(`\nToken only: ${names.join(' vs ')}; ${o.runs} runs each, alternating`)
    // One warm-up round, not counted (file cache, emulator's first connections).
    for (const name of names) {
      const c = contestants[name]!(emu.state.issueRefreshToken(consumer.key).value)
      await runOnce(c.args, c.env)
    }
    for (let i = 0; i < o.runs; i++) {
      const order = names.map((_, k) => names[(k + i) % names.length]!)
      for (const name of order) {
        const c = contestants[name]!(emu.state.issueRefreshToken(consumer.key).value)
        times[name]!.push(await runOnce(c.args, c.env))
      }
    }
    const medians = Object.fromEntries(names.map((n) => [n, median(times[n]!)]))
    const base = medians['node -e fetch']!
    for (const n of names) {
      o.log(`  ${n.padEnd(28)} median ${medians[n]!.toFixed(0)} ms   ratio ${(medians[n]! / base).toFixed(2)}`)
    }
    return medians
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
    await emu.close()
  }
}
