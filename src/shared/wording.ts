/**
 * How messages name what the user sets. The modules that both the action and
 * `bitbucket-oauth login` use (oauth.ts, github/secrets.ts, validate.ts) talk
 * about fields: the action calls them inputs, the command options and
 * environment variables. Each caller passes its own names in (the action's in
 * src/action/wording.ts, the command's in src/login/wording.ts).
 */

/** A field as a message names it. */
export interface Field {
  /** Inside a sentence: "`bitbucket-url`", "--bitbucket-url", "GITHUB_API_URL". */
  name: string
  /** What it is, said before the name: "input", "option"; empty when the name says it (an environment variable). */
  kind: 'input' | 'option' | ''
}

/** An input of the action: `input('api-url')` → "input `api-url`". */
export const input = (name: string): Field => ({ name: `\`${name}\``, kind: 'input' })
/** An option of the command: `option('--port')` → "option --port". */
export const option = (flag: string): Field => ({ name: flag, kind: 'option' })
/** An environment variable: `variable('GITHUB_API_URL')` → "GITHUB_API_URL". */
export const variable = (name: string): Field => ({ name, kind: '' })

/** The text with its first letter in upper case, for the start of a sentence. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** The field with its kind, inside a sentence: "input `api-url`", "option --port", "GITHUB_API_URL". */
export function fieldPhrase(field: Field): string {
  return field.kind ? `${field.kind} ${field.name}` : field.name
}

/** The names and advice that the shared modules' messages use. */
export interface Wording {
  /** The consumer's Key and Secret, after "Check": "the `client-id` and `client-secret` inputs". */
  clientCredentials: string
  /** The Bitbucket site root. */
  bitbucketUrl: Field
  /** The GitHub token that writes secrets, inside a sentence: "the `github-token`". */
  githubToken: string
  /** The GitHub REST API root. */
  githubApiUrl: Field
  /** The name of the GitHub secret that receives the refresh token. */
  secretName: Field
  /** A sentence after the advice on giving the GitHub token "Secrets: read and write"; empty for none. */
  githubTokenNote: string
  /** What to do once the cause is fixed or has passed: "re-run the job" (followed by "now", "later"). */
  retryAdvice: string
  /** Where a failed connection may be at fault, for the HTTP client's advice: "the runner's network". */
  network: string
}
