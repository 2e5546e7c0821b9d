/**
 * `npm run bench`: the archive step against the emulator, alternating with
 * `curl -sf -K - | tar -xz --strip-components=1 -C DIR` on the same archive.
 *
 * "The action" is the bundled `dist/main/index.js` run as a child process
 * exactly as the runner does (token grant, ref resolution, download,
 * extraction), so its figures include Node's start-up and the token grant.
 * curl gets the Bearer token through a config on stdin (`-K -`), never argv.
 * Wall time is measured around each child; peak RSS by `/usr/bin/time -f %M`.
 *
 *   npm run bench [-- --token-only] [--token-runs 21] [--compare GIT-REV] [--runs 3] [--dir WORKDIR (default /dev/shm/..., tmpfs)] [--skip-memory] [--skip-parallel] [--pinned]
 *                 [--downloads-only | --skip-downloads] [--download-mib 256,1024]
 *
 * The token-only part (bench-token.ts) compares a token-only step with a bare
 * `node -e` fetch of the same token; the downloads part (bench-downloads.ts)
 * compares the action fetching one large file of a Downloads section with
 * `curl -L` on the same emulator.
 *
 * Archives are generated once into `.bench/` (gitignored). Run `npm run build` first.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { archivesOf } from '../emulator/bitbucket/archive-store.ts'
import { startEmulator } from '../emulator/bitbucket/server.ts'
import { benchArchive, type BenchArchive } from './bench-data.ts'
import { benchToken } from './bench-token.ts'
import { benchDownloads } from './bench-downloads.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    dir: { type: 'string' },
    'skip-memory': { type: 'boolean', default: false },
    'skip-parallel': { type: 'boolean', default: false },
    pinned: { type: 'boolean', default: false },
    'token-only': { type: 'boolean', default: false },
    'token-runs': { type: 'string', default: '21' },
    compare: { type: 'string' },
    'downloads-only': { type: 'boolean', default: false },
    'skip-downloads': { type: 'boolean', default: false },
    'download-mib': { type: 'string', default: '256' },
  },
})
const RUNS = Number(values.runs)
const CACHE = path.join(ROOT, '.bench')
// tmpfs by default: the shared disk of a CI machine adds noise larger than the differences measured.
const WORK = values.dir
  ? path.resolve(values.dir)
  : fs.existsSync('/dev/shm')
    ? '/dev/shm/bitbucket-oauth-bench'
    : path.join(CACHE, 'work')
const MAIN = path.join(ROOT, 'dist/main/index.js')
if (!fs.existsSync(MAIN)) throw new Error('dist/main/index.js is missing: run `npm run build` first')
const MiB = 1 << 20

const log = (m: string) => process.stderr.write(`${m}\n`)

// ---------------------------------------------------------------- token only
await benchToken({ root: ROOT, runs: Number(values['token-runs']), compare: values.compare, log })
if (values['token-only']) process.exit(0)
const downloadsBench = () =>
  benchDownloads({
    root: ROOT,
    cache: CACHE,
    work: WORK,
    runs: RUNS,
    sizesMiB: values['download-mib'].split(',').map(Number),
    log,
  })
if (values['downloads-only']) {
  const t = performance.now()
  const lines = await downloadsBench()
  lines.push('', `Whole bench: ${((performance.now() - t) / 1000).toFixed(0)} s.`)
  console.log(lines.join('\n'))
  fs.writeFileSync(path.join(CACHE, 'results-downloads.md'), lines.join('\n') + '\n')
  fs.rmSync(WORK, { recursive: true, force: true })
  process.exit(0)
}

// ---------------------------------------------------------------- archives
const started = performance.now()
log('Preparing archives in .bench/ (generated once)...')
const big = await benchArchive(CACHE, 'realistic-256m', 256 * MiB, 256)
const small = values['skip-memory'] ? undefined : await benchArchive(CACHE, 'realistic-64m', 64 * MiB, 64)
const huge = values['skip-memory'] ? undefined : await benchArchive(CACHE, 'realistic-1024m', 1024 * MiB, 1024)
const parallel: BenchArchive[] = []
if (!values['skip-parallel'])
  for (let i = 0; i < 8; i++) parallel.push(await benchArchive(CACHE, `parallel-32m-${i}`, 32 * MiB, 3200 + i))
log(`archives ready in ${((performance.now() - started) / 1000).toFixed(0)} s`)

// ---------------------------------------------------------------- emulator
const emu = await startEmulator()
const store = archivesOf(emu.state)
const consumer = emu.state.addConsumer({ scopes: ['repository'] })
for (const a of [big, small, huge, ...parallel])
  if (a) store.addFileCommit(`${a.workspace}/${a.repo}`, a.commit, a.file, { tags: ['bench'] })

const actionYml = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
}

fs.rmSync(WORK, { recursive: true, force: true })
fs.mkdirSync(WORK, { recursive: true })

interface Run {
  ms: number
  rssKiB: number
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<Run> {
  const rssFile = path.join(WORK, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`)
  return new Promise((resolve, reject) => {
    const t = performance.now()
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.stdin.end(stdin ?? '')
    child.on('close', (code) => {
      const ms = performance.now() - t
      const rssKiB = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop())
      fs.rmSync(rssFile, { force: true })
      if (code !== 0) reject(new Error(`${cmd} exited ${code}:\n${out.slice(-2000)}`))
      else resolve({ ms, rssKiB })
    })
  })
}

let jobs = 0
function newJob(): { root: string; workspace: string } {
  const root = path.join(WORK, `job-${++jobs}`)
  const workspace = path.join(root, 'workspace')
  for (const d of [workspace, path.join(root, 'temp')]) fs.mkdirSync(d, { recursive: true })
  for (const f of ['output', 'env', 'state', 'summary']) fs.writeFileSync(path.join(root, f), '')
  return { root, workspace }
}

/** The bundled action with these `archives` lines, as the runner runs it. */
async function action(lines: string[]): Promise<Run & { dir: string }> {
  const job = newJob()
  const inputs: Record<string, string> = {
    'client-id': consumer.key,
    'client-secret': consumer.secret,
    'refresh-token': emu.state.issueRefreshToken(consumer.key).value,
    'bitbucket-url': emu.url,
    'api-url': emu.apiUrl,
    archives: lines.join('\n'),
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: job.root,
    LANG: 'C.UTF-8',
    GITHUB_ACTIONS: 'true',
    RUNNER_DEBUG: '0',
  }
  for (const [name, spec] of Object.entries(actionYml.inputs)) {
    env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? (spec.default ?? '').replace(/\$\{\{[^}]*\}\}/g, '')
  }
  Object.assign(env, {
    GITHUB_WORKSPACE: job.workspace,
    RUNNER_TEMP: path.join(job.root, 'temp'),
    GITHUB_OUTPUT: path.join(job.root, 'output'),
    GITHUB_ENV: path.join(job.root, 'env'),
    GITHUB_STATE: path.join(job.root, 'state'),
    GITHUB_STEP_SUMMARY: path.join(job.root, 'summary'),
  })
  const run = await timed(process.execPath, [MAIN], env)
  return { ...run, dir: job.root }
}

