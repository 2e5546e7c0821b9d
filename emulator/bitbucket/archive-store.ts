/**
 * The repositories whose archives the site serves: refs (tags, branches) and
 * commits, with who may read them. Archives are deterministic: the same
 * commit always has the same bytes, with one top-level folder
 * `{ws}-{repo}-{sha12}/`. Tests add commits from a tree (files, modes,
 * symlinks), as raw entries (hostile archives: `addRawCommit`), or backed by a
 * file on disk (the benchmark's big archives). A repository can redirect its
 * archives to a mirror on another origin (mirror.ts).
 *
 * Reach the store of an emulator with `emu.archives` or `archivesOf(emu.state)`;
 * from another process, `POST /_emulator/repositories` (control.ts) seeds a
 * sample repository.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { tarGz, type WriterEntry } from '../tar-writer.ts'
import type { AccessToken, EmulatorState } from './state.ts'

export interface TreeFile {
  path: string
  content: Buffer | string
  /** Default 0o644; 0o755 for executables. */
  mode?: number
}

export interface TreeLink {
  path: string
  target: string
}

export interface Tree {
  files: TreeFile[]
  symlinks?: TreeLink[]
}

export interface Commit {
  hash: string
  /** In-memory archive bytes (built lazily). */
  bytes?: Buffer
  /** Or: the archive is this file. */
  file?: string
  tree?: Tree
  entries?: (top: string) => WriterEntry[]
}

export interface Repository {
  workspace: string
  slug: string
  tags: Map<string, string>
  branches: Map<string, string>
  commits: Map<string, Commit>
  /** Consumer keys allowed to read it; undefined: every consumer. */
  readers?: Set<string>
  /** Answer archive downloads with a 302 to this origin (a mirror). */
  redirectTo?: string
}

export const REPOSITORY_SCOPES = ['repository', 'repository:write', 'repository:admin']

export function topFolder(workspace: string, slug: string, hash: string): string {
  return `${workspace}-${slug}-${hash.slice(0, 12)}`
}

export class ArchiveStore {
  readonly repositories = new Map<string, Repository>()

  repository(fullName: string): Repository {
    const key = fullName.toLowerCase()
    let repo = this.repositories.get(key)
    if (!repo) {
      const [workspace, slug] = fullName.split('/') as [string, string]
      repo = { workspace, slug, tags: new Map(), branches: new Map(), commits: new Map() }
      this.repositories.set(key, repo)
    }
    return repo
  }

  /** Adds a commit with `tree`; its hash is derived from the repository and the tree. */
  addCommit(fullName: string, tree: Tree, refs: { tags?: string[]; branches?: string[] } = {}): string {
    const repo = this.repository(fullName)
    const hash = createHash('sha1')
      .update(fullName)
      .update(JSON.stringify(tree, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v)))
      .digest('hex')
    repo.commits.set(hash, { hash, tree })
    this.#refs(repo, hash, refs)
    return hash
  }

  /** Adds a commit whose archive is made of raw entries (full names, top folder included): hostile archives. */
  addRawCommit(
    fullName: string,
    label: string,
    entries: (top: string) => WriterEntry[],
    refs: { tags?: string[]; branches?: string[] } = {},
  ): string {
    const repo = this.repository(fullName)
    const hash = createHash('sha1').update(`${fullName}\0raw\0${label}`).digest('hex')
    repo.commits.set(hash, { hash, entries })
    this.#refs(repo, hash, refs)
    return hash
  }

  /** Adds a commit whose archive is an existing `.tar.gz` file. */
  addFileCommit(
    fullName: string,
    hash: string,
    file: string,
    refs: { tags?: string[]; branches?: string[] } = {},
  ): string {
    const repo = this.repository(fullName)
    repo.commits.set(hash, { hash, file })
    this.#refs(repo, hash, refs)
    return hash
  }

  #refs(repo: Repository, hash: string, refs: { tags?: string[]; branches?: string[] }): void {
    for (const t of refs.tags ?? []) repo.tags.set(t, hash)
    for (const b of refs.branches ?? []) repo.branches.set(b, hash)
  }

  /** The archive bytes of an in-memory commit (deterministic). */
  archive(fullName: string, hash: string): Buffer {
    const repo = this.repository(fullName)
    const commit = repo.commits.get(hash)
    if (!commit) throw new Error(`no commit ${hash} in ${fullName}`)
    if (commit.file) return fs.readFileSync(commit.file)
    commit.bytes ??= tarGz(archiveEntries(repo, commit), { comment: hash })
    return commit.bytes
  }

  /** Resolves a tag, branch or commit (full or at least 7 hex) to a commit. */
  resolve(repo: Repository, ref: string): Commit | undefined {
    const hash = repo.tags.get(ref) ?? repo.branches.get(ref)
    if (hash) return repo.commits.get(hash)
    if (/^[0-9a-f]{7,40}$/.test(ref)) {
      const matches = [...repo.commits.values()].filter((c) => c.hash.startsWith(ref))
      if (matches.length === 1) return matches[0]
    }
    return undefined
  }
}

