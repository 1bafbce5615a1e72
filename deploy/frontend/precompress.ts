import { promises as fs } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import zlib from 'node:zlib'

const gzip = promisify(zlib.gzip)

// Text formats worth compressing; images, fonts (woff2) and video are already compressed.
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt|xml|wasm|map)$/i
// Same floor as nginx's gzip_min_length: below it the gzip header costs more than it saves.
const MIN_BYTES = 1024

/**
 * Writes `<file>.gz` next to every compressible build file that lacks one, at the highest level,
 * so nginx's gzip_static serves it without spending CPU per request. Returns the files written.
 */
export async function precompress(root: string): Promise<string[]> {
  const written: string[] = []
  for (const file of await listFiles(root)) {
    if (!COMPRESSIBLE.test(file)) continue
    const gzPath = `${file}.gz`
    if (await exists(gzPath)) continue
    const content = await fs.readFile(file)
    if (content.length < MIN_BYTES) continue
    const compressed = await gzip(content, { level: zlib.constants.Z_BEST_COMPRESSION })
    await fs.writeFile(gzPath, compressed)
    written.push(path.relative(root, gzPath))
  }
  return written.sort()
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) return listFiles(full)
      return entry.isFile() ? [full] : []
    }),
  )
  return nested.flat()
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file)
    return true
  } catch {
    return false
  }
}
