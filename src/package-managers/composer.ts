/**
 * `composer`: `COMPOSER_AUTH` gains `http-basic` for the site with the user
 * `x-token-auth` and the access token; entries already there are kept.
 *
 * Composer looks credentials up by the URL's host, plus `:port` when the URL
 * names one (Composer\Util\Url::getOrigin), which is the WHATWG `host` of a URL
 * without its scheme's default port. For the origins `bitbucket.org` and
 * `api.bitbucket.org` (which falls back to `bitbucket.org`), Composer's
 * AuthHelper sends `http-basic` with the user `x-token-auth` as
 * `Authorization: Bearer <password>`: its Bitbucket driver then reads the REST
 * API and downloads zips with the token. Other hosts get Basic
 * `x-token-auth:<token>`, which Bitbucket's git and archive URLs accept.
 * `COMPOSER_AUTH` is merged over the auth.json files, so the user's own
 * auth.json still applies for every other host.
 */
import { ActionError } from '../shared/errors.ts'

export const COMPOSER_USER = 'x-token-auth'

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

const FIX =
  'Set it to a JSON object in the format of auth.json (e.g. {"http-basic":{"example.com":{"username":"u","password":"p"}}}) or unset it before this step.'

/** The `COMPOSER_AUTH` of the environment as an object (empty when unset); anything else is an input error. */
export function readComposerAuth(env: NodeJS.ProcessEnv): Json {
  const raw = env.COMPOSER_AUTH
  if (raw === undefined || raw.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    // Not the parser's message: it quotes the value, which holds credentials.
    throw new ActionError(
      `The environment variable COMPOSER_AUTH is set but is not valid JSON, so \`package-managers: composer\` cannot add the Bitbucket credential to it. ${FIX}`,
    )
  }
  if (!isObject(value)) {
    throw new ActionError(
      `The environment variable COMPOSER_AUTH is not a JSON object, so \`package-managers: composer\` cannot add the Bitbucket credential to it. ${FIX}`,
    )
  }
  if (value['http-basic'] !== undefined && !isObject(value['http-basic'])) {
    throw new ActionError(
      `The "http-basic" entry of the environment variable COMPOSER_AUTH is not a JSON object, so \`package-managers: composer\` cannot add the Bitbucket credential to it. ${FIX}`,
    )
  }
  return value
}

/** How Composer names the site when it looks credentials up: `host`, or `host:port` for a port that is not the scheme's default. */
export function composerAuthKey(site: URL): string {
  return site.host
}

/** The new `COMPOSER_AUTH`: the existing one with the site's `http-basic` entry set (replaced if there was one). */
/**
 * COMPOSER_AUTH with the site's credential added, the user's entries kept. Cloud: `http-basic` with the user
 * x-token-auth (Composer sends it to bitbucket.org as a Bearer header); Data Center: Composer's `bearer` entry,
 * since its servers take the token only as a Bearer header.
 */
export function composerAuth(
  existing: Json,
  site: URL,
  accessToken: string,
  form: 'basic' | 'bearer' = 'basic',
): string {
  const key = composerAuthKey(site)
  if (form === 'bearer') {
    const bearer = isObject(existing.bearer) ? existing.bearer : {}
    return JSON.stringify({ ...existing, bearer: { ...bearer, [key]: accessToken } })
  }
  const httpBasic = isObject(existing['http-basic']) ? existing['http-basic'] : {}
  return JSON.stringify({
    ...existing,
    'http-basic': { ...httpBasic, [key]: { username: COMPOSER_USER, password: accessToken } },
  })
}
