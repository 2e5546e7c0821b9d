/** Scopes: which required ones a token lacks, and the one advice for getting them. */

/** `required-scopes`: which of them the granted scopes lack. A granted `X:write` satisfies a required `X`. */
export function missingScopes(required: string[], granted: string[]): string[] {
  const have = new Set(granted)
  return required.filter((scope) => {
    if (have.has(scope)) return false
    if (!scope.includes(':') && have.has(`${scope}:write`)) return false
    return true
  })
}

/** A refresh token keeps the scopes it was issued with: newly ticked permissions need a new one. */
const NEW_REFRESH_TOKEN = 'get a new refresh token with `bitbucket-oauth login`'

/**
 * What to do when a token lacks permissions: `what` names them ("the
 * permission", "them"), `then` says how to get a token that has them.
 */
export function tickPermissions(what: string, then: string = NEW_REFRESH_TOKEN): string {
  return `Tick ${what} on the OAuth consumer, then ${then}.`
}
