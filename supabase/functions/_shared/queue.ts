// Job dispatch. With SQS configured the job id is sent to the queue; otherwise the worker claims
// queued rows from the `jobs` table itself (the database lease is the queue).
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import type { JobType } from '../../../contracts/enums.ts'
import { queueMessageBody } from '../../../contracts/jobs.ts'
import { env } from './env.ts'

let sqs: SQSClient | undefined

export async function dispatchJob(job: { id: string; type: JobType }): Promise<'sqs' | 'database'> {
  const queueUrl = env('SQS_QUEUE_URL')
  if (!queueUrl) return 'database'
  sqs ??= new SQSClient({ region: env('AWS_REGION') ?? env('S3_REGION') ?? 'us-east-1' })
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: queueMessageBody(job),
      // FIFO queues require a group and dedup id, standard queues reject them: set them only
      // when the URL names a FIFO queue.
      ...(queueUrl.endsWith('.fifo')
        ? { MessageGroupId: job.id, MessageDeduplicationId: job.id }
        : {}),
    }),
  )
  return 'sqs'
}
