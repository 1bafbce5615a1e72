// The `[functions.<name>]` tables of supabase/config.toml, read with a real TOML parser, the way
// `supabase functions deploy` reads them: a function that is not listed keeps the platform
// defaults, and for `verify_jwt` that default is on.
import { readFileSync, statSync } from 'node:fs'
import { parse } from 'smol-toml'

export interface FunctionSettings {
  verify_jwt?: boolean
  [key: string]: unknown
}

export interface FunctionsConfig {
  path: string
  functions: Record<string, FunctionSettings>
  /** The platform's gateway check for `name`: true unless config.toml turns it off. */
  verifyJwt(name: string): boolean
}

export class FunctionsConfigError extends Error {}

/**
 * Parses config.toml. A missing file means every function runs with the platform defaults, as
 * a deploy without config.toml does; a file that does not parse, or a `verify_jwt` that is not a
 * boolean, is an error (the CLI refuses to deploy it), never a silent default.
 */
export function loadFunctionsConfig(path: string): FunctionsConfig {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return build(path, {})
    throw error
  }
  let doc: Record<string, unknown>
  try {
    doc = parse(text) as Record<string, unknown>
  } catch (error) {
    throw new FunctionsConfigError(`${path}: ${(error as Error).message.split('\n')[0]}`)
  }
  const table = doc.functions ?? {}
  if (typeof table !== 'object' || table === null || Array.isArray(table)) {
    throw new FunctionsConfigError(`${path}: [functions] must be a table`)
  }
  const functions: Record<string, FunctionSettings> = {}
  for (const [name, settings] of Object.entries(table as Record<string, unknown>)) {
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
      throw new FunctionsConfigError(`${path}: [functions.${name}] must be a table`)
    }
    const verify = (settings as FunctionSettings).verify_jwt
    if (verify !== undefined && typeof verify !== 'boolean') {
      throw new FunctionsConfigError(`${path}: functions.${name}.verify_jwt must be true or false`)
    }
    functions[name] = settings as FunctionSettings
  }
  return build(path, functions)
}

function build(path: string, functions: Record<string, FunctionSettings>): FunctionsConfig {
  return {
    path,
    functions,
    verifyJwt: (name) => functions[name]?.verify_jwt ?? true,
  }
}

/**
 * Re-reads config.toml when it changes (size or mtime), so an edit applies on the next request,
 * as a redeploy with new settings does, without parsing on every request.
 */
export function watchFunctionsConfig(path: string): () => FunctionsConfig {
  let cached: { stamp: string; config: FunctionsConfig } | undefined
  return () => {
    let stamp = 'missing'
    try {
      const stat = statSync(path)
      stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`
    } catch {
      // Missing: loadFunctionsConfig answers with the defaults.
    }
    if (cached?.stamp !== stamp) cached = { stamp, config: loadFunctionsConfig(path) }
    return cached.config
  }
}