function archiveEntries(repo: Repository, commit: Commit): WriterEntry[] {
  const top = topFolder(repo.workspace, repo.slug, commit.hash)
  if (commit.entries) return commit.entries(top)
  const tree = commit.tree!
  const entries: WriterEntry[] = [{ name: `${top}/`, type: 'directory' }]
  const dirs = new Set<string>()
  const all = [...tree.files.map((f) => f.path), ...(tree.symlinks ?? []).map((l) => l.path)].sort()
  for (const p of all) {
    const parts = p.split('/')
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'))
  }
  for (const d of [...dirs].sort()) entries.push({ name: `${top}/${d}/`, type: 'directory' })
  for (const f of [...tree.files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    entries.push({ name: `${top}/${f.path}`, type: 'file', data: f.content, mode: f.mode ?? 0o644 })
  }
  for (const l of tree.symlinks ?? []) entries.push({ name: `${top}/${l.path}`, type: 'symlink', linkname: l.target })
  return entries
}

/** A small repository tree: nested folders, an executable, a symlink, a binary file. */
export function sampleTree(seed: string): Tree {
  const binary = createHash('sha512').update(seed).digest()
  return {
    files: [
      { path: 'README.md', content: `# ${seed}\n\nA sample repository served by the emulator.\n` },
      {
        path: 'package.json',
        content:
          JSON.stringify({ name: seed.replace(/[^a-z0-9-]/gi, '-').toLowerCase(), version: '1.0.0' }, null, 2) + '\n',
      },
      { path: 'src/index.js', content: `export const name = ${JSON.stringify(seed)}\n` },
      { path: 'src/lib/deep/nested/util.js', content: 'export const answer = 42\n' },
      { path: 'bin/run.sh', content: '#!/bin/sh\necho "hello from the archive"\n', mode: 0o755 },
      { path: 'assets/data.bin', content: Buffer.concat([binary, binary, Buffer.from([0, 1, 2, 255])]) },
      { path: 'docs/a file with spaces.txt', content: 'spaces are fine\n' },
      { path: `docs/${'long-name-'.repeat(12)}end.txt`, content: 'a name longer than 100 bytes\n' },
    ],
    symlinks: [{ path: 'docs/readme-link.md', target: '../README.md' }],
  }
}

const stores = new WeakMap<EmulatorState, ArchiveStore>()

/** The archive store of an emulator (tests: `archivesOf(emu.state)`). */
export function archivesOf(state: EmulatorState): ArchiveStore {
  let store = stores.get(state)
  if (!store) {
    store = new ArchiveStore()
    stores.set(state, store)
  }
  return store
}

/** Whether the token's consumer may read `repo` (an unknown repository: no). */
export function canRead(repo: Repository | undefined, token: AccessToken): boolean {
  return repo !== undefined && (!repo.readers || repo.readers.has(token.consumer))
}

export function hasRepositoryScope(token: AccessToken): boolean {
  return token.scopes.some((s) => REPOSITORY_SCOPES.includes(s))
}
