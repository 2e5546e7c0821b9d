/** The REST API (`/2.0/...`): Bearer access tokens only. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Fault } from '../http/faults.ts'
import { sendJson } from '../http/reply.ts'
import type { Site } from './site.ts'
import type { AccessToken, EmulatorState } from './state.ts'

/** The valid access token of the request, or a 401 answer and undefined. */
export function requireBearer(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  fault?: Fault,
): AccessToken | undefined {
  const token = state.bearer(req.headers.authorization)
  if (!token) {
    sendJson(res, 401, { type: 'error', error: { message: 'Access token expired or invalid.' } }, fault, {
      'www-authenticate': 'Bearer realm="api.bitbucket.org"',
    })
    return undefined
  }
  return token
}

/** `GET /2.0/user`: the user behind the token, and its scopes in `X-OAuth-Scopes`. */
export function registerApi({ router, state }: Site): void {
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
