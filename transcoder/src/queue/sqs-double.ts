// A contract double of the SQS API the adapter uses, enforcing what real SQS enforces: visibility
// timeouts, a fresh receipt handle per receive (stale handles cannot change or delete), long-poll
// wait, and redrive to a DLQ once a message has been received maxReceiveCount times.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs'
import type { SqsApi } from './sqs'

interface StoredMessage {
  id: string
  body: string
  visibleAt: number
  receiveCount: number
  receiptHandle: string | null
}

export class SqsError extends Error {
  constructor(readonly code: string) {
    super(code)
    this.name = code
  }
}

export class FakeSqs implements SqsApi {
  readonly messages: StoredMessage[] = []
  readonly deadLetters: StoredMessage[] = []
  readonly calls: string[] = []
  private seq = 0

  constructor(
    readonly maxReceiveCount = 3,
    private readonly now: () => number = Date.now,
  ) {}

  enqueue(body: string): string {
    const id = `m-${++this.seq}`
    this.messages.push({ id, body, visibleAt: this.now(), receiveCount: 0, receiptHandle: null })
    return id
  }

  visibleCount(): number {
    return this.messages.filter((m) => m.visibleAt <= this.now()).length
  }

  async send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown> {
    this.calls.push(command.constructor.name)
    if (command instanceof ReceiveMessageCommand) return this.receive(command, options?.abortSignal)
    if (command instanceof ChangeMessageVisibilityCommand) {
      const message = this.byHandle(command.input.ReceiptHandle)
      if (message.visibleAt <= this.now()) throw new SqsError('MessageNotInflight')
      const seconds = command.input.VisibilityTimeout ?? 0
      if (seconds < 0 || seconds > 43_200) throw new SqsError('InvalidParameterValue')
      message.visibleAt = this.now() + seconds * 1000
      return {}
    }
    if (command instanceof DeleteMessageCommand) {
      const index = this.messages.findIndex((m) => m.receiptHandle === command.input.ReceiptHandle)
      // Real SQS answers success for a stale handle but may keep the message; so does the double.
      if (index >= 0) this.messages.splice(index, 1)
      return {}
    }
    if (command instanceof SendMessageCommand) {
      return { MessageId: this.enqueue(command.input.MessageBody ?? '') }
    }
    throw new Error(`FakeSqs: unsupported command ${command.constructor.name}`)
  }

  private byHandle(handle: string | undefined): StoredMessage {
    const message = this.messages.find((m) => m.receiptHandle === handle)
    if (!message) throw new SqsError('ReceiptHandleIsInvalid')
    return message
  }

  private async receive(command: ReceiveMessageCommand, signal?: AbortSignal) {
    const waitMs = (command.input.WaitTimeSeconds ?? 0) * 1000
    const deadline = this.now() + waitMs
    for (;;) {
      const message = this.takeVisible()
      if (message) {
        message.receiveCount++
        message.receiptHandle = `rh-${message.id}-${message.receiveCount}-${++this.seq}`
        message.visibleAt = this.now() + (command.input.VisibilityTimeout ?? 30) * 1000
        return {
          Messages: [
            {
              MessageId: message.id,
              Body: message.body,
              ReceiptHandle: message.receiptHandle,
              Attributes: { ApproximateReceiveCount: String(message.receiveCount) },
            },
          ],
        }
      }
      if (this.now() >= deadline || signal?.aborted) return { Messages: [] }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  private takeVisible(): StoredMessage | undefined {
    for (;;) {
      const message = this.messages.find((m) => m.visibleAt <= this.now())
      if (!message) return undefined
      if (message.receiveCount >= this.maxReceiveCount) {
        this.messages.splice(this.messages.indexOf(message), 1)
        this.deadLetters.push(message)
        continue
      }
      return message
    }
  }
}
