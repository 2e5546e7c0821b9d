/**
 * The `sealed-token` output and input: one job of a workflow run mints the
 * access token, the other jobs of that run reuse it (interface.md, "Sharing
 * one token with the other jobs of a workflow run").
 *
 * Format `v1.<base64url(nonce ‖ ciphertext ‖ tag)>`: AES-256-GCM under a key
 * that HKDF-SHA256 derives from the consumer's secret, with the consumer's
 * key (client id) in HKDF's info, and the `v1.` prefix as associated data.
 * The plaintext holds the token with its type, expiry, scopes and minting
 * time, and the repository and run id it is good for. So every byte is
 * authenticated (the prefix as associated data, the rest by GCM; a
 * non-canonical base64url spelling is refused too), and a reader without the
 * client secret learns nothing but the length: not the token, not the
 * repository or run, not the client id.
 *
 * Opening tells the reasons apart where it can: a value that opens but names
 * another repository or run, or whose token expires too soon; anything else
 * (altered, another consumer or secret, malformed, unknown version) cannot
 * be opened.
 */
import { REPOSITORY } from '../shared/validate.ts'
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import type { Token } from '../bitbucket/oauth.ts'
import { isoSeconds } from '../shared/format.ts'

/** The format this version writes and reads. */
export const SEALED_VERSION = 'v1'
const PREFIX = `${SEALED_VERSION}.`
const NONCE_BYTES = 12
const TAG_BYTES = 16
const HKDF_SALT = 'bitbucket-oauth-action sealed-token v1'

/** A reused token must have at least this long left. */
export const MIN_LEFT_MS = 15 * 60_000
/** A token whose expiry the server did not state counts as expiring this long after it was minted. */
export const UNSTATED_LIFETIME_MS = 60 * 60_000

/** What a sealed value is bound to: the consumer, and this run of this repository. */
export interface SealContext {
  clientId: string
  clientSecret: string
  /** `GITHUB_REPOSITORY` */
  repository: string
  /** `GITHUB_RUN_ID` (the same in every attempt of a run) */
  runId: string
}

/** A run id, checked before sealing and after opening (the repository: `owner/repo`, REPOSITORY). */
const RUN_ID = /^\d{1,20}$/

/** The workflow run a job belongs to. */
export interface RunContext {
  repository: string
  runId: string
}

/** The run a job belongs to, from the runner's environment; undefined outside a GitHub Actions job. */
export function runContext(env: NodeJS.ProcessEnv): RunContext | undefined {
  const repository = env.GITHUB_REPOSITORY ?? ''
  const runId = env.GITHUB_RUN_ID ?? ''
  return REPOSITORY.test(repository) && RUN_ID.test(runId) ? { repository, runId } : undefined
}

function key(clientId: string, clientSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', clientSecret, HKDF_SALT, `client-id:${clientId}`, 32))
}

interface Plain {
  /** repository */
  r: string
  /** run id */
  i: string
  /** access token */
  a: string
  /** token type */
  t: string
  /** expires at, ms since the epoch; null when the server stated no expiry */
  x: number | null
  /** minted at, ms since the epoch */
  m: number
  /** scopes, space-separated */
  s: string
}

/**
 * Seals `token` (minted at `mintedAt`) for the other jobs of this run.
 * `avoid`: values the runner masks (secrets of this step); the value is
 * sealed again, with a fresh nonce, in the astronomically unlikely case that
 * it contains one, since the runner would drop a job output that does.
 */
