/**
 * An expected failure: bad input, refused credentials, an HTTP error.
 * Its message is shown to the user as the single `::error::` line, with no
 * stack trace, so it must say what to do.
 */
export class ActionError extends Error {
  /** Extra detail for the debug log only (never shown as the error line). */
  readonly detail: string | undefined

  constructor(message: string, options: { cause?: unknown; detail?: string } = {}) {
    super(message, { cause: options.cause })
    this.name = 'ActionError'
    this.detail = options.detail
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
