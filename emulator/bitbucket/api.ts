/** The REST API (`/2.0/...`): Bearer access tokens only. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Router } from '../http/router.ts'
import { sendJson } from '../http/router.ts'
import type { AccessToken, EmulatorState } from './state.ts'

/** The valid access token of the request, or a 401 answer and undefined. */
export function requireBearer(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
): AccessToken | undefined {
  const token = state.bearer(req.headers.authorization)
  if (!token) {
    sendJson(res, 401, { type: 'error', error: { message: 'Access token expired or invalid.' } }, undefined, {
      'www-authenticate': 'Bearer realm="api.bitbucket.org"',
    })
    return undefined
  }
  return token
}

export function registerApi(router: Router, state: EmulatorState): void {
  router.add('GET', /^\/2\.0\/user$/, (req, res) => {
    const token = requireBearer(state, req, res)
    if (!token) return
    sendJson(
      res,
      200,
      { type: 'user', username: `consumer-${token.consumer.slice(0, 6)}`, display_name: 'Emulated User' },
      undefined,
      {
        'x-oauth-scopes': token.scopes.join(', '),
      },
    )
  })
}