export function sealToken(ctx: SealContext, token: Token, mintedAt: Date, avoid: string[] = []): string {
  const plain: Plain = {
    r: ctx.repository,
    i: ctx.runId,
    a: token.accessToken,
    t: token.tokenType,
    x: token.expiresAt ? token.expiresAt.getTime() : null,
    m: mintedAt.getTime(),
    s: token.scopes.join(' '),
  }
  const k = key(ctx.clientId, ctx.clientSecret)
  const forbidden = avoid.filter((v) => v.length > 0)
  for (let attempt = 0; ; attempt++) {
    const nonce = randomBytes(NONCE_BYTES)
    const cipher = createCipheriv('aes-256-gcm', k, nonce, { authTagLength: TAG_BYTES })
    cipher.setAAD(Buffer.from(PREFIX, 'ascii'))
    const body = Buffer.concat([
      nonce,
      cipher.update(JSON.stringify(plain), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ])
    const sealed = PREFIX + body.toString('base64url')
    if (attempt >= 100 || !forbidden.some((v) => sealed.includes(v))) return sealed
  }
}

export type OpenFailure =
  /** Not `vN.<base64url>` on one line. */
  | { reason: 'malformed' }
  /** `vN.` with an N this version does not read. */
  | { reason: 'unknown-version'; version: string }
  /** Authentication failed: altered, or sealed with another consumer or client secret. */
  | { reason: 'unopenable' }
  | { reason: 'another-repository'; sealedFor: string }
  | { reason: 'another-run'; sealedIn: string }
  /** Less than MIN_LEFT_MS left (or expired); `stated`: whether the server stated the expiry. */
  | { reason: 'expiring'; expiresAt: Date; stated: boolean }
  /** This job has no GITHUB_REPOSITORY and GITHUB_RUN_ID to check the value against. */
  | { reason: 'no-context' }

export type OpenResult = { ok: true; token: Token; mintedAt: Date } | ({ ok: false } & OpenFailure)

/**
 * Opens a `sealed-token` value for this job. `mask` is called with the access
 * token as soon as it is decrypted, whatever the checks that follow say.
 */
export function openSealedToken(
  value: string,
  ctx: Omit<SealContext, 'repository' | 'runId'> & { repository: string | undefined; runId: string | undefined },
  now: number,
  mask: (secret: string) => void,
): OpenResult {
  const fail = (f: OpenFailure): OpenResult => ({ ok: false, ...f })
  const dot = value.indexOf('.')
  const version = dot < 0 ? '' : value.slice(0, dot)
  if (!/^v\d{1,6}$/.test(version)) return fail({ reason: 'malformed' })
  if (version !== SEALED_VERSION) return fail({ reason: 'unknown-version', version })
  const text = value.slice(dot + 1)
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return fail({ reason: 'malformed' })
  const body = Buffer.from(text, 'base64url')
  // One spelling only: base64url may carry ignored bits in its last character.
  if (body.toString('base64url') !== text) return fail({ reason: 'malformed' })
  if (body.length <= NONCE_BYTES + TAG_BYTES) return fail({ reason: 'malformed' })

  const nonce = body.subarray(0, NONCE_BYTES)
  const tag = body.subarray(body.length - TAG_BYTES)
  const ciphertext = body.subarray(NONCE_BYTES, body.length - TAG_BYTES)
  let plain: Plain
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(ctx.clientId, ctx.clientSecret), nonce, {
      authTagLength: TAG_BYTES,
    })
    decipher.setAAD(Buffer.from(PREFIX, 'ascii'))
    decipher.setAuthTag(tag)
    const json = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8')
    plain = JSON.parse(json) as Plain
  } catch {
    return fail({ reason: 'unopenable' })
  }
  if (!isPlain(plain)) return fail({ reason: 'unopenable' })
  mask(plain.a)

  if (!ctx.repository || !ctx.runId) return fail({ reason: 'no-context' })
  if (plain.r.toLowerCase() !== ctx.repository.toLowerCase()) {
    return fail({ reason: 'another-repository', sealedFor: plain.r })
  }
  if (plain.i !== ctx.runId) return fail({ reason: 'another-run', sealedIn: plain.i })
  const expiresAt = new Date(plain.x ?? plain.m + UNSTATED_LIFETIME_MS)
  if (expiresAt.getTime() - now < MIN_LEFT_MS) {
    return fail({ reason: 'expiring', expiresAt, stated: plain.x !== null })
  }
  return {
    ok: true,
    mintedAt: new Date(plain.m),
    token: {
      accessToken: plain.a,
      tokenType: plain.t,
      expiresIn: plain.x === null ? undefined : Math.floor((plain.x - now) / 1000),
      expiresAt: plain.x === null ? undefined : new Date(plain.x),
      scopes: plain.s.split(' ').filter(Boolean),
      refreshToken: undefined,
    },
  }
}

function isPlain(p: unknown): p is Plain {
  if (!p || typeof p !== 'object') return false
  const o = p as Record<string, unknown>
  const time = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0
  return (
    typeof o.r === 'string' &&
    REPOSITORY.test(o.r) &&
    typeof o.i === 'string' &&
    RUN_ID.test(o.i) &&
    typeof o.a === 'string' &&
    o.a.length > 0 &&
    typeof o.t === 'string' &&
    (o.x === null || time(o.x)) &&
    time(o.m) &&
    typeof o.s === 'string'
  )
}

/** The warning for a value that is not used; `fallback` names the grant the step falls back to. */
export function fallbackWarning(f: OpenFailure, fallback: string, now: number): string {
  const head = 'The `sealed-token` input'
  const unopenable = `${head} could not be opened (altered, or sealed with another \`client-id\` or \`client-secret\`)`
  let why: string
  switch (f.reason) {
    case 'malformed':
      why = `${unopenable}: it is not a \`sealed-token\` output of this action (expected one line \`${PREFIX}…\`); pass \`\${{ needs.<job>.outputs.<name> }}\` of the minting job unchanged.`
      break
    case 'unknown-version':
      why = `${unopenable}: its format "${f.version}" is not one this version of the action reads (${SEALED_VERSION}); use the same version of the action in the minting job and in the jobs that reuse its token.`
      break
    case 'unopenable':
      why = `${unopenable}. The jobs that reuse the token need the \`client-id\` and \`client-secret\` of the minting job.`
      break
    case 'another-repository':
      why = `${head} was sealed for another repository (${f.sealedFor}): a sealed token is good only in the workflow run that minted it.`
      break
    case 'another-run':
      why = `${head} was sealed in another workflow run (run ${f.sealedIn}): a sealed token is good only in the workflow run that minted it.`
      break
    case 'expiring': {
      const minutes = Math.floor((f.expiresAt.getTime() - now) / 60_000)
      const when =
        minutes < 0
          ? `expired at ${isoSeconds(f.expiresAt)}`
          : `expires at ${isoSeconds(f.expiresAt)}, in ${minutes} minute${minutes === 1 ? '' : 's'}`
      why = `${head} holds a token that ${when}${f.stated ? '' : ' (the server stated no expiry: it counts as expiring one hour after it was minted)'}; at least ${MIN_LEFT_MS / 60_000} minutes must be left. A re-run of failed jobs gets the outputs of the jobs that succeeded, however old they are.`
      break
    }
    case 'no-context':
      why = `${head} cannot be checked: GITHUB_REPOSITORY and GITHUB_RUN_ID do not name a workflow run (not a GitHub Actions job?).`
      break
  }
  return `${why} Falling back to ${fallback}.`
}
