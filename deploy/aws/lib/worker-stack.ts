// SCALE-7: the GPU transcode workers on AWS — ECS on EC2 with a GPU capacity provider (0–3 mixed
// spot/on-demand instances), SQS + DLQ, queue-driven scaling down to zero, least-privilege task
// role, and the CloudWatch alarms of SCALE-9. The image comes from the ECR repository of
// ImageRepositoryStack, pushed before this stack is deployed (deploy/aws/deploy.sh).
// Each part lives in its own file: worker-queue, worker-storage, worker-compute, worker-task and
// worker-alarms; this file wires them together and names the outputs.
import {
  CfnOutput,
  Stack,
  type StackProps,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_s3 as s3,
  aws_sns as sns,
  aws_sns_subscriptions as subs,
  aws_sqs as sqs,
} from 'aws-cdk-lib'
import type { Construct } from 'constructs'
import { TRANSCODER_REPOSITORY } from './image-repository-stack'
import { monthlyBudget, scaleOnBacklog, workerAlarms } from './worker-alarms'
import { gpuFleet } from './worker-compute'
import { edgeDispatcher, transcodeQueues } from './worker-queue'
import { mediaBucket } from './worker-storage'
import { workerTask, type WorkerMedia } from './worker-task'

export { WORKER_INSTANCE_TYPES } from './worker-compute'

export interface WorkerStackProps extends StackProps {
  /** Image tag the service runs (CI passes the commit SHA); it must already be in ECR. */
  imageTag?: string
  /**
   * Where media lives. `wasabi` (default, the plan's storage): an S3-compatible bucket outside AWS,
   * reached with keys from the worker secret. `aws`: this stack creates the bucket, and the task
   * role is granted exactly the keys the worker reads and writes.
   */
  media?: WorkerMedia
  /** Origin of the SPA, allowed to PUT presigned upload parts when the bucket is on AWS. */
  webOrigin?: string
  /** Receives the alarms and the budget warnings. */
  alertEmail?: string
  maxWorkers?: number
  /** Jobs one worker runs at once (WORKER_CONCURRENCY); scaling divides the backlog by it. */
  jobsPerWorker?: number
  monthlyBudgetUsd?: number
}

export class WorkerStack extends Stack {
  readonly queue: sqs.Queue
  readonly deadLetterQueue: sqs.Queue
  readonly repository: ecr.IRepository
  readonly service: ecs.Ec2Service
  readonly mediaBucket?: s3.Bucket

  constructor(scope: Construct, id: string, props: WorkerStackProps = {}) {
    super(scope, id, props)
    const maxWorkers = props.maxWorkers ?? 3
    const jobsPerWorker = props.jobsPerWorker ?? 1
    const media = props.media ?? {
      kind: 'wasabi',
      endpoint: 'https://s3.wasabisys.com',
      bucket: 'rugbycodex-media',
      region: 'us-east-1',
    }

    const alerts = new sns.Topic(this, 'Alerts', { topicName: 'rugbycodex-alerts' })
    if (props.alertEmail) alerts.addSubscription(new subs.EmailSubscription(props.alertEmail))

    const { queue, deadLetterQueue } = transcodeQueues(this)
    this.queue = queue
    this.deadLetterQueue = deadLetterQueue
    const dispatcher = edgeDispatcher(this, queue)

    // By name, not a cross-stack reference: the repository's stack is deployed (and the image
    // pushed) first, and this stack neither creates nor exports anything for it.
    this.repository = ecr.Repository.fromRepositoryName(
      this,
      'TranscoderRepository',
      TRANSCODER_REPOSITORY,
    )
    if (media.kind === 'aws') {
      this.mediaBucket = mediaBucket(this, {
        bucketName: media.bucketName,
        webOrigin: props.webOrigin,
      })
    }

    const { cluster, asg, capacityProvider } = gpuFleet(this, maxWorkers)
    const { taskDefinition, workerSecret } = workerTask(this, {
      queue,
      repository: this.repository,
      imageTag: props.imageTag ?? 'latest',
      jobsPerWorker,
      media,
      mediaBucket: this.mediaBucket,
    })

    this.service = new ecs.Ec2Service(this, 'WorkerService', {
      serviceName: 'rugbycodex-transcoder',
      cluster,
      taskDefinition,
      // No desiredCount: CloudFormation would apply it on every update (a new image tag included)
      // and stop the workers autoscaling started. Without it ECS keeps the running count on
      // update, and Application Auto Scaling below owns it (0 when the queue is empty). The first
      // create starts one task, which the backlog policy takes back to 0 within minutes.
      // One GPU per task and no spare instance to roll onto: old tasks stop first (they hand
      // their jobs back), new ones start after. Jobs wait; none is lost.
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { enable: true, rollback: true },
      capacityProviderStrategies: [
        { capacityProvider: capacityProvider.capacityProviderName, weight: 1, base: 0 },
      ],
      placementStrategies: [ecs.PlacementStrategy.packedByMemory()],
    })

    scaleOnBacklog(this.service, queue, maxWorkers, jobsPerWorker)
    workerAlarms(this, { alerts, queue, deadLetterQueue, asg, service: this.service })
    if (props.alertEmail) monthlyBudget(this, props.alertEmail, props.monthlyBudgetUsd ?? 100)

    new CfnOutput(this, 'QueueUrl', {
      value: queue.queueUrl,
      description: 'SQS_QUEUE_URL for the edge functions',
    })
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: deadLetterQueue.queueUrl })
    new CfnOutput(this, 'ClusterName', { value: cluster.clusterName })
    new CfnOutput(this, 'WorkerSecretArn', {
      value: workerSecret.secretArn,
      description:
        'fill SUPABASE_DB_URL with the IPv4 pooler URL (session mode, port 5432) and the S3 keys for Wasabi',
    })
    new CfnOutput(this, 'DispatchUserName', {
      value: dispatcher.userName,
      description: 'create its access key for the edge functions',
    })
    new CfnOutput(this, 'AlertsTopicArn', { value: alerts.topicArn })
    if (this.mediaBucket)
      new CfnOutput(this, 'MediaBucketName', { value: this.mediaBucket.bucketName })
  }
}
