/** Entry point of the main step's bundle (dist/main). */
import { run } from './main.ts'

await run()
