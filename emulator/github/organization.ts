/**
 * Organization endpoints:
 *   GET /orgs/{org}/actions/secrets/public-key
 *   GET /orgs/{org}/actions/secrets/{name}                 metadata and visibility, never the value
 *   PUT /orgs/{org}/actions/secrets/{name}                 201 created, 204 updated
 *   GET /orgs/{org}/actions/secrets/{name}/repositories?per_page&page   (visibility `selected` only)
 *
 * Stricter than GitHub: a PUT needs `visibility`, and `selected` without
 * `selected_repository_ids` leaves no repository selected.
 */
import type { ServerResponse } from 'node:http'
import { sendJson } from '../http/reply.ts'
import type { RequestContext } from '../http/router.ts'
import { publicKeyJson } from './keys.ts'
import { allowed } from './permissions.ts'
import { invalid, notFound } from './replies.ts'
import { putAnswer, readPut, secretJson } from './secrets.ts'
import { SEG, type GitHubSite } from './site.ts'
import { storeSecret, type FakeOrganization, type GitHubState } from './state.ts'

const SECRETS = `/orgs/${SEG}/actions/secrets`

export function registerOrganization({ router, state, path, url }: GitHubSite): void {
  router.add('GET', path(`${SECRETS}/public-key`), (req, res, ctx) => {
    const org = state.findOrg(ctx.params[0]!)
    if (!allowed(state, req, res, 'organizations', org?.login, false)) return
    sendJson(res, 200, publicKeyJson(org!.key))
  })
  router.add('GET', path(`${SECRETS}/${SEG}/repositories`), (req, res, ctx) => {
    const org = state.findOrg(ctx.params[0]!)
    if (!allowed(state, req, res, 'organizations', org?.login, false)) return
    selectedRepositories(state, org!, res, ctx)
  })
  router.add('GET', path(`${SECRETS}/${SEG}`), (req, res, ctx) => {
    const org = state.findOrg(ctx.params[0]!)
    if (!allowed(state, req, res, 'organizations', org?.login, false)) return
    const name = ctx.params[1]!.toUpperCase()
    const secret = org!.secrets.get(name)
    if (!secret) return notFound(res)
    sendJson(res, 200, {
      ...secretJson(name, secret),
      visibility: secret.visibility,
      ...(secret.visibility === 'selected'
        ? { selected_repositories_url: `${url()}/orgs/${org!.login}/actions/secrets/${name}/repositories` }
        : {}),
    })
  })
  router.add('PUT', path(`${SECRETS}/${SEG}`), (req, res, ctx) => {
    const org = state.findOrg(ctx.params[0]!)
    if (!allowed(state, req, res, 'organizations', org?.login, true)) return
    putOrgSecret(org!, res, ctx)
  })
}

/** The repositories a `selected` secret is available to, a page at a time. */
function selectedRepositories(
  state: GitHubState,
  org: FakeOrganization,
  res: ServerResponse,
  ctx: RequestContext,
): void {
  const secret = org.secrets.get(ctx.params[1]!.toUpperCase())
  if (!secret) return notFound(res)
  if (secret.visibility !== 'selected') {
    return invalid(res, 'The secret is not of visibility selected.')
  }
  const perPage = Math.min(100, Number(ctx.url.searchParams.get('per_page') ?? 30) || 30)
  const page = Math.max(1, Number(ctx.url.searchParams.get('page') ?? 1) || 1)
  const all = secret.selectedRepositoryIds
    .map((id) => [...state.repositories.values()].find((r) => r.id === id))
    .filter((r) => r !== undefined)
  const slice = all.slice((page - 1) * perPage, page * perPage)
  sendJson(res, 200, {
    total_count: all.length,
    repositories: slice.map((r) => ({ id: r.id, full_name: r.fullName, name: r.fullName.split('/')[1] })),
  })
}

function putOrgSecret(org: FakeOrganization, res: ServerResponse, ctx: RequestContext): void {
  const put = readPut(res, ctx, org.key, ctx.params[1]!)
  if (!put) return
  const visibility = put.body.visibility
  if (visibility !== 'all' && visibility !== 'private' && visibility !== 'selected') {
    return invalid(res, 'Invalid request. "visibility" must be one of all, private, selected.')
  }
  const ids = put.body.selected_repository_ids
  if (
    ids !== undefined &&
    (visibility !== 'selected' || !Array.isArray(ids) || !ids.every((i) => typeof i === 'number'))
  ) {
    return invalid(res, 'selected_repository_ids is allowed only with visibility selected, as an array of integers.')
  }
  const created = storeSecret(org.secrets, ctx.params[1]!, {
    sealed: put.sealed,
    keyId: org.key.keyId,
    visibility,
    selectedRepositoryIds: visibility === 'selected' ? [...((ids as number[] | undefined) ?? [])] : [],
  })
  putAnswer(res, created)
}
