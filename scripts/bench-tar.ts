/**
 * Which tar implementation to extract with: the one measurement behind the
 * choice in src/archives/extract.ts. Extracts the same `.tar.gz` from disk
 * (no network) with
 *   - ours: src/archives/extract.ts (streaming parser, zlib, synchronous writes),
 *   - node-tar: `tar` from npm (v7), `x({ file, cwd, strip: 1 })`,
 *   - system: `tar -xzf FILE --strip-components=1 -C DIR` (GNU tar + gzip),
 * alternating, and prints the median wall time of each.
 *
 *   node scripts/bench-tar.ts [--size-mib 256] [--runs 3] [--dir WORKDIR] [--only ours,node-tar,system]
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import * as tar from 'tar'
import { extractTarGz } from '../src/archives/extract.ts'
import { benchArchive } from './bench-data.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '256' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string' },
    only: { type: 'string' },
  },
})
const size = Number(values['size-mib'])
const runs = Number(values.runs)
const cache = path.join(ROOT, '.bench')
const archive = await benchArchive(cache, `realistic-${size}m`, size << 20, 256)
const work = values.dir ? path.resolve(values.dir) : path.join(cache, 'work-tar')
fs.rmSync(work, { recursive: true, force: true })
fs.mkdirSync(work, { recursive: true })

const impls: Record<string, (dir: string) => Promise<void>> = {
  ours: async (dir) => {
    await extractTarGz(fs.createReadStream(archive.file, { highWaterMark: 256 * 1024 }), dir)
  },
  'node-tar': async (dir) => {
    await tar.x({ file: archive.file, cwd: dir, strip: 1 })
  },
  system: async (dir) => {
    const r = spawnSync('tar', ['-xzf', archive.file, '--strip-components=1', '-C', dir])
    if (r.status !== 0) throw new Error(r.stderr.toString())
  },
}
if (values.only) for (const k of Object.keys(impls)) if (!values.only.split(',').includes(k)) delete impls[k]
const times: Record<string, number[]> = Object.fromEntries(Object.keys(impls).map((k) => [k, []]))
for (let i = 0; i < runs; i++) {
  const order = i % 2 ? Object.keys(impls).reverse() : Object.keys(impls)
  for (const name of order) {
    const dir = path.join(work, `${name}-${i}`)
    fs.mkdirSync(dir)
    const t = performance.now()
    await impls[name]!(dir)
    times[name]!.push(performance.now() - t)
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(
  `archive: ${(archive.bytes / 2 ** 20).toFixed(0)} MiB, ${archive.files} files, ${(archive.rawBytes / 2 ** 20).toFixed(0)} MiB extracted; ${runs} runs each`,
)
for (const [name, xs] of Object.entries(times)) {
  console.log(
    `${name.padEnd(9)} median ${(median(xs) / 1000).toFixed(2)} s   (${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})   ${times.system ? `ratio to system ${(median(xs) / median(times.system)).toFixed(2)}` : ''}`,
  )
}
fs.rmSync(work, { recursive: true, force: true })
