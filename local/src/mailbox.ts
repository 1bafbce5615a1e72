import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HttpError, readJson, sendError, sendHtml, sendJson } from './http'

export interface Mail {
  to: string
  subject: string
  text?: string
  html?: string
  from?: string
}

export interface StoredMail extends Required<Pick<Mail, 'to' | 'subject' | 'from'>> {
  id: string
  text: string
  html: string | null
  createdAt: string
}

const DEFAULT_FROM = 'RugbyCodex <no-reply@rugbycodex.local>'
const MAX_MESSAGES = 1000

/**
 * Mail the platform "sends" locally: kept in memory and in `<dataDir>/mailbox.json` (when a path
 * is given) so a restart still shows the confirmation link a developer needs.
 */
export class Mailbox {
  private messages: StoredMail[] = []

  constructor(private readonly path?: string) {
    if (path && existsSync(path)) {
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as { messages?: StoredMail[] }
        this.messages = Array.isArray(parsed.messages) ? parsed.messages : []
      } catch {
        this.messages = []
      }
    }
  }

  send(mail: Mail): StoredMail {
    const to = typeof mail.to === 'string' ? mail.to.trim() : ''
    const subject = typeof mail.subject === 'string' ? mail.subject.trim() : ''
    if (!/^[^\s@]+@[^\s@]+$/.test(to))
      throw new HttpError(400, 'VALIDATION_FAILED', '"to" must be an email address')
    if (!subject) throw new HttpError(400, 'VALIDATION_FAILED', '"subject" is required')
    if (mail.text !== undefined && typeof mail.text !== 'string') {
      throw new HttpError(400, 'VALIDATION_FAILED', '"text" must be a string')
    }
    if (mail.html !== undefined && typeof mail.html !== 'string') {
      throw new HttpError(400, 'VALIDATION_FAILED', '"html" must be a string')
    }
    if (!mail.text && !mail.html)
      throw new HttpError(400, 'VALIDATION_FAILED', '"text" or "html" is required')
    const stored: StoredMail = {
      id: randomUUID(),
      to,
      from: typeof mail.from === 'string' && mail.from ? mail.from : DEFAULT_FROM,
      subject,
      text: mail.text ?? '',
      html: mail.html ?? null,
      createdAt: new Date().toISOString(),
    }
    this.messages.push(stored)
    if (this.messages.length > MAX_MESSAGES)
      this.messages.splice(0, this.messages.length - MAX_MESSAGES)
    this.persist()
    return stored
  }

  /** Newest first, optionally only those sent to one address. */
  list(to?: string): StoredMail[] {
    const wanted = to?.trim().toLowerCase()
    return this.messages.filter((m) => !wanted || m.to.toLowerCase() === wanted).reverse()
  }

  get(id: string): StoredMail | undefined {
    return this.messages.find((m) => m.id === id)
  }

  private persist() {
    if (!this.path) return
    const tmp = `${this.path}.tmp`
    writeFileSync(tmp, JSON.stringify({ messages: this.messages }, null, 2))
    renameSync(tmp, this.path)
  }
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function linkify(text: string): string {
  return escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`)
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b2a1b}
table{border-collapse:collapse;width:100%}td,th{padding:.4rem .6rem;border-bottom:1px solid #ddd;text-align:left}
pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}a{color:#0b6b3a}</style></head>
<body>${body}</body></html>`
}

/** Serves `/mailbox` (HTML) and `/mailbox/api/messages` (JSON). */
export function createMailboxHandler(mailbox: Mailbox, serviceRoleKey: string) {
  return async function handleMailbox(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    const method = req.method ?? 'GET'
    try {
      if (path === '/api/messages' && method === 'POST') {
        if (req.headers['x-mailbox-token'] !== serviceRoleKey) {
          throw new HttpError(401, 'UNAUTHORIZED', 'x-mailbox-token must be the service role key')
        }
        const message = mailbox.send((await readJson(req)) as unknown as Mail)
        return sendJson(res, 201, { message })
      }
      if (path === '/api/messages' && method === 'GET') {
        return sendJson(res, 200, { messages: mailbox.list(query.get('to') ?? undefined) })
      }
      const apiOne = /^\/api\/messages\/([\w-]+)$/.exec(path)
      if (apiOne && method === 'GET') {
        const message = mailbox.get(apiOne[1] as string)
        if (!message) throw new HttpError(404, 'NOT_FOUND', 'No such message')
        return sendJson(res, 200, { message })
      }
      if ((path === '' || path === '/') && method === 'GET') {
        const to = query.get('to') ?? undefined
        const rows = mailbox
          .list(to)
          .map(
            (m) =>
              `<tr><td>${escapeHtml(new Date(m.createdAt).toLocaleString())}</td><td>${escapeHtml(m.to)}</td>` +
              `<td><a href="/mailbox/${m.id}">${escapeHtml(m.subject)}</a></td></tr>`,
          )
          .join('')
        return sendHtml(
          res,
          200,
          page(
            'Mailbox',
            `<h1>Local mailbox</h1><p>Mail the platform sent${to ? ` to ${escapeHtml(to)}` : ''}, newest first.</p>` +
              (rows
                ? `<table><thead><tr><th>When</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`
                : '<p>No mail yet.</p>'),
          ),
        )
      }
      const one = /^\/([\w-]+)$/.exec(path)
      if (one && method === 'GET') {
        const m = mailbox.get(one[1] as string)
        if (!m) throw new HttpError(404, 'NOT_FOUND', 'No such message')
        const body = m.html
          ? `<iframe sandbox="allow-popups allow-top-navigation-by-user-activation" style="width:100%;height:24rem;border:1px solid #ddd" srcdoc="${escapeHtml(m.html)}"></iframe>`
          : ''
        return sendHtml(
          res,
          200,
          page(
            m.subject,
            `<p><a href="/mailbox">← all mail</a></p><h1>${escapeHtml(m.subject)}</h1>` +
              `<p>From ${escapeHtml(m.from)} to ${escapeHtml(m.to)}, ${escapeHtml(m.createdAt)}</p>` +
              `${body}<pre>${linkify(m.text)}</pre>`,
          ),
        )
      }
      throw new HttpError(404, 'NOT_FOUND', `${method} /mailbox${path} does not exist`)
    } catch (error) {
      if (error instanceof HttpError) return sendError(res, error.status, error.code, error.message)
      throw error
    }
  }
}
