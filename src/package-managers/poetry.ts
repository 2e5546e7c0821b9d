/**
 * `poetry`: Poetry clones git dependencies with dulwich, which ignores git's
 * configuration (some versions retry with the git command after a 401). The
 * system git client sends the git credential: `POETRY_SYSTEM_GIT_CLIENT`
 * (Poetry 2) and `POETRY_EXPERIMENTAL_SYSTEM_GIT_CLIENT` (Poetry 1.2 to 1.8).
 */
export function poetryVariables(): Record<string, string> {
  return { POETRY_SYSTEM_GIT_CLIENT: 'true', POETRY_EXPERIMENTAL_SYSTEM_GIT_CLIENT: 'true' }
}
