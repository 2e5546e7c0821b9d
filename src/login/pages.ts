/** The small pages the browser sees at the end of a login. They never contain a token. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

function page(title: string, body: string, ok: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#172b4d}
h1{font-size:1.4rem;color:${ok ? '#216e4e' : '#ae2e24'}}p{margin:.6rem 0}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`
}

export function successPage(where: string): string {
  return page(
    'Bitbucket access granted',
    `<p>bitbucket-oauth login got a refresh token; ${escapeHtml(where)}.</p>
<p>You can close this tab and go back to the terminal.</p>`,
    true,
  )
}

export function failurePage(message: string): string {
  return page(
    'Bitbucket login failed',
    `<p>${escapeHtml(message)}</p>
<p>No token was issued. The terminal says the same; run <code>bitbucket-oauth login</code> again once it is fixed.</p>`,
    false,
  )
}

export function waitingPage(): string {
  return page(
    'bitbucket-oauth login is waiting',
    "<p>This address receives Bitbucket's answer after you grant access. Open the authorize URL that the command printed.</p>",
    true,
  )
}

export function alreadyAnsweredPage(): string {
  return page(
    'This login is already answered',
    '<p>The command has already received an answer from Bitbucket; see the terminal.</p>',
    false,
  )
}
