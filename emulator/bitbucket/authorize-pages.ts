/** The HTML pages of the authorize endpoint: the consent page (Grant / Deny) and the error page. */
import type { ServerResponse } from 'node:http'
import { send } from '../http/reply.ts'
import type { RequestContext } from '../http/router.ts'
import type { Consumer } from './state.ts'

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

function htmlPage(res: ServerResponse, status: number, title: string, body: string, ctx?: RequestContext): void {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - Bitbucket (emulated)</title></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`
  send(res, status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, html, ctx?.fault)
}

export function errorPage(res: ServerResponse, status: number, message: string, ctx?: RequestContext): void {
  htmlPage(res, status, 'Something went wrong', `<p class="error">${escapeHtml(message)}</p>`, ctx)
}

export function consentPage(
  res: ServerResponse,
  consumer: Consumer,
  requestId: string,
  target: URL,
  ctx: RequestContext,
): void {
  htmlPage(
    res,
    200,
    'Authorize access',
    `<p><strong id="consumer">OAuth consumer ${escapeHtml(consumer.key)}</strong> is requesting access to your Bitbucket account.</p>
<p>It will be able to: ${consumer.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ') || 'nothing'}.</p>
<p>You will be sent back to <code>${escapeHtml(target.origin)}</code>.</p>
<form method="post" action="/site/oauth2/authorize/decision">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<button type="submit" name="decision" value="grant">Grant access</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
    ctx,
  )
}
