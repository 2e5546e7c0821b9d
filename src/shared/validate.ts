/**
 * Checks of values that the action's inputs and the command's options share.
 * Each takes the field the value came from, so that its message names it as
 * the user set it (see wording.ts).
 */
import { ActionError } from './errors.ts'
import { assertSecureUrl } from '../net/url.ts'
import { capitalize, fieldPhrase, type Field } from './wording.ts'

/** A secret or environment variable name: letters, digits and `_`, not starting with a digit. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** A GitHub `owner/repo`. */
export const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/
/** A GitHub user or organization name. */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/

export function isVariableName(name: string): boolean {
  return NAME.test(name)
}

/** Parses a site or API root; the path is kept, without a trailing slash. */
export function parseBaseUrl(value: string, field: Field): URL {
  const subject = capitalize(fieldPhrase(field))
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ActionError(`${subject} is not a URL: "${value}".`)
  }
  if (url.username || url.password) throw new ActionError(`${subject} must not carry credentials in the URL.`)
  if (url.search || url.hash) throw new ActionError(`${subject} must be a plain root URL, without "?" or "#".`)
  assertSecureUrl(url, fieldPhrase(field))
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
}

export function validateSecretName(name: string, field: Field): void {
  if (!NAME.test(name) || /^GITHUB_/i.test(name)) {
    throw new ActionError(
      `${capitalize(fieldPhrase(field))} "${name}" is not a valid GitHub secret name: letters, digits and _ only, not starting with a digit or GITHUB_.`,
    )
  }
}

export function validateOrganization(name: string, field: Field): void {
  if (!OWNER.test(name))
    throw new ActionError(`${capitalize(fieldPhrase(field))} "${name}" is not an organization name.`)
}

/** `form` is how the field's help writes the value: "owner/repo", "OWNER/REPO". */
export function validateRepository(repository: string, field: Field, form: string): void {
  if (!REPOSITORY.test(repository)) {
    throw new ActionError(`${capitalize(fieldPhrase(field))} "${repository}" is not of the form ${form}.`)
  }
}
