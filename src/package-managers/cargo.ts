/**
 * `cargo`: by default Cargo fetches git dependencies with libgit2, which asks
 * only git's credential helpers and ignores `http.<url>.extraheader` (the git
 * credential of `git-credentials`). `CARGO_NET_GIT_FETCH_WITH_CLI=true` makes
 * it run the git command instead, which sends the credential.
 */
export function cargoVariables(): Record<string, string> {
  return { CARGO_NET_GIT_FETCH_WITH_CLI: 'true' }
}
