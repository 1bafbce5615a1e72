export type Log = (line: string) => void

const colors = [36, 35, 33, 32, 34, 31]
const assigned = new Map<string, number>()

/** Prefixes every line with a padded, coloured tag so interleaved process output stays readable. */
export function prefixed(log: Log, tag: string): Log {
  if (!assigned.has(tag)) assigned.set(tag, colors[assigned.size % colors.length] as number)
  const color = assigned.get(tag) as number
  const useColor = process.stdout.isTTY && !process.env.NO_COLOR
  const label = useColor ? `\x1b[${color}m${tag.padEnd(9)}\x1b[0m` : tag.padEnd(9)
  return (line) => {
    for (const part of line.replace(/\s+$/, '').split('\n')) log(`${label}| ${part}`)
  }
}

/** Splits a child's byte stream into lines for a prefixed logger. */
export function lineSplitter(log: Log): (chunk: Buffer | string) => void {
  let pending = ''
  return (chunk) => {
    pending += chunk.toString()
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) log(line)
  }
}

export const consoleLog: Log = (line) => console.log(line)
export const silentLog: Log = () => {}
