/**
 * The `downloads` input: files of repositories' Downloads sections, each
 * into its DEST (see download.ts), up to four at a time, results in input
 * order, a row per file in the job summary.
 *
 * Patterns are resolved first (every page of each repository's list, read
 * once), then every final DEST is checked again, together with the archives'
 * ones, before anything is written.
 */
import path from 'node:path'
import { ActionError, errorMessage } from '../shared/errors.ts'
import type { StepContext } from '../action/run.ts'
import { CreatedFolders, downloadFile, formatBytes, UnknownFileError, type FetchDeps } from './download.ts'
import { listDownloads } from './list.ts'
import { newestMatch, type DownloadItem } from './match.ts'
import { assertNoOverlap, downloadDestProblem, shown, type Claim, type DownloadSpec } from './spec.ts'
import { downloadsSummary, type SummaryRow } from './summary.ts'

export { parseDownloads, type DownloadSpec } from './spec.ts'

/** One object of the `downloads` output. */
export interface DownloadResult {
  repository: string
  name: string
  path: string
  sha256: string
  bytes: number
}

/** Files fetched at once: enough to hide latency, few enough for 2-core runners and Bitbucket's limits. */
export const CONCURRENCY = 4

/** Names shown when a file is not there. */
const FEW = 5

interface Resolved {
  spec: DownloadSpec
  name: string
  dest: string
}

async function pool<T>(items: T[], stop: () => boolean, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < items.length && !stop()) {
      const i = next++
      await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, lane))
}

function lineError(spec: DownloadSpec, err: unknown): ActionError {
  const message = `downloads line ${spec.line}: ${errorMessage(err)}`
  if (err instanceof ActionError) return new ActionError(message, { cause: err })
  const code = (err as NodeJS.ErrnoException)?.code
  const hint =
    code === 'ENOSPC'
      ? ' The runner ran out of disk space; free some or fetch fewer files.'
      : code === 'EACCES' || code === 'EPERM'
        ? " Check the permissions of DEST's folder."
        : ''
  return new ActionError(`${message}.${hint} DEST was left as it was.`, {
    cause: err,
    detail: String((err as Error)?.stack ?? err),
  })
}

export async function fetchDownloads(ctx: StepContext): Promise<DownloadResult[]> {
  const { core, config } = ctx
  const specs = config.downloads
  const workspace = config.workspace
  const debug = (m: string) => core.debug(ctx.masker.redact(m))
  const deps: FetchDeps = {
    http: ctx.http,
    apiUrl: config.apiUrl,
    authorization: `Bearer ${ctx.accessToken}`,
    workspaceDir: workspace,
    info: (m) => core.info(m),
    debug,
  }
  core.info(
    `Fetching ${specs.length} file${specs.length === 1 ? '' : 's'} from Downloads sections (up to ${CONCURRENCY} at a time)`,
  )
  const failures: { spec: DownloadSpec; err: unknown }[] = []
  const fail = (spec: DownloadSpec, err: unknown) => failures.push({ spec, err })

  // 1. Patterns: each repository's list is read once (every page), shared by its lines.
  const lists = new Map<string, Promise<DownloadItem[]>>()
  const listOf = (spec: DownloadSpec) => {
    const key = `${spec.workspace}/${spec.repo}`.toLowerCase()
    let list = lists.get(key)
    if (!list) {
      list = listDownloads(deps, spec.workspace, spec.repo, { all: true })
      list.catch(() => {})
      lists.set(key, list)
    }
    return list
  }
  const resolved: (Resolved | undefined)[] = new Array(specs.length)
  await pool(
    specs,
    () => failures.length > 0,
    async (spec, i) => {
      if (!spec.pattern) {
        resolved[i] = { spec, name: spec.name, dest: spec.dest! }
        return
      }
      try {
        const items = await listOf(spec)
        const match = newestMatch(spec.name, items)
        if (!match) throw noMatch(spec, items)
        const dest = spec.dest ?? path.resolve(workspace, match.name)
        if (!spec.dest) {
          const problem = unsafeName(match.name) ?? downloadDestProblem(dest, workspace)
          if (problem)
            throw new ActionError(
              `the newest file matching "${shown(spec.name)}" in ${spec.workspace}/${spec.repo} is "${shown(match.name)}", which cannot be the DEST as it is: it ${problem}. Add "-> DEST" to the line.`,
            )
        }
        core.info(
          `${spec.workspace}/${spec.repo}/${shown(spec.name)}: the newest match of ${items.length} file${items.length === 1 ? '' : 's'} is "${shown(match.name)}"${match.createdOn ? ` (${shown(match.createdOn)})` : ''}`,
        )
        resolved[i] = { spec, name: match.name, dest }
      } catch (err) {
        fail(spec, err)
      }
    },
  )

  // 2. Every final DEST, with the archives' ones, before anything is written.
  if (failures.length === 0) {
    const claims: Claim[] = [
      ...config.archives.map((a) => ({ what: `archives line ${a.line}`, dest: a.dest })),
      ...resolved.map((r) => ({ what: `downloads line ${r!.spec.line}`, dest: r!.dest })),
    ]
    assertNoOverlap(claims, workspace)
  }

  // 3. The files.
  const done: ({ result: DownloadResult; ms: number } | undefined)[] = new Array(specs.length)
  const folders = new CreatedFolders()
  try {
    if (failures.length === 0) {
      await pool(
        resolved as Resolved[],
        () => failures.length > 0,
        async (r, i) => {
          const started = Date.now()
          const label = `${r.spec.workspace}/${r.spec.repo}/${shown(r.name)}`
          const rel = shown(path.relative(workspace, r.dest))
          try {
            core.info(`${label}: downloading to ${rel}`)
            const f = await downloadFile(
              deps,
              {
                line: r.spec.line,
                workspace: r.spec.workspace,
                repo: r.spec.repo,
                name: r.name,
                dest: r.dest,
                sha256: r.spec.sha256,
              },
              folders,
            )
            const ms = Date.now() - started
            core.info(
              `${label}: ${formatBytes(f.bytes)} into ${rel} in ${(ms / 1000).toFixed(1)} s (sha256 ${f.sha256})`,
            )
            done[i] = {
              result: {
                repository: `${r.spec.workspace}/${r.spec.repo}`,
                name: r.name,
                path: r.dest,
                sha256: f.sha256,
                bytes: f.bytes,
              },
              ms,
            }
          } catch (err) {
            fail(r.spec, err instanceof UnknownFileError ? await unknownFile(deps, r.spec, err) : err)
          }
        },
      )
    }
  } finally {
    folders.removeEmpty()
  }

  const completed = done.filter((d): d is { result: DownloadResult; ms: number } => d !== undefined)
  if (completed.length) {
    const rows: SummaryRow[] = completed.map((d) => ({ ...d.result, ms: d.ms }))
    await core.appendSummary(downloadsSummary(rows, workspace))
  }
  if (failures.length) {
    failures.sort((a, b) => a.spec.line - b.spec.line)
    for (const f of failures.slice(1)) core.warning(lineError(f.spec, f.err).message)
    const first = failures[0]!
    const error = lineError(first.spec, first.err)
    if (failures.length > 1)
      throw new ActionError(
        `${error.message} (${failures.length - 1} more line${failures.length > 2 ? 's' : ''} failed too; see the warnings)`,
        { cause: error, detail: error.detail },
      )
    throw error
  }
  return done.map((d) => d!.result)
}

