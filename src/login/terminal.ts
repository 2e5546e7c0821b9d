/** Text for one terminal line: control characters (escape sequences, newlines) become one space. */
export { oneLine } from '../shared/format.ts'
