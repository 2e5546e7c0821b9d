/**
 * The environment for a child process (git, a browser opener): the parent's,
 * less what holds secrets: the action's inputs (`INPUT_*`) and the tokens the
 * login command reads. Children get only what they need to run.
 */
const SECRET_VARIABLES = new Set(['BITBUCKET_CLIENT_SECRET', 'GH_TOKEN', 'GITHUB_TOKEN'])

export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('INPUT_') || SECRET_VARIABLES.has(name)) continue
    out[name] = value
  }
  return out
}
