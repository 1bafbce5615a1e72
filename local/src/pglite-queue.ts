import type { PGlite } from '@electric-sql/pglite'
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket'

/**
 * pglite-socket multiplexes every client onto PGlite's single session and queues each protocol
 * message on its own. Outside a transaction it interleaves clients message by message, so with
 * postgres.js (`prepare: false`, as Supabase's pooler requires) one client's `Bind` can run
 * against another client's unnamed statement: postgres.js parses and describes a query (Sync),
 * then binds and executes it in a second round trip. Symptom: "bind message supplies 3
 * parameters, but prepared statement "" requires 0".
 *
 * This replaces the queue's scheduler so a client that started an extended-protocol exchange
 * keeps the session until the exchange ends: a Sync after an Execute, a Sync after an error, a
 * simple Query, or the client going away. Transactions keep their owner as before.
 */

interface QueueItem {
  handlerId: number
  message: Uint8Array
  resolve: (bytes: number) => void
  reject: (error: unknown) => void
  timestamp: number
  onData: (data: Uint8Array) => void
}

interface QueueInternals {
  queue: QueueItem[]
  processing: boolean
  lastHandlerId: number | null
  db: PGlite
  processQueue(): Promise<void>
  clearTransactionIfNeeded(handlerId: number): Promise<void>
}

interface Exchange {
  parsed: boolean
  executed: boolean
  failed: boolean
}

/** A client that stalls mid-exchange must not block everyone for long. */
const ABANDONED_EXCHANGE_MS = 10_000

const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'])

function hasErrorResponse(data: Uint8Array): boolean {
  // Responses arrive as whole backend messages: type byte + int32 length (self-inclusive).
  let offset = 0
  while (offset + 5 <= data.length) {
    const type = String.fromCharCode(data[offset] as number)
    if (type === 'E') return true
    const length =
      ((data[offset + 1] as number) << 24) |
      ((data[offset + 2] as number) << 16) |
      ((data[offset + 3] as number) << 8) |
      (data[offset + 4] as number)
    if (length < 4) return false
    offset += 1 + length
  }
  return false
}

export function serializeExtendedProtocol(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: QueueInternals }).queryQueue
  const db = queue.db
  let owner: number | null = null
  let exchange: Exchange = { parsed: false, executed: false, failed: false }
  let ownerSince = 0
  let wakeTimer: NodeJS.Timeout | undefined

  const release = () => {
    owner = null
    exchange = { parsed: false, executed: false, failed: false }
  }

  const wakeLater = () => {
    if (wakeTimer) return
    wakeTimer = setTimeout(() => {
      wakeTimer = undefined
      if (owner !== null && Date.now() - ownerSince >= ABANDONED_EXCHANGE_MS) release()
      void queue.processQueue()
    }, ABANDONED_EXCHANGE_MS)
    wakeTimer.unref()
  }

  const track = (item: QueueItem, failed: boolean) => {
    const first = item.message[0] as number
    const type = String.fromCharCode(first)
    if (EXTENDED.has(type)) {
      if (owner !== item.handlerId) {
        owner = item.handlerId
        ownerSince = Date.now()
        exchange = { parsed: false, executed: false, failed: false }
      }
      if (type === 'P') exchange.parsed = true
      if (type === 'E') exchange.executed = true
      if (failed) exchange.failed = true
    } else if (type === 'S' && owner === item.handlerId) {
      if (failed || exchange.failed || exchange.executed || !exchange.parsed) release()
      else exchange = { parsed: false, executed: false, failed: false }
    } else if (type === 'Q' || type === 'X') {
      if (owner === item.handlerId) release()
    }
  }

  queue.processQueue = async function processQueue(this: QueueInternals) {
    if (this.processing || this.queue.length === 0) return
    this.processing = true
    try {
      while (this.queue.length > 0) {
        const holder = owner ?? (db.isInTransaction() ? this.lastHandlerId : null)
        let item: QueueItem | undefined
        if (holder !== null) {
          const index = this.queue.findIndex((q) => q.handlerId === holder)
          if (index === -1) {
            if (owner !== null) wakeLater()
            break
          }
          item = this.queue.splice(index, 1)[0]
        } else {
          item = this.queue.shift()
        }
        if (!item) break
        let bytes = 0
        let failed = false
        const current = item
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(current.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length
                if (!failed && hasErrorResponse(data)) failed = true
                current.onData(data)
              },
            }),
          )
        } catch (error) {
          track(current, true)
          current.reject(error)
          continue
        }
        track(current, failed)
        this.lastHandlerId = current.handlerId
        current.resolve(bytes)
      }
    } finally {
      this.processing = false
    }
  }.bind(queue)

  const clearTransaction = queue.clearTransactionIfNeeded.bind(queue)
  queue.clearTransactionIfNeeded = async (handlerId: number) => {
    if (owner === handlerId) release()
    await clearTransaction(handlerId)
    await queue.processQueue()
  }
}
