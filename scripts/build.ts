/**
 * `npm run build`: bundles each entry point with ncc into dist/.
 *
 * The main step loads its optional parts (secrets, archives, git) lazily, so
 * ncc splits them into chunks, and its license plugin then writes one
 * licenses.txt per chunk over the same file, keeping only the last. So the
 * main bundle's licenses.txt comes from a second build of an entry that
 * imports every one of those parts statically: the same set of packages.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
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

function ncc(entry: string, out: string): void {
  execFileSync(process.execPath, [NCC, 'build', entry, '-o', out, '--license', 'licenses.txt', '--quiet'], {
    cwd: ROOT,
    stdio: 'inherit',
  })
}

for (const [entry, out] of BUNDLES) {
  fs.rmSync(path.join(ROOT, out), { recursive: true, force: true })
  ncc(entry, out)
}

// Inside the repository (gitignored), so that ncc compiles it with the project's tsconfig.json.
const tmp = path.join(ROOT, '.build')
fs.rmSync(tmp, { recursive: true, force: true })
fs.mkdirSync(tmp)
try {
  fs.writeFileSync(path.join(tmp, 'licenses.ts'), LAZY.map((f) => `import '../${f}'\n`).join(''))
  ncc('.build/licenses.ts', '.build/out')
  fs.copyFileSync(path.join(tmp, 'out/licenses.txt'), path.join(ROOT, 'dist/main/licenses.txt'))
} finally {
  fs.rmSync(tmp, { recursive: true, force: true })
}
