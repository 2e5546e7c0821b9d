/**
 * Repository endpoints:
 *   GET /repos/{o}/{r}                                    id, full_name, name
 *   GET /repos/{o}/{r}/actions/secrets/public-key
 *   GET /repos/{o}/{r}/actions/secrets/{name}             metadata, never the value
 *   PUT /repos/{o}/{r}/actions/secrets/{name}             201 created, 204 updated
 */
import { sendJson } from '../http/reply.ts'
import { publicKeyJson } from './keys.ts'
import { allowed } from './permissions.ts'
import { notFound } from './replies.ts'
import { putAnswer, readPut, secretJson } from './secrets.ts'
import { SEG, type GitHubSite } from './site.ts'
import { storeSecret } from './state.ts'

export function registerRepository({ router, state, path }: GitHubSite): void {
  router.add('GET', path(`/repos/${SEG}/${SEG}`), (req, res, ctx) => {
    const [owner, name] = ctx.params as [string, string]
    const repo = state.findRepo(owner, name)
    if (!allowed(state, req, res, 'repositories', repo?.fullName, false)) return
    sendJson(res, 200, { id: repo!.id, full_name: repo!.fullName, name: repo!.fullName.split('/')[1] })
  })
  router.add('GET', path(`/repos/${SEG}/${SEG}/actions/secrets/public-key`), (req, res, ctx) => {
    const repo = state.findRepo(ctx.params[0]!, ctx.params[1]!)
    if (!allowed(state, req, res, 'repositories', repo?.fullName, false)) return
    sendJson(res, 200, publicKeyJson(repo!.key))
  })
  router.add('GET', path(`/repos/${SEG}/${SEG}/actions/secrets/${SEG}`), (req, res, ctx) => {
    const repo = state.findRepo(ctx.params[0]!, ctx.params[1]!)
    if (!allowed(state, req, res, 'repositories', repo?.fullName, false)) return
    const name = ctx.params[2]!.toUpperCase()
    const secret = repo!.secrets.get(name)
    if (!secret) return notFound(res)
    sendJson(res, 200, secretJson(name, secret))
  })
  router.add('PUT', path(`/repos/${SEG}/${SEG}/actions/secrets/${SEG}`), (req, res, ctx) => {
    const repo = state.findRepo(ctx.params[0]!, ctx.params[1]!)
    if (!allowed(state, req, res, 'repositories', repo?.fullName, true)) return
    const put = readPut(res, ctx, repo!.key, ctx.params[2]!)
    if (!put) return
    putAnswer(res, storeSecret(repo!.secrets, ctx.params[2]!, { sealed: put.sealed, keyId: repo!.key.keyId }))
  })
}
