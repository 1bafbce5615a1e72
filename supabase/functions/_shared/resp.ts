// A minimal Redis (RESP2) client over Deno.connect: commands and pipelines on one connection,
// reconnect on the next call after a failure. Enough for GET/SET/DEL/INCR/EXPIRE; kept here so the
// REDIS_URL path needs no extra dependency beyond the runtime.
export type RespValue = string | number | null | RespValue[]

export class RespError extends Error {}

export class RespClient {
  private conn: Deno.Conn | undefined
  private buffer = new Uint8Array(0)
  private chain: Promise<unknown> = Promise.resolve()
  private readonly url: URL

  constructor(url: string) {
    this.url = new URL(url)
  }

  command(args: string[]): Promise<RespValue> {
    return this.pipeline([args]).then((replies) => replies[0] ?? null)
  }

  /** Sends every command in one write and reads the replies in order. */
  pipeline(commands: string[][]): Promise<RespValue[]> {
    const run = this.chain.then(() => this.exchange(commands))
    this.chain = run.catch(() => {})
    return run
  }

  close(): void {
    try {
      this.conn?.close()
    } catch {
      // already closed
    }
    this.conn = undefined
    this.buffer = new Uint8Array(0)
  }

  private async connect(): Promise<Deno.Conn> {
    if (this.conn) return this.conn
    const conn = await Deno.connect({
      hostname: this.url.hostname,
      port: Number(this.url.port || 6379),
    })
    this.conn = conn
    this.buffer = new Uint8Array(0)
    const password = decodeURIComponent(this.url.password)
    const username = decodeURIComponent(this.url.username)
    const setup: string[][] = []
    if (password) setup.push(username ? ['AUTH', username, password] : ['AUTH', password])
    const db = this.url.pathname.replace('/', '')
    if (db) setup.push(['SELECT', db])
    if (setup.length > 0) {
      const replies = await this.send(conn, setup)
      const failed = replies.find((r) => r instanceof RespError)
      if (failed) throw failed
    }
    return conn
  }

  private async exchange(commands: string[][]): Promise<RespValue[]> {
    try {
      const conn = await this.connect()
      const replies = await this.send(conn, commands)
      const failed = replies.find((r) => r instanceof RespError)
      if (failed) throw failed
      return replies as RespValue[]
    } catch (err) {
      if (!(err instanceof RespError)) this.close()
      throw err
    }
  }

  private async send(conn: Deno.Conn, commands: string[][]): Promise<Array<RespValue | RespError>> {
    const encoder = new TextEncoder()
    let text = ''
    for (const args of commands) {
      text += `*${args.length}\r\n`
      for (const arg of args) text += `$${encoder.encode(arg).byteLength}\r\n${arg}\r\n`
    }
    const bytes = encoder.encode(text)
    let written = 0
    while (written < bytes.byteLength) written += await conn.write(bytes.subarray(written))
    const replies: Array<RespValue | RespError> = []
    while (replies.length < commands.length) replies.push(await this.readValue(conn))
    return replies
  }

  private async fill(conn: Deno.Conn): Promise<void> {
    const chunk = new Uint8Array(16 * 1024)
    const n = await conn.read(chunk)
    if (n === null) throw new Error('redis connection closed')
    const merged = new Uint8Array(this.buffer.byteLength + n)
    merged.set(this.buffer)
    merged.set(chunk.subarray(0, n), this.buffer.byteLength)
    this.buffer = merged
  }

  private async readLine(conn: Deno.Conn): Promise<string> {
    for (;;) {
      const idx = this.buffer.findIndex((b, i) => b === 13 && this.buffer[i + 1] === 10)
      if (idx >= 0) {
        const line = new TextDecoder().decode(this.buffer.subarray(0, idx))
        this.buffer = this.buffer.subarray(idx + 2)
        return line
      }
      await this.fill(conn)
    }
  }

  private async readValue(conn: Deno.Conn): Promise<RespValue | RespError> {
    const line = await this.readLine(conn)
    const type = line[0]
    const rest = line.slice(1)
    switch (type) {
      case '+':
        return rest
      case '-':
        return new RespError(rest)
      case ':':
        return Number(rest)
      case '$': {
        const len = Number(rest)
        if (len < 0) return null
        while (this.buffer.byteLength < len + 2) await this.fill(conn)
        const value = new TextDecoder().decode(this.buffer.subarray(0, len))
        this.buffer = this.buffer.subarray(len + 2)
        return value
      }
      case '*': {
        const count = Number(rest)
        if (count < 0) return null
        const items: RespValue[] = []
        for (let i = 0; i < count; i++) {
          const item = await this.readValue(conn)
          if (item instanceof RespError) throw item
          items.push(item)
        }
        return items
      }
      default:
        throw new Error(`unexpected redis reply: ${line.slice(0, 40)}`)
    }
  }
}
