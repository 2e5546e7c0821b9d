/**
 * The `archives` input: each line resolved to a commit, downloaded (or taken
 * from the tool cache), verified and extracted into its DEST (one-archive.ts);
 * a few lines at a time, results in input order, a job summary table at the
 * end (summary.ts). Extraction, and the download feeding it, runs in a worker
 * thread with a small heap (worker/), which keeps memory flat whatever the
 * archive's size.
 */
import { errorMessage } from '../shared/errors.ts'
import type { ArchiveResult, StepContext } from '../action/run.ts'
import { cacheAvailable } from './cache.ts'
import { linesFailed } from './errors.ts'
import { fetchOne, type Fetched } from './one-archive.ts'
import { archivesSummary } from './summary.ts'
import { Stager } from './worker/pool.ts'

/** Archives fetched at once: enough to hide latency, few enough for 2-core runners and Bitbucket's limits. */
export const CONCURRENCY = 4

export async function fetchArchives(ctx: StepContext): Promise<ArchiveResult[]> {
  const specs = ctx.config.archives
  let cache = ctx.config.cache
  if (cache && !cacheAvailable(ctx.env)) {
    ctx.core.warning(
      '`cache: true` needs RUNNER_TOOL_CACHE (set on GitHub-hosted and self-hosted runners); archives are downloaded without the cache.',
    )
    cache = false
  }
  ctx.core.info(`Fetching ${specs.length} archive${specs.length === 1 ? '' : 's'} (up to ${CONCURRENCY} at a time)`)
  const stager = new Stager((m) => ctx.core.debug(ctx.masker.redact(m)), ctx.env)
  let lanes: Lanes<(typeof specs)[number], Fetched>
  try {
    lanes = await inLanes(specs, CONCURRENCY, (spec) => fetchOne(ctx, stager, spec, cache))
  } finally {
    await stager.close()
  }

  const completed = lanes.done.filter((d): d is Fetched => d !== undefined)
  if (completed.length) await ctx.core.appendSummary(archivesSummary(completed, ctx.config.workspace))
  if (lanes.failures.length) {
    const failures = lanes.failures.map((f) => ({ spec: f.item, err: f.err }))
    for (const f of failures.slice(1)) ctx.core.warning(`archives line ${f.spec.line}: ${errorMessage(f.err)}`)
    throw linesFailed(failures)
  }
  return lanes.done.map((d) => d!.result)
}

export interface Lanes<T, R> {
  /** The result of each item, at its index (undefined: failed or not started). */
  done: (R | undefined)[]
  /** The failures, in the order they happened. */
  failures: { item: T; err: unknown }[]
}

/**
 * Runs `run` on the items in their order, `width` at a time; once one fails,
 * no further item starts (those running finish).
 */
export async function inLanes<T, R>(items: T[], width: number, run: (item: T) => Promise<R>): Promise<Lanes<T, R>> {
  const lanes: Lanes<T, R> = { done: new Array(items.length), failures: [] }
  let next = 0
  const lane = async () => {
    while (next < items.length && lanes.failures.length === 0) {
      const i = next++
      const item = items[i]!
      try {
        lanes.done[i] = await run(item)
      } catch (err) {
        lanes.failures.push({ item, err })
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane))
  return lanes
}
