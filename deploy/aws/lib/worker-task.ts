// The worker's ECS task: its secret (database URL, storage keys), logs, least-privilege task role
// and the one GPU container with its environment and health check.
import {
  Aws,
  Duration,
  RemovalPolicy,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_logs as logs,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
  aws_sqs as sqs,
} from 'aws-cdk-lib'
import type { Construct } from 'constructs'
import { grantMediaKeys } from './worker-storage'

export const HEALTH_PORT = 54328

export type WorkerMedia =
  | { kind: 'wasabi'; endpoint: string; bucket: string; region: string }
  | { kind: 'aws'; bucketName?: string }

export interface WorkerTaskOptions {
  queue: sqs.Queue
  repository: ecr.IRepository
  imageTag: string
  jobsPerWorker: number
  media: WorkerMedia
  /** The media bucket this stack created (media on AWS only). */
  mediaBucket?: s3.Bucket
}

export function workerTask(scope: Construct, options: WorkerTaskOptions) {
  const { queue, media, mediaBucket } = options
  const workerSecret = new secretsmanager.Secret(scope, 'WorkerSecret', {
    secretName: 'rugbycodex/worker',
    // The VPC has no IPv6 and db.<ref>.supabase.co is IPv6-only: the worker goes through the
    // shared pooler's session mode (IPv4). Transaction mode (port 6543) works too.
    description:
      'Transcode worker: SUPABASE_DB_URL = postgres://postgres.<ref>:<password>@aws-0-<region>.pooler.supabase.com:5432/postgres?sslmode=require (the IPv4 pooler, session mode), S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY',
    generateSecretString: {
      secretStringTemplate: JSON.stringify({
        SUPABASE_DB_URL: 'set-me',
        S3_ACCESS_KEY_ID: 'set-me',
      }),
      generateStringKey: 'S3_SECRET_ACCESS_KEY',
    },
  })

  const logGroup = new logs.LogGroup(scope, 'WorkerLogs', {
    logGroupName: '/rugbycodex/transcoder',
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  })

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
  if (mediaBucket) grantMediaKeys(taskRole, mediaBucket)

  const taskDefinition = new ecs.Ec2TaskDefinition(scope, 'WorkerTask', {
    family: 'rugbycodex-transcoder',
    taskRole,
  })
  const fromSecret = (key: string) => ecs.Secret.fromSecretsManager(workerSecret, key)
  const environment: Record<string, string> = {
    SQS_QUEUE_URL: queue.queueUrl,
    AWS_REGION: Aws.REGION,
    WORKER_CONCURRENCY: String(options.jobsPerWorker),
    WORKER_LEASE_SECONDS: '60',
    // Below the container's stopTimeout (120 s) so the worker hands its job back before SIGKILL.
    WORKER_STOP_TIMEOUT_SECONDS: '100',
    FFMPEG_ENCODER: 'nvenc',
    WORKER_HEALTH_PORT: String(HEALTH_PORT),
  }
  const secrets: Record<string, ecs.Secret> = { SUPABASE_DB_URL: fromSecret('SUPABASE_DB_URL') }
  if (media.kind === 'wasabi') {
    Object.assign(environment, {
      S3_ENDPOINT: media.endpoint,
      S3_BUCKET: media.bucket,
      S3_REGION: media.region,
      S3_FORCE_PATH_STYLE: 'true',
    })
    secrets.S3_ACCESS_KEY_ID = fromSecret('S3_ACCESS_KEY_ID')
    secrets.S3_SECRET_ACCESS_KEY = fromSecret('S3_SECRET_ACCESS_KEY')
  } else {
    Object.assign(environment, {
      S3_BUCKET: mediaBucket!.bucketName,
      S3_REGION: Aws.REGION,
      S3_FORCE_PATH_STYLE: 'false',
    })
  }
  taskDefinition.addContainer('worker', {
    image: ecs.ContainerImage.fromEcrRepository(options.repository, options.imageTag),
    gpuCount: 1,
    // g4dn.xlarge: 4 vCPU / 16 GiB, of which ECS can hand out ~15 GiB.
    cpu: 3072,
    memoryReservationMiB: 12288,
    stopTimeout: Duration.seconds(120),
    environment,
    secrets,
    logging: ecs.LogDrivers.awsLogs({
      logGroup,
      streamPrefix: 'worker',
      mode: ecs.AwsLogDriverMode.NON_BLOCKING,
    }),
    healthCheck: {
      command: [
        'CMD-SHELL',
        `node -e "fetch('http://127.0.0.1:${HEALTH_PORT}/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`,
      ],
      interval: Duration.seconds(30),
      timeout: Duration.seconds(5),
      retries: 3,
      startPeriod: Duration.seconds(60),
    },
  })
  return { taskDefinition, workerSecret }
}
