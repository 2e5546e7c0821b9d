/**
 * `pip`: pip, pipenv and uv clone `git+https://…` (and, through the SSH
 * rewrite for bitbucket.org, `git+ssh://…`) dependencies with the git
 * command, so the git credential is all they need: nothing else is set.
 */
export const PIP_NOTE = 'pip, pipenv and uv clone git+https:// dependencies with git, which has the credential'