/** `curl -sf -K - URL | tar -xz --strip-components=1 -C DIR`, the token in curl's stdin config. */
async function curlTar(a: BenchArchive, token: string): Promise<Run & { dir: string }> {
  const job = newJob()
  const dir = path.join(job.workspace, a.repo)
  fs.mkdirSync(dir)
  const config = `url = "${emu.url}/${a.workspace}/${a.repo}/get/${a.commit}.tar.gz"\nheader = "Authorization: Bearer ${token}"\n`
  const run = await timed(
    'sh',
    ['-c', 'curl -sf -K - | tar -xz --strip-components=1 -C "$1"', 'sh', dir],
    { PATH: process.env.PATH },
    config,
  )
  return { ...run, dir: job.root }
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!)
    }),
  )
}

function verify(dir: string, a: BenchArchive, sub: string): void {
  const probe = path.join(dir, 'workspace', sub, 'bin/build.sh')
  if (!fs.existsSync(probe) || (fs.statSync(probe).mode & 0o100) === 0)
    throw new Error(`extraction incomplete in ${dir} (${a.name})`)
}

const clean = (dir: string) => fs.rmSync(dir, { recursive: true, force: true })
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!
const secs = (ms: number) => (ms / 1000).toFixed(2)
const mib = (kib: number) => (kib / 1024).toFixed(0)

