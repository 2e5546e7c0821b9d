/**
 * How a request fails: HttpError for the user (what, where, why, and what to
 * do), DeadlineError inside the client only, and network errors described in
 * words. The advice that ends a message depends on who runs the client (a
 * workflow job, or someone at a terminal): that is its HttpWording.
 */
import { ActionError, errorMessage } from '../shared/errors.ts'
import type { Wording } from '../shared/wording.ts'
import type { Timeouts } from './http.ts'
import { SLOW_BODY } from './throughput.ts'

/** What network-failure messages need of the caller's wording (the action's or the command's). */
export type HttpWording = Pick<Wording, 'network' | 'retryAdvice'>

/** Ends the message when a service could not be reached: "Check the URL, …, then re-run the job." */
export function checkNetworkAdvice(w: HttpWording): string {
  return `Check the URL, ${w.network} and any HTTPS_PROXY setting, then ${w.retryAdvice}.`
}

/** Ends a sentence when a service is degraded or asks for a long wait: "re-run the job later". */
export function retryLaterAdvice(w: HttpWording): string {
  return `${w.retryAdvice} later`
}

/** The failure of a request after its retries: what, where, why, and what to do. */
export class HttpError extends ActionError {
  readonly status: number | undefined
  readonly code: string | undefined
  /** Where it failed: before any answer, or while reading an answer's body (status set). */
  readonly phase: 'request' | 'body'
  constructor(
    message: string,
    options: { status?: number; code?: string; cause?: unknown; phase?: 'request' | 'body'; detail?: string } = {},
  ) {
    super(message, { cause: options.cause, detail: options.detail })
    this.name = 'HttpError'
    this.status = options.status
    this.code = options.code
    this.phase = options.phase ?? 'request'
  }
}

/** The request's deadline passed. Internal to the client: it becomes an HttpError before anyone sees it. */
export class DeadlineError extends Error {
  constructor() {
    super('deadline exceeded')
    this.name = 'DeadlineError'
  }
}

/** The innermost `code` in an error's cause chain. */
export function errorCode(err: unknown): string | undefined {
  let e: unknown = err
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && code !== 'UND_ERR') return code
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** A body that stalled: silent for the body timeout, or below the throughput rule (throughput.ts). */
export function isStall(err: unknown): boolean {
  const code = errorCode(err)
  return code === 'UND_ERR_BODY_TIMEOUT' || code === SLOW_BODY
}

/** The innermost error in the cause chain that carries `code`. */
function withCode(err: unknown, code: string): unknown {
  let e: unknown = err
  for (let depth = 0; e && depth < 5; depth++) {
    if ((e as { code?: unknown }).code === code) return e
    e = (e as { cause?: unknown }).cause
  }
  return err
}

/** Node's codes for a server certificate that no trusted CA signed (a self-signed server, a private CA). */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
])

/** A TLS handshake that failed on the server's certificate: nothing of the request was sent. */
export function isTlsFailure(code: string | undefined): boolean {
  return (
    code !== undefined && (UNTRUSTED_CERTIFICATE_CODES.has(code) || code.startsWith('ERR_TLS') || code.includes('CERT'))
  )
}

/**
 * Ends the message when the server's certificate is not trusted, instead of
 * checkNetworkAdvice: the network is fine, Node.js lacks the CA.
 */
export function untrustedCertificateAdvice(code: string | undefined, w: HttpWording): string | undefined {
  if (!code || !UNTRUSTED_CERTIFICATE_CODES.has(code)) return undefined
  return `If the server (or a TLS-inspecting proxy in between) uses a self-signed certificate or a private CA, set the environment variable NODE_EXTRA_CA_CERTS to the PEM file of that CA (README: "Network: timeouts, retries, proxies"), then ${w.retryAdvice}.`
}

/** A network error in words: "connection refused", "no answer within 30 s". */
export function describeNetworkError(err: unknown, timeouts: Timeouts): string {
  const code = errorCode(err)
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused'
    case 'ENOTFOUND':
      return 'host name not found (check the URL)'
    case 'EAI_AGAIN':
      return 'DNS lookup failed'
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `no connection within ${timeouts.connectMs / 1000} s`
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `no answer within ${timeouts.headersMs / 1000} s`
    case 'UND_ERR_BODY_TIMEOUT':
      return `the answer stalled for ${timeouts.bodyMs / 1000} s`
    case SLOW_BODY:
      return errorMessage(withCode(err, SLOW_BODY))
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was reset'
    default:
      if (code && UNTRUSTED_CERTIFICATE_CODES.has(code)) {
        return `TLS certificate not trusted (${code}): no CA that Node.js trusts signed it`
      }
      if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
        return `TLS certificate not valid for this host name (${code}); check the host name in the URL`
      }
      if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
        return `TLS certificate expired or not yet valid (${code}); check the server's certificate and the runner's clock`
      }
      if (isTlsFailure(code)) {
        return `TLS certificate not trusted (${code}); for a private CA set NODE_EXTRA_CA_CERTS`
      }
      return code ? `${code}: ${errorMessage(err)}` : errorMessage(err)
  }
}
