/**
 * The downloads part of `npm run bench` (alone: `npm run bench -- --downloads-only`):
 * one large file of a Downloads section, fetched by the bundled action and by
 * `curl -L` from the same emulator (API redirect → signed URL on the storage
 * host), alternating, plus token-only runs of the action for the memory
 * baseline.
 *
 * - "action": `dist/main/index.js` run as the runner does, with one
 *   `downloads` line; its wall time includes Node's start-up, the token grant
 *   and the API request, on top of the transfer, the SHA-256 and the write.
 * - "token only": the same action with no `downloads`: the memory baseline.
 * - "curl -L": `curl -sfL -K -` with the URL, the Bearer header and the output
 *   file in its stdin config (never argv). curl drops a custom Authorization
 *   header on a redirect to another host (since 7.58), and the storage host
 *   refuses one (`-f` would fail the run), so both sides make the same two
 *   requests.
 *
 * Wall time is measured around each child, peak RSS with `/usr/bin/time -f %M`.
 */
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { downloadsOf } from '../emulator/bitbucket/downloads.ts'
import { startEmulator } from '../emulator/bitbucket/server.ts'

export interface DownloadBenchOptions {
  root: string
  /** Generated files are kept here (gitignored). */
  cache: string
  /** Scratch folder (tmpfs by default). */
  work: string
  runs: number
  sizesMiB: number[]
  log(message: string): void
}

interface Run {
  ms: number
  rssKiB: number
  /** User and system CPU seconds. */
  cpu: string
}

const MiB = 1 << 20

/** A file of `mib` MiB that does not compress (random blocks), made once. */
async function benchFile(cache: string, mib: number): Promise<{ file: string; sha256: string }> {
  const file = path.join(cache, `download-${mib}m.bin`)
  const shaFile = `${file}.sha256`
  if (!fs.existsSync(file) || !fs.existsSync(shaFile) || fs.statSync(file).size !== mib * MiB) {
    fs.mkdirSync(cache, { recursive: true })
    const hash = createHash('sha256')
    const fd = fs.openSync(`${file}.tmp`, 'w')
    const block = randomBytes(MiB)
    for (let i = 0; i < mib; i++) {
      block.writeUInt32LE(i, (i * 4096) % (MiB - 4)) // no two MiB alike
      hash.update(block)
      fs.writeSync(fd, block)
    }
    fs.closeSync(fd)
    fs.renameSync(`${file}.tmp`, file)
    fs.writeFileSync(shaFile, hash.digest('hex'))
  }
  return { file, sha256: fs.readFileSync(shaFile, 'utf8').trim() }
}

