/**
 * `npm run build`: bundles each entry point with ncc into dist/.
 *
 * The main step loads its optional parts (secrets, archives, git) lazily, so
 * ncc splits them into chunks, and its license plugin then writes one
 * licenses.txt per chunk over the same file, keeping only the last. So the
 * main bundle's licenses.txt comes from a second build of an entry that
 * imports every one of those parts statically: the same set of packages.
 *
 * The builds are independent: they run as many at a time as there are CPUs
 * (each ncc is mostly one busy thread), which halves the time on two.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const NCC = path.join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js')

const BUNDLES: [entry: string, out: string][] = [
  ['src/index.ts', 'dist/main'],
  ['src/post.ts', 'dist/post'],
  ['src/cli.ts', 'dist/cli'],
  ['src/archives/worker/worker.ts', 'dist/archive-worker'],
]
/** What src/main.ts imports with `import()`. */
const LAZY = [
  'src/main.ts',
  'src/github/secrets.ts',
  'src/archives/index.ts',
  'src/downloads/index.ts',
  'src/git/credentials.ts',
  'src/package-managers/index.ts',
]

async function ncc(entry: string, out: string): Promise<void> {
  const args = [NCC, 'build', entry, '-o', out, '--license', 'licenses.txt', '--quiet']
  try {
    await promisify(execFile)(process.execPath, args, { cwd: ROOT, maxBuffer: 64 << 20 })
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string }
    process.stderr.write(`${stdout}${stderr}`)
    throw new Error(`ncc failed on ${entry}`, { cause: err })
  }
}

/** Runs `jobs` with at most `limit` at a time; rejects with the first failure, after the others have ended. */
async function pool(jobs: (() => Promise<void>)[], limit: number): Promise<void> {
  const queue = [...jobs]
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await job()
  })
  const results = await Promise.allSettled(workers)
  const failed = results.find((r) => r.status === 'rejected')
  if (failed) throw failed.reason
}

// Inside the repository (gitignored), so that ncc compiles it with the project's tsconfig.json.
const tmp = path.join(ROOT, '.build')
fs.rmSync(tmp, { recursive: true, force: true })
fs.mkdirSync(tmp)
try {
  fs.writeFileSync(path.join(tmp, 'licenses.ts'), LAZY.map((f) => `import '../${f}'\n`).join(''))
  const builds = BUNDLES.map(([entry, out]) => async () => {
    fs.rmSync(path.join(ROOT, out), { recursive: true, force: true })
    await ncc(entry, out)
  })
  // The largest two first (main and the licenses entry), so that the small ones fill in beside them.
  builds.splice(1, 0, () => ncc('.build/licenses.ts', '.build/out'))
  await pool(builds, os.availableParallelism())
  fs.copyFileSync(path.join(tmp, 'out/licenses.txt'), path.join(ROOT, 'dist/main/licenses.txt'))
} finally {
  fs.rmSync(tmp, { recursive: true, force: true })
}
