// Reads which schema objects a migration file defines, from its text: the top-level `create` of a
// function, procedure, trigger, policy, view, table, type or index, and any `create or replace`
// or `drop` of one. Comments, string literals and dollar-quoted bodies are blanked out first, so
// SQL that a function builds at run time (format('create policy …')) or mentions in a comment is
// not counted. Used by migration-files.test.ts.

export interface SqlObject {
  /** e.g. `function private.org_stats(uuid)`, `trigger narrations_prepare on public.narrations` */
  identity: string
  /** `create`, `create or replace` or `drop` */
  verb: string
  /** 1-based line of the statement */
  line: number
}

/** The text with comments, '…' literals and $tag$…$tag$ bodies replaced by spaces (newlines and
 * "quoted identifiers" kept). */
export function blankOutLiterals(sql: string): string {
  let out = ''
  let i = 0
  const blank = (text: string) => text.replace(/[^\n]/g, ' ')
  while (i < sql.length) {
    const rest = sql.slice(i)
    const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest)
    let end = -1
    if (rest[0] === '"') {
      // A quoted identifier (a policy name may hold an apostrophe) is kept as it is.
      let close = i + 1
      while (close < sql.length && !(sql[close] === '"' && sql[close + 1] !== '"')) {
        close += sql[close] === '"' ? 2 : 1
      }
      out += sql.slice(i, close + 1)
      i = close + 1
      continue
    }
    if (rest.startsWith('--')) end = sql.indexOf('\n', i) === -1 ? sql.length : sql.indexOf('\n', i)
    else if (rest.startsWith('/*')) end = sql.indexOf('*/', i + 2) + 2
    else if (rest[0] === "'") {
      end = i + 1
      while (end < sql.length && !(sql[end] === "'" && sql[end + 1] !== "'")) {
        end += sql[end] === "'" ? 2 : 1
      }
      end += 1
    } else if (dollar) {
      const close = sql.indexOf(dollar[0], i + dollar[0].length)
      end = close === -1 ? sql.length : close + dollar[0].length
    }
    if (end > i) {
      out += blank(sql.slice(i, end))
      i = end
    } else {
      out += sql[i]
      i++
    }
  }
  return out
}

const typeAliases: Record<string, string> = {
  int: 'integer',
  int4: 'integer',
  int8: 'bigint',
  int2: 'smallint',
  float8: 'double precision',
  float4: 'real',
  bool: 'boolean',
  timestamptz: 'timestamp with time zone',
  varchar: 'character varying',
  decimal: 'numeric',
}
// Types whose name has several words, so an unnamed argument is not mistaken for a named one.
const multiWordTypes = /^(double|timestamp|time|character|bit|interval|national)\b/

/** The argument types that make a function's identity: names, defaults, typmods and OUT dropped. */
export function argumentTypes(args: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of args) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  if (current.trim()) parts.push(current)
  const types: string[] = []
  for (const part of parts) {
    let words = part
      .replace(/\s+(default\b|=)[\s\S]*$/i, '')
      .trim()
      .toLowerCase()
      .split(/\s+/)
    if (words[0] === 'out') continue
    if (['in', 'inout', 'variadic'].includes(words[0]!)) words = words.slice(1)
    if (words.length > 1 && !multiWordTypes.test(words.join(' '))) words = words.slice(1)
    const type = words
      .join(' ')
      .replace(/\([^)]*\)/g, '')
      .replace(/^public\./, '')
    const base = type.replace(/(\[\])+$/, '')
    types.push((typeAliases[base] ?? base) + type.slice(base.length))
  }
  return types
}

const name = String.raw`("(?:[^"]|"")+"|[\w$]+)(?:\.("(?:[^"]|"")+"|[\w$]+))?`
const qualified = (m: RegExpExecArray, at: number) =>
  [m[at], m[at + 1]].filter(Boolean).join('.').toLowerCase()

const patterns: { kind: string; re: RegExp; identity: (m: RegExpExecArray) => string }[] = [
  {
    kind: 'table',
    re: new RegExp(
      String.raw`\b(create|drop)\s+(?:unlogged\s+)?table\s+(?:if\s+(?:not\s+)?exists\s+)?${name}`,
      'gi',
    ),
    identity: (m) => `table ${qualified(m, 2)}`,
  },
  {
    kind: 'view',
    re: new RegExp(
      String.raw`\b(create(?:\s+or\s+replace)?|drop)\s+(?:materialized\s+)?view\s+(?:if\s+(?:not\s+)?exists\s+)?${name}`,
      'gi',
    ),
    identity: (m) => `view ${qualified(m, 2)}`,
  },
  {
    kind: 'type',
    re: new RegExp(String.raw`\b(create|drop)\s+type\s+(?:if\s+exists\s+)?${name}`, 'gi'),
    identity: (m) => `type ${qualified(m, 2)}`,
  },
  {
    kind: 'index',
    re: new RegExp(
      String.raw`\b(create|drop)\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+(?:not\s+)?exists\s+)?(?!on\b)${name}`,
      'gi',
    ),
    identity: (m) => `index ${qualified(m, 2)}`,
  },
  {
    kind: 'trigger',
    re: new RegExp(
      String.raw`\b(create(?:\s+or\s+replace)?(?:\s+constraint)?|drop)\s+trigger\s+(?:if\s+exists\s+)?${name}[\s\S]*?\bon\s+${name}`,
      'gi',
    ),
    identity: (m) => `trigger ${qualified(m, 2)} on ${qualified(m, 4)}`,
  },
  {
    kind: 'policy',
    re: new RegExp(
      String.raw`\b(create|drop)\s+policy\s+(?:if\s+exists\s+)?${name}\s+on\s+${name}`,
      'gi',
    ),
    identity: (m) => `policy ${qualified(m, 2)} on ${qualified(m, 4)}`,
  },
]

export function definedObjects(sql: string): SqlObject[] {
  const text = blankOutLiterals(sql)
  const lineOf = (index: number) => text.slice(0, index).split('\n').length
  const found: SqlObject[] = []
  const fn = new RegExp(
    String.raw`\b(create(?:\s+or\s+replace)?|drop)\s+(function|procedure)\s+(?:if\s+exists\s+)?${name}\s*\(`,
    'gi',
  )
  for (let m = fn.exec(text); m; m = fn.exec(text)) {
    let depth = 1
    let end = fn.lastIndex
    while (end < text.length && depth > 0) {
      if (text[end] === '(') depth++
      if (text[end] === ')') depth--
      end++
    }
    const args = argumentTypes(text.slice(fn.lastIndex, end - 1)).join(',')
    found.push({
      identity: `${m[2]!.toLowerCase()} ${qualified(m, 3)}(${args})`,
      verb: m[1]!.toLowerCase().replace(/\s+/g, ' '),
      line: lineOf(m.index),
    })
  }
  for (const { re, identity } of patterns) {
    for (let m = re.exec(text); m; m = re.exec(text)) {
      found.push({
        identity: identity(m),
        verb: m[1]!.toLowerCase().replace(/\s+/g, ' ').replace(' constraint', ''),
        line: lineOf(m.index),
      })
    }
  }
  return found.sort((a, b) => a.line - b.line)
}