function timed(work: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<Run> {
  const rssFile = path.join(work, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`)
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, cmd, ...args], { env, stdio: 'pipe' })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.stdin.end(stdin)
    child.on('close', (code) => {
      const ms = performance.now() - started
      const [rss, user, sys] = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ')
      fs.rmSync(rssFile, { force: true })
      if (code !== 0) reject(new Error(`${cmd} exited ${code}:\n${out.slice(-3000)}`))
      else resolve({ ms, rssKiB: Number(rss), cpu: `${user} user + ${sys} sys` })
    })
  })
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!
const secs = (ms: number) => (ms / 1000).toFixed(2)
const mib = (kib: number) => (kib / 1024).toFixed(0)

/** Runs the comparison; returns the report's markdown lines. */
export async function benchDownloads(o: DownloadBenchOptions): Promise<string[]> {
  const MAIN = path.join(o.root, 'dist/main/index.js')
  const actionYml = parse(fs.readFileSync(path.join(o.root, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  const files = []
  for (const size of o.sizesMiB) files.push({ size, ...(await benchFile(o.cache, size)) })
  const emu = await startEmulator()
  const store = downloadsOf(emu.state)
  const consumer = emu.state.addConsumer({ scopes: ['repository'] })
  for (const f of files) store.add('bench/files', `bench file ${f.size}m.bin`, { file: f.file })
  fs.mkdirSync(o.work, { recursive: true })
  let jobs = 0
  const newJob = () => {
    const root = path.join(o.work, `dl-job-${++jobs}`)
    const workspace = path.join(root, 'workspace')
    for (const d of [workspace, path.join(root, 'temp')]) fs.mkdirSync(d, { recursive: true })
    for (const f of ['output', 'env', 'state', 'summary']) fs.writeFileSync(path.join(root, f), '')
    return { root, workspace }
  }

  const action = async (downloads: string): Promise<Run & { root: string; workspace: string }> => {
    const job = newJob()
    const inputs: Record<string, string> = {
      'client-id': consumer.key,
      'client-secret': consumer.secret,
      'refresh-token': emu.state.issueRefreshToken(consumer.key).value,
      'bitbucket-url': emu.url,
      'api-url': emu.apiUrl,
      downloads,
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: job.root,
      LANG: 'C.UTF-8',
      GITHUB_ACTIONS: 'true',
      RUNNER_DEBUG: '0',
    }
    for (const [name, spec] of Object.entries(actionYml.inputs))
      env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? (spec.default ?? '').replace(/\$\{\{[^}]*\}\}/g, '')
    Object.assign(env, {
      GITHUB_WORKSPACE: job.workspace,
      RUNNER_TEMP: path.join(job.root, 'temp'),
      GITHUB_OUTPUT: path.join(job.root, 'output'),
      GITHUB_ENV: path.join(job.root, 'env'),
      GITHUB_STATE: path.join(job.root, 'state'),
      GITHUB_STEP_SUMMARY: path.join(job.root, 'summary'),
    })
    return { ...(await timed(o.work, process.execPath, [MAIN], env)), ...job }
  }

  /** curl's config on stdin (the token never on argv): the API URL, the Bearer header, the output file. */
  const curlConfig = (name: string, out: string | undefined) =>
    [
      `url = "${emu.apiUrl}/repositories/bench/files/downloads/${encodeURIComponent(name)}"`,
      `header = "Authorization: Bearer ${emu.state.issueAccessToken(consumer.key, ['repository']).value}"`,
      ...(out ? [`output = "${out}"`] : []),
      '',
    ].join('\n')
  /** `curl -sfL -K -` into the file, or into `tee FILE | openssl dgst -sha256` (hashed as it streams). */
  const curl = async (name: string, thenHash: boolean): Promise<Run & { root: string; out: string }> => {
    const job = newJob()
    const out = path.join(job.workspace, 'big.bin')
    const env = { PATH: process.env.PATH }
    const [cmd, args] = thenHash
      ? ['bash', ['-c', 'set -o pipefail; curl -sfL -K - | tee "$1" | openssl dgst -sha256 >/dev/null', 'bash', out]]
      : ['curl', ['-sfL', '-K', '-']]
    const config = curlConfig(name, thenHash ? undefined : out)
    return { ...(await timed(o.work, cmd as string, args as string[], env, config)), ...job, out }
  }

  const check = (file: string, size: number) => {
    if (!fs.existsSync(file) || fs.statSync(file).size !== size * MiB) throw new Error(`${file} is incomplete`)
  }
  const clean = (dir: string) => fs.rmSync(dir, { recursive: true, force: true })

  const lines: string[] = []
  lines.push('| file | action | curl -L | ratio | target | curl -L \\| tee \\| openssl dgst | ratio to it |')
  lines.push('|---|---|---|---|---|---|---|')
  const memory: string[] = []
  for (const f of files) {
    const name = `bench file ${f.size}m.bin`
    o.log(
      `\ndownloads: ${name} (${f.size} MiB); ${o.runs} runs each of the action, curl -L and a token-only action run`,
    )
    const A: Run[] = []
    const C: Run[] = []
    const S: Run[] = []
    const T: Run[] = []
    for (let i = 0; i < o.runs; i++) {
      const order = i % 2 === 0 ? ['token', 'action', 'curl', 'curl+sha'] : ['curl+sha', 'curl', 'action', 'token']
      for (const which of order) {
        if (which === 'action') {
          const r = await action(`bench/files/${name} -> big.bin`)
          const out = JSON.parse(
            /^downloads<<(.+)\n([\s\S]*?)\n\1$/m.exec(fs.readFileSync(path.join(r.root, 'output'), 'utf8'))?.[2] ??
              'null',
          ) as { sha256: string }[] | null
          check(path.join(r.workspace, 'big.bin'), f.size)
          if (out?.[0]?.sha256 !== f.sha256) throw new Error(`the action reported sha256 ${out?.[0]?.sha256}`)
          clean(r.root)
          A.push(r)
          o.log(`  action      ${secs(r.ms)} s  peak RSS ${mib(r.rssKiB)} MiB  CPU ${r.cpu} s`)
        } else if (which === 'curl') {
          const r = await curl(name, false)
          check(r.out, f.size)
          clean(r.root)
          C.push(r)
          o.log(`  curl -L     ${secs(r.ms)} s  peak RSS ${mib(r.rssKiB)} MiB  CPU ${r.cpu} s`)
        } else if (which === 'curl+sha') {
          const r = await curl(name, true)
          check(r.out, f.size)
          clean(r.root)
          S.push(r)
          o.log(`  curl|openssl ${secs(r.ms)} s`)
        } else {
          const r = await action('')
          clean(r.root)
          T.push(r)
          o.log(`  token only  ${secs(r.ms)} s  peak RSS ${mib(r.rssKiB)} MiB  CPU ${r.cpu} s`)
        }
      }
    }
    const ratio = median(A.map((r) => r.ms)) / median(C.map((r) => r.ms))
    const toSha = median(A.map((r) => r.ms)) / median(S.map((r) => r.ms))
    lines.push(
      `| ${f.size} MiB, median of ${o.runs} | ${secs(median(A.map((r) => r.ms)))} s | ${secs(median(C.map((r) => r.ms)))} s | ${ratio.toFixed(2)} | ≤ 1.1 ${ratio <= 1.1 ? '✓' : '✗'} | ${secs(median(S.map((r) => r.ms)))} s | ${toSha.toFixed(2)} |`,
    )
    const peak = Math.max(...A.map((r) => r.rssKiB))
    const base = Math.max(...T.map((r) => r.rssKiB))
    const over = (peak - base) / 1024
    memory.push(
      `| ${f.size} MiB | ${mib(peak)} MiB | ${mib(base)} MiB (token-only runs ${secs(median(T.map((r) => r.ms)))} s) | +${over.toFixed(1)} MiB | ≤ +32 MiB ${over <= 32 ? '✓' : '✗'} |`,
    )
    o.log(`  curl -L peak RSS ${mib(Math.max(...C.map((r) => r.rssKiB)))} MiB`)
  }
  lines.push('')
  lines.push('| file | action: peak RSS (max over runs) | token-only run (max) | difference | target |')
  lines.push('|---|---|---|---|---|')
  lines.push(...memory)
  await emu.close()
  return lines
}
