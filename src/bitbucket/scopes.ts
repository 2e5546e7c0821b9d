/** `required-scopes`: which of them the granted scopes lack. A granted `X:write` satisfies a required `X`. */
export function missingScopes(required: string[], granted: string[]): string[] {
  const have = new Set(granted)
  return required.filter((scope) => {
    if (have.has(scope)) return false
    if (!scope.includes(':') && have.has(`${scope}:write`)) return false
    return true
  })
}
