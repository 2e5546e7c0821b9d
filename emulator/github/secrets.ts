/**
 * What the secret endpoints of every scope share: reading a PUT body and
 * describing a stored secret. Stricter than GitHub where that makes tests
 * meaningful: a PUT whose `key_id` is not the scope's, or whose
 * `encrypted_value` does not open with the scope's key, is refused with 422.
 */
import type { ServerResponse } from 'node:http'
import { sendJson } from '../http/reply.ts'
import type { RequestContext } from '../http/router.ts'
import { decodeSealed, type KeyPair } from './keys.ts'
import { invalid } from './replies.ts'
import type { StoredSecret } from './state.ts'

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface SecretPut {
  sealed: Uint8Array
  /** The whole JSON body (an organization PUT also has `visibility`, `selected_repository_ids`). */
  body: Record<string, unknown>
}

/** Parses and checks a PUT body for secret `name` of the scope with `key`; answers 4xx and returns undefined when it is unusable. */
export function readPut(res: ServerResponse, ctx: RequestContext, key: KeyPair, name: string): SecretPut | undefined {
  if (!SECRET_NAME.test(name) || /^GITHUB_/i.test(name)) {
    invalid(
      res,
      'Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_), and must not start with GITHUB_ or a number.',
    )
    return undefined
  }
  let body: Record<string, unknown>
  try {
    body = JSON.parse(ctx.body.toString('utf8')) as Record<string, unknown>
  } catch {
    sendJson(res, 400, { message: 'Problems parsing JSON', status: '400' })
    return undefined
  }
  if (typeof body.encrypted_value !== 'string' || typeof body.key_id !== 'string') {
    invalid(res, 'Invalid request. "encrypted_value" and "key_id" are required strings.')
    return undefined
  }
  if (body.key_id !== key.keyId) {
    invalid(res, 'Bad key_id: it is not the current public key of this scope.')
    return undefined
  }
  const sealed = decodeSealed(key, body.encrypted_value)
  if (!sealed) {
    invalid(res, 'encrypted_value is not a sealed box for this public key.')
    return undefined
  }
  return { sealed, body }
}

/** A secret as GET `.../secrets/{name}` describes it (never its value). */
export function secretJson(name: string, secret: StoredSecret): Record<string, unknown> {
  return { name, created_at: secret.createdAt, updated_at: secret.updatedAt }
}

/** 201 for a new secret, 204 for an updated one. */
export function putAnswer(res: ServerResponse, created: boolean): void {
  res.writeHead(created ? 201 : 204).end()
}