// ---------------------------------------------------------------- 1. one 256 MiB archive
const token = () => emu.state.issueAccessToken(consumer.key, ['repository']).value
const A: Run[] = []
const B: Run[] = []
const P: Run[] = []
log(
  `\n1. ${big.name}: ${mib(big.bytes / 1024)} MiB, ${big.files} files, ${mib(big.rawBytes / 1024)} MiB extracted; ${RUNS} runs each, alternating`,
)
for (let i = 0; i < RUNS; i++) {
  const order = i % 2 === 0 ? ['action', 'curl'] : ['curl', 'action']
  for (const which of order) {
    if (which === 'action') {
      const r = await action([`${big.workspace}/${big.repo}@bench`])
      verify(r.dir, big, big.repo)
      clean(r.dir)
      A.push(r)
      log(`  action     ${secs(r.ms)} s  peak RSS ${mib(r.rssKiB)} MiB`)
    } else {
      const r = await curlTar(big, token())
      verify(r.dir, big, big.repo)
      clean(r.dir)
      B.push(r)
      log(`  curl|tar   ${secs(r.ms)} s`)
    }
  }
  if (values.pinned) {
    const r = await action([`${big.workspace}/${big.repo}@bench sha256:${big.sha256}`])
    verify(r.dir, big, big.repo)
    clean(r.dir)
    P.push(r)
    log(`  action+pin ${secs(r.ms)} s  peak RSS ${mib(r.rssKiB)} MiB`)
  }
}

// ---------------------------------------------------------------- 2. memory: 64 MiB vs 1 GiB
let mem: { small: Run; huge: Run } | undefined
if (small && huge) {
  log(
    `\n2. memory: ${small.name} (${mib(small.bytes / 1024)} MiB) vs ${huge.name} (${mib(huge.bytes / 1024)} MiB, ${huge.files} files)`,
  )
  const s = await action([`${small.workspace}/${small.repo}@bench`])
  verify(s.dir, small, small.repo)
  clean(s.dir)
  log(`  64 MiB  ${secs(s.ms)} s  peak RSS ${mib(s.rssKiB)} MiB`)
  const h = await action([`${huge.workspace}/${huge.repo}@bench`])
  verify(h.dir, huge, huge.repo)
  clean(h.dir)
  log(`  1 GiB   ${secs(h.ms)} s  peak RSS ${mib(h.rssKiB)} MiB`)
  mem = { small: s, huge: h }
}

// ---------------------------------------------------------------- 3. eight 32 MiB archives
const PA: number[] = []
const PB: number[] = []
if (parallel.length) {
  log(
    `\n3. eight 32 MiB archives: the action (4 at a time) vs curl|tar pipelines 4 at a time; ${RUNS} runs each, alternating`,
  )
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? ['action', 'curl'] : ['curl', 'action']
    for (const which of order) {
      if (which === 'action') {
        const r = await action(parallel.map((a, n) => `${a.workspace}/${a.repo}@bench -> p${n}`))
        parallel.forEach((a, n) => verify(r.dir, a, `p${n}`))
        clean(r.dir)
        PA.push(r.ms)
        log(`  action     ${secs(r.ms)} s  peak RSS ${mib(r.rssKiB)} MiB`)
      } else {
        const t = performance.now()
        const dirs: string[] = []
        await pool(parallel, 4, async (a) => {
          const r = await curlTar(a, token())
          verify(r.dir, a, a.repo)
          dirs.push(r.dir)
        })
        const ms = performance.now() - t
        dirs.forEach(clean)
        PB.push(ms)
        log(`  curl|tar   ${secs(ms)} s`)
      }
    }
  }
}
await emu.close()
fs.rmSync(WORK, { recursive: true, force: true })

