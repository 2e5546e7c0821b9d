/**
 * The environment for a child process (git, a browser opener): the parent's,
 * less what holds secrets: the action's inputs (`INPUT_*`), the tokens the
 * login command reads, the runner's own tokens, the access token as the
 * action exports it (its default name, and the `export-env` name given in
 * `names`), and any variable whose value holds a secret (`isSecret`, the
 * masker's). Children get only what they need to run.
 */
const SECRET_VARIABLES = new Set([
  'BITBUCKET_CLIENT_SECRET',
  'BITBUCKET_ACCESS_TOKEN',
  'BITBUCKET_REFRESH_TOKEN',
  'GH_TOKEN',
  'GITHUB_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
])

export interface ChildEnvOptions {
  /** More variables to leave out by name (the `export-env` of this run). */
  names?: Iterable<string | undefined>
  /** Leaves out every variable whose value this says holds a secret. */
  isSecret?: (value: string) => boolean
}

export function childEnv(env: NodeJS.ProcessEnv, options: ChildEnvOptions = {}): NodeJS.ProcessEnv {
  const names = new Set([...SECRET_VARIABLES, ...[...(options.names ?? [])].filter((n) => n !== undefined)])
  const out: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('INPUT_') || names.has(name)) continue
    if (value !== undefined && options.isSecret?.(value)) continue
    out[name] = value
  }
  return out
}
