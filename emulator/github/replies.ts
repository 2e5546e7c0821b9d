/** GitHub's error answers, with the shape its REST API gives them. */
import type { ServerResponse } from 'node:http'
import { sendJson } from '../http/reply.ts'

const DOCS = 'https://docs.github.com/rest'

export function badCredentials(res: ServerResponse): void {
  sendJson(res, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' })
}

export function notFound(res: ServerResponse): void {
  sendJson(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' })
}

export function forbidden(res: ServerResponse): void {
  sendJson(res, 403, {
    message: 'Resource not accessible by personal access token',
    documentation_url: DOCS,
    status: '403',
  })
}

export function invalid(res: ServerResponse, message: string): void {
  sendJson(res, 422, { message, documentation_url: DOCS, status: '422' })
}
