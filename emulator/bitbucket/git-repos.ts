/**
 * The bare git repositories the emulator serves over smart HTTP (git.ts),
 * created by tests with real commits (and submodules) under a temporary root.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const NAME = /^[A-Za-z0-9_.-]+$/
/** An owner: a workspace or project key, or Data Center's personal project `~USERSLUG`. */
const OWNER = /^~?[A-Za-z0-9_.-]+$/

/** Environment for git processes that must ignore the user's and the system's configuration. */
export function isolatedGitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C',
  }
}

export interface CreateOptions {
  message?: string
  /** Submodules by path: their URL (as written to .gitmodules) and the commit recorded. */
  submodules?: Record<string, { url: string; commit: string }>
}

/** The bare repositories the emulator serves, under a temporary root of their own. */
export class GitRepos {
  readonly root: string

  constructor(root = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-git-'))) {
    this.root = root
  }

  dir(workspace: string, repo: string): string {
    if (!OWNER.test(workspace) || !NAME.test(repo) || workspace.startsWith('.') || repo.startsWith('.'))
      throw new Error(`bad repository name ${workspace}/${repo}`)
    return path.join(this.root, workspace, `${repo}.git`)
  }

  has(workspace: string, repo: string): boolean {
    return OWNER.test(workspace) && NAME.test(repo) && fs.existsSync(path.join(this.dir(workspace, repo), 'HEAD'))
  }

  /**
   * Creates a bare repository with one commit on `main` holding `files` (path → content) and
   * `submodules` (path → url and commit of the submodule). Returns the commit hash.
   */
  create(workspace: string, repo: string, files: Record<string, string>, options: CreateOptions = {}): string {
    const bare = this.dir(workspace, repo)
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-git-work-'))
    const env = {
      ...isolatedGitEnv(work),
      GIT_AUTHOR_NAME: 'Emulator',
      GIT_AUTHOR_EMAIL: 'emulator@example.invalid',
      GIT_COMMITTER_NAME: 'Emulator',
      GIT_COMMITTER_EMAIL: 'emulator@example.invalid',
    }
    const git = (args: string[], cwd: string) =>
      execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
    try {
      git(['init', '-q', '-b', 'main'], work)
      for (const [name, content] of Object.entries(files)) {
        const file = path.join(work, name)
        fs.mkdirSync(path.dirname(file), { recursive: true })
        fs.writeFileSync(file, content)
      }
      const submodules = Object.entries(options.submodules ?? {})
      if (submodules.length) {
        const gitmodules = submodules.map(([p, s]) => `[submodule "${p}"]\n\tpath = ${p}\n\turl = ${s.url}\n`).join('')
        fs.writeFileSync(path.join(work, '.gitmodules'), gitmodules)
      }
      git(['add', '-A'], work)
      for (const [p, s] of submodules) git(['update-index', '--add', '--cacheinfo', `160000,${s.commit},${p}`], work)
      git(['commit', '-q', '-m', options.message ?? 'Initial commit'], work)
      fs.mkdirSync(path.dirname(bare), { recursive: true })
      git(['clone', '-q', '--bare', work, bare], this.root)
      return git(['rev-parse', 'HEAD'], bare)
    } finally {
      fs.rmSync(work, { recursive: true, force: true })
    }
  }

  /** The owner as stored whose name equals `name` ignoring case (`name` itself when none does). */
  ownerIgnoringCase(name: string): string {
    const upper = name.toUpperCase()
    const owners = fs.existsSync(this.root) ? fs.readdirSync(this.root) : []
    return owners.find((o) => o === name) ?? owners.find((o) => o.toUpperCase() === upper) ?? name
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true })
  }
}
