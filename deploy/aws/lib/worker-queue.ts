// The transcode queue and its dead-letter queue, and the IAM user the edge functions enqueue with.
import { Duration, aws_iam as iam, aws_sqs as sqs } from 'aws-cdk-lib'
import type { Construct } from 'constructs'

export function transcodeQueues(scope: Construct): {
  queue: sqs.Queue
  deadLetterQueue: sqs.Queue
} {
  const deadLetterQueue = new sqs.Queue(scope, 'TranscodeDlq', {
    queueName: 'rugbycodex-transcode-jobs-dlq',
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  })
  const queue = new sqs.Queue(scope, 'TranscodeQueue', {
    queueName: 'rugbycodex-transcode-jobs',
    // The worker extends visibility while it holds a job; this only bounds a crashed worker.
    visibilityTimeout: Duration.minutes(5),
    receiveMessageWaitTime: Duration.seconds(20),
    retentionPeriod: Duration.days(4),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // Matches jobs.max_attempts (3): the third failed receive sends the message to the DLQ.
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 3 },
  })
  return { queue, deadLetterQueue }
}

/**
 * Edge functions enqueue with this user's access key (created by the operator, never in the
 * template); it can send to the queue and nothing else. No fixed name: IAM is global, and a second
 * region's stack must not collide with this one.
 */
export function edgeDispatcher(scope: Construct, queue: sqs.Queue): iam.User {
  const dispatcher = new iam.User(scope, 'EdgeDispatchUser')
  dispatcher.addToPolicy(
    new iam.PolicyStatement({
      actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      resources: [queue.queueArn],
    }),
  )
  return dispatcher
}
