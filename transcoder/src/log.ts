// Every log line is one JSON object; job-scoped loggers stamp the job id on every line so a job's
// whole story can be pulled out of the worker's output with one filter.
type Fields = Record<string, unknown>
type Level = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  debug(event: string, fields?: Fields): void
  info(event: string, fields?: Fields): void
  warn(event: string, fields?: Fields): void
  error(event: string, fields?: Fields): void
  child(fields: Fields): Logger
}

export type LogSink = (line: string) => void

const stdoutSink: LogSink = (line) => process.stdout.write(`${line}\n`)

export function createLogger(base: Fields = {}, sink: LogSink = stdoutSink): Logger {
  const write = (level: Level, event: string, fields?: Fields) => {
    const line: Fields = { time: new Date().toISOString(), level, event, ...base, ...fields }
    if (line.error instanceof Error) line.error = line.error.message
    sink(JSON.stringify(line))
  }
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
    child: (fields) => createLogger({ ...base, ...fields }, sink),
  }
}

export const silentLogger: Logger = createLogger({}, () => {})
