/**
 * undici 6 flags its proxy agent (what makes HTTPS_PROXY work) as experimental
 * on every run. That warning means nothing to a user, so it alone is dropped
 * from stderr; every other process warning is printed as before. Import this
 * first in an entry point.
 */
const printWarning = process.listeners('warning')
process.removeAllListeners('warning')
process.on('warning', (warning: Error & { code?: string }) => {
  if (warning.code !== 'UNDICI-EHPA') for (const listener of printWarning) listener(warning)
})
