/**
 * `POST {context}/rest/oauth2/latest/token` of the emulated Data Center: the
 * client authenticates with `client_id` and `client_secret` in the form body
 * (a Basic header alone is refused); the refresh grant needs the
 * `redirect_uri` the token was authorized with, or the answer is a bare
 * `invalid_grant`; refresh tokens rotate with no grace window; no
 * client_credentials grant. Other grants (authorization_code) come from
 * `grants`.
 */
import { sendJson } from '../http/reply.ts'
import type { RequestContext, Router } from '../http/router.ts'
import type { ServerResponse } from 'node:http'
import { tokenAnswer } from '../bitbucket/oauth.ts'
import type { Consumer } from '../bitbucket/state.ts'
import type { DataCenterState } from './state.ts'

export type DcGrant = (form: URLSearchParams, client: Consumer, res: ServerResponse, ctx: RequestContext) => void

export function invalidGrant(res: ServerResponse, ctx: RequestContext): void {
  sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid grant' }, ctx.fault)
}

function refreshGrant(state: DataCenterState): DcGrant {
  return (form, client, res, ctx) => {
    const value = form.get('refresh_token') ?? ''
    const token = state.refreshTokens.get(value)
    if (!token || token.consumer !== client.key) return invalidGrant(res, ctx)
    if (token.revoked) {
      state.revokeChain(value)
      return invalidGrant(res, ctx)
    }
    if (form.get('redirect_uri') !== state.redirectUris.get(value)) return invalidGrant(res, ctx)
    if (state.refreshTokenProblem(token, client.key)) return invalidGrant(res, ctx)
    const next = state.rotate(value)
    sendJson(res, 200, tokenAnswer(state, client, token.scopes, 'refresh_token', next), ctx.fault)
  }
}

export function registerDcOAuth(
  router: Router,
  context: string,
  state: DataCenterState,
  grants: Map<string, DcGrant>,
): void {
  grants.set('refresh_token', refreshGrant(state))
  router.add('POST', new RegExp(`^${context}/rest/oauth2/latest/token$`), (_req, res, ctx) => {
    const form = new URLSearchParams(ctx.body.toString('utf8'))
    const client = state.consumers.get(form.get('client_id') ?? '')
    if (!client || client.secret !== form.get('client_secret')) {
      sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' }, ctx.fault)
      return
    }
    const grant = grants.get(form.get('grant_type') ?? '')
    if (!grant) {
      sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' }, ctx.fault)
      return
    }
    grant(form, client, res, ctx)
  })
}
