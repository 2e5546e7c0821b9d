/** The advice that ends the action's network-failure messages (the login command has its own). */
import type { HttpWording } from '../net/errors.ts'

export const ACTION_HTTP_WORDING: HttpWording = {
  checkNetwork: "Check the URL, the runner's network and any HTTPS_PROXY setting, then re-run the job.",
  retryLater: 're-run the job later',
}
