/** The main step's bundle entry (dist/main): runs the step. */
import { run } from './main.ts'

await run()
