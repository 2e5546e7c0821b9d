/**
 * `bundler`: Bundler clones `git:` sources with the git command, so the git
 * credential is all it needs. Its own host credentials
 * (`BUNDLE_BITBUCKET__ORG=user:password`) would be put into the URL of that
 * `git clone`, i.e. on a command line, so none are set.
 */
export const BUNDLER_NOTE = 'Bundler clones git: sources with git, which has the credential'
