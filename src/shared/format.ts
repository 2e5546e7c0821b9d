/** Small formats shared by the action and the login command. */

/** ISO 8601 UTC to the second: `2026-11-22T10:00:00Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** A JSON object from an answer's text, or undefined for anything else (not JSON, an array, empty). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = text ? JSON.parse(text) : undefined
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Characters that must never reach a log line or a terminal from a server:
 * C0 and C1 controls (newlines start workflow commands, escape sequences
 * drive terminals), DEL, the Unicode line and paragraph separators, and the
 * bidirectional overrides that make text read differently from what it is.
 */
const CONTROL_CLASS = '[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]'
const CONTROL = new RegExp(`${CONTROL_CLASS}+`, 'gu')
const CONTROL_CHAR = new RegExp(CONTROL_CLASS, 'gu')

/**
 * A name the user wrote (a file, a DEST), for a log line exactly as it is:
 * each of those characters escaped as `\uXXXX`, so it can never start a
 * workflow command nor read differently from what it is.
 */
export function shown(s: string): string {
  return s.replace(CONTROL_CHAR, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Text for one line of a log or a terminal: every run of control characters becomes one space. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, ' ').trim()
}

/**
 * A string from a server, made inert for one log line: on one line (so it can
 * never start a workflow command such as `::warning::` or `::stop-commands::`),
 * and at most `max` characters.
 */
export function printable(text: string, max = 200): string {
  const line = oneLine(text)
  return line.length > max ? `${line.slice(0, max)}…` : line
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * Text for Markdown (a job summary's table cell) that renders as itself: on
 * one line, HTML's special characters as entities, and every other ASCII
 * punctuation character backslash-escaped, so that no link, image, emphasis,
 * autolink, mention or table cell break can come of it.
 */
export function markdownText(text: string): string {
  return oneLine(text).replace(/[!-/:-@[-`{-~]/g, (c) => HTML_ENTITIES[c] ?? `\\${c}`)
}