/** Why a name from the list cannot be a file name in the workspace, or undefined. */
function unsafeName(name: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (name === '.' || name === '..' || /[/\\\x00-\x1f\x7f]/.test(name)) return 'is not a plain file name'
  return undefined
}

function someNames(items: DownloadItem[]): string {
  const names = items.slice(0, FEW).map((i) => `"${shown(i.name)}"`)
  return `${names.join(', ')}${items.length > FEW ? `, and ${items.length - FEW} more` : ''}`
}

function noMatch(spec: DownloadSpec, items: DownloadItem[]): ActionError {
  const full = `${spec.workspace}/${spec.repo}`
  if (items.length === 0)
    return new ActionError(
      `no file in the Downloads section of ${full} matches "${shown(spec.name)}": the section is empty.`,
    )
  return new ActionError(
    `no file in the Downloads section of ${full} matches "${shown(spec.name)}" (a "*" matches any run of characters, the rest must match exactly, case included). It has ${items.length} file${items.length === 1 ? '' : 's'}: ${someNames(items)}.`,
  )
}

/** The message for a file the API does not know: what exists instead (the first page of the list). */
async function unknownFile(deps: FetchDeps, spec: DownloadSpec, err: UnknownFileError): Promise<ActionError> {
  const full = `${spec.workspace}/${spec.repo}`
  let items: DownloadItem[]
  try {
    items = await listDownloads(deps, spec.workspace, spec.repo, { all: false })
  } catch (listErr) {
    return listErr instanceof ActionError ? listErr : err
  }
  const name = `"${shown(spec.name)}"`
  if (items.length === 0)
    return new ActionError(`${full} has no file named ${name}: its Downloads section is empty.`, { cause: err })
  const sameButCase = items.find((i) => i.name.toLowerCase() === spec.name.toLowerCase())
  const hint = sameButCase ? ` Names are case-sensitive: did you mean "${shown(sameButCase.name)}"?` : ''
  // Names that look alike first: the same but for case, then those sharing the first three characters.
  const stem = spec.name.slice(0, 3).toLowerCase()
  const similar = items.filter((i) => i.name.toLowerCase().startsWith(stem))
  const listed = [...new Set([...(sameButCase ? [sameButCase] : []), ...similar, ...items])]
  return new ActionError(
    `${full} has no file named ${name} in its Downloads section.${hint} Files there include: ${someNames(listed)}.`,
    { cause: err },
  )
}
