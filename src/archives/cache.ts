/**
 * `cache: true`: archives kept in the runner's tool cache
 * (`$RUNNER_TOOL_CACHE/bitbucket-archive/{ws}/{repo}/0.0.0-c{commit}/{arch}`),
 * as the `.tar.gz` itself plus `archive.json` with the sha256 and size of the
 * original download, so a hit reports (and a pin is checked against) the
 * same values. The cached file is hashed before anything is extracted from
 * it: bytes that do not match the record are never read as an archive.
 *
 * Trust: whoever can write the runner's tool cache can change what later
 * jobs extract (the record beside the file included); the cache is trusted
 * as the runner itself is. Archives of private repositories stay readable
 * there by anyone who can read the tool cache.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
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

/** The sha256 and size of a file, read as a stream. */
export async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256')
  let bytes = 0
  await pipeline(fs.createReadStream(file, { highWaterMark: 1024 * 1024 }), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) {
      hash.update(chunk)
      bytes += chunk.length
    }
  })
  return { sha256: hash.digest('hex'), bytes }
}
