/** Helpers for the archive tests: compare an extracted folder with the emulator's tree; find leftovers. */
import fs from 'node:fs'
import path from 'node:path'
import type { Tree } from '../../emulator/bitbucket/archive-store.ts'

export interface Found {
  files: Map<string, { content: Buffer; mode: number }>
  symlinks: Map<string, string>
  dirs: Set<string>
}

export function readTree(dir: string): Found {
  const found: Found = { files: new Map(), symlinks: new Map(), dirs: new Set() }
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name
      const abs = path.join(dir, r)
      if (entry.isSymbolicLink()) found.symlinks.set(r, fs.readlinkSync(abs))
      else if (entry.isDirectory()) {
        found.dirs.add(r)
        walk(r)
      } else found.files.set(r, { content: fs.readFileSync(abs), mode: fs.statSync(abs).mode & 0o777 })
    }
  }
  walk('')
  return found
}

/** Problems found when comparing `dir` with `tree` (empty when identical): content, executable bit, symlinks. */
export function compareTree(dir: string, tree: Tree): string[] {
  const found = readTree(dir)
  const problems: string[] = []
  for (const f of tree.files) {
    const got = found.files.get(f.path)
    if (!got) {
      problems.push(`missing ${f.path}`)
      continue
    }
    const want = Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content)
    if (!got.content.equals(want)) problems.push(`content of ${f.path} differs`)
    const exec = ((f.mode ?? 0o644) & 0o100) !== 0
    if (((got.mode & 0o100) !== 0) !== exec) problems.push(`mode of ${f.path}: ${got.mode.toString(8)}`)
    found.files.delete(f.path)
  }
  for (const l of tree.symlinks ?? []) {
    if (found.symlinks.get(l.path) !== l.target) problems.push(`symlink ${l.path} -> ${found.symlinks.get(l.path)}`)
    found.symlinks.delete(l.path)
  }
  for (const extra of [...found.files.keys(), ...found.symlinks.keys()]) problems.push(`unexpected ${extra}`)
  return problems
}

/** Every path below `dir` (relative), for "nothing else was written" checks. */
export function listAll(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  const out: string[] = []
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name
      out.push(r)
      if (entry.isDirectory() && !entry.isSymbolicLink()) walk(r)
    }
  }
  walk('')
  return out.sort()
}