// ---------------------------------------------------------------- report
const cpu = os.cpus()[0]?.model ?? 'unknown'
const lines: string[] = []
lines.push(
  `Machine: ${os.availableParallelism()} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}; work dir ${WORK}${WORK.startsWith('/dev/shm') ? ' (tmpfs)' : ''}`,
)
lines.push('')
lines.push('| measurement | action | curl \\| tar | ratio | target |')
lines.push('|---|---|---|---|---|')
const ratio1 = median(A.map((r) => r.ms)) / median(B.map((r) => r.ms))
lines.push(
  `| one ${mib(big.bytes / 1024)} MiB archive (${big.files} files), median of ${RUNS} | ${secs(median(A.map((r) => r.ms)))} s | ${secs(median(B.map((r) => r.ms)))} s | ${ratio1.toFixed(2)} | ≤ 1.15 ${ratio1 <= 1.15 ? '✓' : '✗'} |`,
)
if (P.length)
  lines.push(
    `| same, with a \`sha256:\` pin (download first, then extract) | ${secs(median(P.map((r) => r.ms)))} s | | ${(median(P.map((r) => r.ms)) / median(B.map((r) => r.ms))).toFixed(2)} | (no target) |`,
  )
if (PA.length) {
  const ratio3 = median(PA) / median(PB)
  lines.push(
    `| eight 32 MiB archives, 4 at a time, median of ${RUNS} | ${secs(median(PA))} s | ${secs(median(PB))} s | ${ratio3.toFixed(2)} | ≤ 1.2 ${ratio3 <= 1.2 ? '✓' : '✗'} |`,
  )
}
lines.push('')
const peak = Math.max(...A.map((r) => r.rssKiB))
lines.push(`| memory (peak RSS of the action's process) | value | target |`)
lines.push('|---|---|---|')
lines.push(
  `| ${mib(big.bytes / 1024)} MiB archive (max over runs) | ${mib(peak)} MiB | < 160 MiB ${peak < 160 * 1024 ? '✓' : '✗'} |`,
)
if (mem) {
  const growth = mem.huge.rssKiB / mem.small.rssKiB - 1
  lines.push(`| ${mib(small!.bytes / 1024)} MiB archive | ${mib(mem.small.rssKiB)} MiB | |`)
  lines.push(
    `| ${mib(huge!.bytes / 1024)} MiB archive (${huge!.files} files, ${mib(huge!.rawBytes / 1024)} MiB extracted, ${secs(mem.huge.ms)} s) | ${mib(mem.huge.rssKiB)} MiB (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%) | within 10% ${Math.abs(growth) <= 0.1 ? '✓' : '✗'} |`,
  )
}
lines.push('')
lines.push(
  `curl|tar peak RSS (largest process of the pipeline): ${mib(Math.max(...B.map((r) => r.rssKiB)))} MiB. Whole bench: ${((performance.now() - started) / 1000).toFixed(0)} s.`,
)
if (!values['skip-downloads']) {
  lines.push('', '### Downloads section: one large file, action vs curl -L', '', ...(await downloadsBench()))
  fs.rmSync(WORK, { recursive: true, force: true })
}
console.log(lines.join('\n'))
fs.writeFileSync(path.join(CACHE, 'results.md'), lines.join('\n') + '\n')
