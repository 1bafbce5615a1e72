// The transcode worker's task role: its queue and the keys it reads and writes in the media
// bucket, nothing else. The object patterns come from the storage layout the worker itself uses
// (contracts/keys.ts), so a new output folder cannot be forgotten here.
import { aws_iam as iam, aws_s3 as s3, aws_sqs as sqs } from 'aws-cdk-lib'
import type { Construct } from 'constructs'
import { ASSET_LAYOUT } from '../../../contracts/keys.ts'

/** What the worker writes below an asset's prefix: the HLS ladder, poster, storyboard, clip MP4s. */
export const WORKER_WRITES = [
  `${ASSET_LAYOUT.hls}*`,
  ASSET_LAYOUT.poster,
  `${ASSET_LAYOUT.storyboard}*`,
  `${ASSET_LAYOUT.exports}*`,
] as const

export function workerTaskRole(scope: Construct, queue: sqs.Queue, mediaBucket?: s3.Bucket) {
  const taskRole = new iam.Role(scope, 'WorkerTaskRole', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    description: 'Transcode worker: its queue and its media keys, nothing else',
  })
  taskRole.addToPolicy(
    new iam.PolicyStatement({
      actions: [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:GetQueueAttributes',
        // A spot hand-back re-sends the job as a fresh message, so it spends no receive.
        'sqs:SendMessage',
      ],
      resources: [queue.queueArn],
    }),
  )
  if (mediaBucket) {
    const objects = (path: string) => mediaBucket.arnForObjects(`orgs/*/media/*/${path}`)
    taskRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [objects(`${ASSET_LAYOUT.original}*`)],
      }),
    )
    taskRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: WORKER_WRITES.map(objects),
      }),
    )
    taskRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [mediaBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['orgs/*'] } },
      }),
    )
  }
  return taskRole
}
