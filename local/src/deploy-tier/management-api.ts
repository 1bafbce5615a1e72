// A stand-in of Supabase's Management API, as far as `supabase functions deploy --use-api` uses
// it (seen with --debug): it answers those calls and records every upload and call.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

export const projectRef = 'rugbycodexdeploytest'
// The CLI checks the shape of a personal access token; the stand-in checks it is sent.
export const accessToken = `sbp_${'0123456789abcdef'.repeat(3).slice(0, 40)}`

export interface Upload {
  slug: string
  bundleOnly: boolean
  metadata: {
    entrypoint_path: string
    import_map_path?: string
    name?: string
    verify_jwt?: boolean
    static_patterns?: string[]
  }
  files: Map<string, string>
}

export interface ApiCall {
  method: string
  path: string
}

/** The Management API as far as `functions deploy --use-api` uses it. */
export async function startManagementApi() {
  const uploads: Upload[] = []
  const calls: ApiCall[] = []
  const unexpected: ApiCall[] = []
  const deployed = new Map<string, Record<string, unknown>>()
  const functionBody = (slug: string, upload: Upload) => {
    const now = Date.now()
    const existing = deployed.get(slug)
    const body = {
      id: (existing?.id as string | undefined) ?? randomUUID(),
      slug,
      name: slug,
      version: ((existing?.version as number | undefined) ?? 0) + 1,
      status: 'ACTIVE',
      entrypoint_path: upload.metadata.entrypoint_path,
      import_map_path: upload.metadata.import_map_path,
      import_map: Boolean(upload.metadata.import_map_path),
      verify_jwt: upload.metadata.verify_jwt ?? true,
      created_at: (existing?.created_at as number | undefined) ?? now,
      updated_at: now,
    }
    deployed.set(slug, body)
    return body
  }
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }
  const base = `/v1/projects/${projectRef}`
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const call = { method: req.method ?? 'GET', path: url.pathname }
      calls.push(call)
      if (req.headers.authorization !== `Bearer ${accessToken}`) {
        send(res, 401, { message: 'Unauthorized' })
        return
      }
      const body = await readBody(req)
      if (call.method === 'POST' && call.path === `${base}/functions/deploy`) {
        const slug = url.searchParams.get('slug') ?? ''
        const form = await new Request('http://127.0.0.1/', {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? '' },
          body,
        }).formData()
        const files = new Map<string, string>()
        for (const value of form.getAll('file')) {
          if (typeof value !== 'string') files.set(value.name, await value.text())
        }
        const upload: Upload = {
          slug,
          bundleOnly: url.searchParams.get('bundleOnly') === 'true',
          metadata: JSON.parse(String(form.get('metadata') ?? '{}')) as Upload['metadata'],
          files,
        }
        uploads.push(upload)
        send(res, 201, functionBody(slug, upload))
        return
      }
      if (call.method === 'PUT' && call.path === `${base}/functions`) {
        const list = JSON.parse(body.toString('utf8') || '[]') as { slug: string }[]
        send(res, 200, { functions: list.map((f) => deployed.get(f.slug) ?? f) })
        return
      }
      // Asked on every run that names a project (cmd/root.go ensureProjectGroupsCached).
      if (call.method === 'GET' && call.path === base) {
        send(res, 200, {
          id: projectRef,
          ref: projectRef,
          name: 'RugbyCodex deploy test',
          organization_id: 'rugbycodex-org',
          organization_slug: 'rugbycodex-org',
          region: 'eu-central-1',
          status: 'ACTIVE_HEALTHY',
          created_at: new Date(0).toISOString(),
          database: {
            host: `db.${projectRef}.localhost`,
            postgres_engine: '15',
            release_channel: 'ga',
            version: '15.8.1',
          },
        })
        return
      }
      if (call.method === 'GET' && call.path === `${base}/functions`) {
        send(res, 200, [...deployed.values()])
        return
      }
      unexpected.push(call)
      send(res, 404, { message: `not served by the stand-in: ${call.method} ${call.path}` })
    })().catch((error: unknown) => send(res, 500, { message: String(error) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    uploads,
    calls,
    unexpected,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
