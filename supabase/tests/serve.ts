// A throwaway Postgres-wire server over an in-memory PGlite with only the local bootstrap applied,
// to check that `supabase db push` (and psql) work against the embedded database:
//   npx tsx supabase/tests/serve.ts [port]
// Stops on SIGINT/SIGTERM. The local platform has its own persistent server; this one is for tests.
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { createDatabase } from './db.ts'

export async function serve(port: number, options: { migrate?: boolean } = {}) {
  const db = await createDatabase({ migrate: options.migrate ?? false })
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 10 })
  await server.start()
  return {
    db,
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop()
      await db.close()
    },
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? 54399)
  const handle = await serve(port, { migrate: process.argv.includes('--migrate') })
  console.log(`listening ${handle.url}`)
  const stop = async () => {
    await handle.stop()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
