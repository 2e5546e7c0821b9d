/**
 * `cache: true`: archives kept in the runner's tool cache
 * (`$RUNNER_TOOL_CACHE/bitbucket-archive/{ws}/{repo}/0.0.0-c{commit}/{arch}`),
 * as the `.tar.gz` itself plus `archive.json` with the sha256 and size of the
 * original download, so a hit reports (and a pin is checked against) the
 * same values, and the cached bytes are verified when they are extracted.
 */
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import * as tc from '@actions/tool-cache'

export const CACHE_FILE = 'archive.tar.gz'
const META_FILE = 'archive.json'
const ARCH = 'any'

export interface CachedArchive {
  file: string
  sha256: string
  bytes: number
}

interface Meta {
  repository: string
  commit: string
  sha256: string
  bytes: number
}

/** Tool name and explicit semver version for a repository and commit. */
export function cacheKey(workspace: string, repo: string, commit: string): { tool: string; version: string } {
  // The prefix letter keeps the prerelease identifier alphanumeric (a digits-only one may not start with 0).
  return {
    tool: `bitbucket-archive/${workspace.toLowerCase()}/${repo.toLowerCase()}`,
    version: `0.0.0-c${commit.toLowerCase()}`,
  }
}

export function cacheAvailable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.RUNNER_TOOL_CACHE)
}

/** The cached archive of this commit, if complete and consistent. */
export function findCached(workspace: string, repo: string, commit: string): CachedArchive | undefined {
  const { tool, version } = cacheKey(workspace, repo, commit)
  const dir = tc.find(tool, version, ARCH)
  if (!dir) return undefined
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, META_FILE), 'utf8')) as Meta
    const file = path.join(dir, CACHE_FILE)
    if (
      meta.commit !== commit.toLowerCase() ||
      !/^[0-9a-f]{64}$/.test(meta.sha256) ||
      fs.statSync(file).size !== meta.bytes
    )
      return undefined
    return { file, sha256: meta.sha256, bytes: meta.bytes }
  } catch {
    return undefined
  }
}

/**
 * Stores `dir` (which holds the downloaded `archive.tar.gz`) in the tool
 * cache, with the sha256 and size of the download.
 */
export async function storeInCache(
  dir: string,
  workspace: string,
  repo: string,
  commit: string,
  sha256: string,
  bytes: number,
): Promise<string> {
  const meta: Meta = { repository: `${workspace}/${repo}`, commit: commit.toLowerCase(), sha256, bytes }
  await fsp.writeFile(path.join(dir, META_FILE), JSON.stringify(meta) + '\n')
  const { tool, version } = cacheKey(workspace, repo, commit)
  return tc.cacheDir(dir, tool, version, ARCH)
}
