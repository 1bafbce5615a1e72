// SCALE-7: the GPU transcode workers on AWS — ECS on EC2 with a GPU capacity provider (0–3 mixed
// spot/on-demand instances), SQS + DLQ, queue-driven scaling down to zero, least-privilege task
// role, and the CloudWatch alarms of SCALE-9. The image comes from the ECR repository of
// ImageRepositoryStack, pushed before this stack is deployed (deploy/aws/deploy.sh).
import {
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  aws_applicationautoscaling as appscaling,
  aws_autoscaling as autoscaling,
  aws_budgets as budgets,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cwActions,
  aws_ec2 as ec2,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_logs as logs,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
  aws_sns_subscriptions as subs,
  aws_sqs as sqs,
} from 'aws-cdk-lib'
import type { Construct } from 'constructs'
import { TRANSCODER_REPOSITORY } from './image-repository-stack'

export interface WorkerStackProps extends StackProps {
  /** Image tag the service runs (CI passes the commit SHA); it must already be in ECR. */
  imageTag?: string
  /**
   * Where media lives. `wasabi` (default, the plan's storage): an S3-compatible bucket outside AWS,
   * reached with keys from the worker secret. `aws`: this stack creates the bucket, and the task
   * role is granted exactly the keys the worker reads and writes.
   */
  media?:
    | { kind: 'wasabi'; endpoint: string; bucket: string; region: string }
    | { kind: 'aws'; bucketName?: string }
  /** Origin of the SPA, allowed to PUT presigned upload parts when the bucket is on AWS. */
  webOrigin?: string
  /** Receives the alarms and the budget warnings. */
  alertEmail?: string
  maxWorkers?: number
  /** Jobs one worker runs at once (WORKER_CONCURRENCY); scaling divides the backlog by it. */
  jobsPerWorker?: number
  monthlyBudgetUsd?: number
}

export const WORKER_INSTANCE_TYPES = ['g4dn.xlarge', 'g4dn.2xlarge', 'g5.xlarge'] as const
const HEALTH_PORT = 54328

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
    const alertAction = new cwActions.SnsAction(alerts)

    // ---- Queue -------------------------------------------------------------------------------
    this.deadLetterQueue = new sqs.Queue(this, 'TranscodeDlq', {
      queueName: 'rugbycodex-transcode-jobs-dlq',
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    })
    this.queue = new sqs.Queue(this, 'TranscodeQueue', {
      queueName: 'rugbycodex-transcode-jobs',
      // The worker extends visibility while it holds a job; this only bounds a crashed worker.
      visibilityTimeout: Duration.minutes(5),
      receiveMessageWaitTime: Duration.seconds(20),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Matches jobs.max_attempts (3): the third failed receive sends the message to the DLQ.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    })

    // Edge functions enqueue with this user's access key (created by the operator, never in the
    // template); it can send to the queue and nothing else.
    // No fixed name: IAM is global, and a second region's stack must not collide with this one.
    const dispatcher = new iam.User(this, 'EdgeDispatchUser')
    dispatcher.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        resources: [this.queue.queueArn],
      }),
    )

    // ---- Image -------------------------------------------------------------------------------
    // By name, not a cross-stack reference: the repository's stack is deployed (and the image
    // pushed) first, and this stack neither creates nor exports anything for it.
    this.repository = ecr.Repository.fromRepositoryName(
      this,
      'TranscoderRepository',
      TRANSCODER_REPOSITORY,
    )

    // ---- Storage (only when the media bucket is on AWS) ----------------------------------------
    if (media.kind === 'aws') {
      this.mediaBucket = new s3.Bucket(this, 'MediaBucket', {
        bucketName: media.bucketName,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        removalPolicy: RemovalPolicy.RETAIN,
        // Resumable uploads (B-2) keep parts for a week; after that they only cost money.
        lifecycleRules: [
          {
            id: 'abort-incomplete-multipart-uploads',
            abortIncompleteMultipartUploadAfter: Duration.days(7),
          },
        ],
        cors: [
          {
            allowedOrigins: [props.webOrigin ?? 'https://rugbycodex.com'],
            allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
            allowedHeaders: ['*'],
            // The browser must read each part's ETag to complete the multipart upload.
            exposedHeaders: ['ETag'],
            maxAge: 3600,
          },
        ],
      })
    }

    // ---- Network and compute -----------------------------------------------------------------
    // Public subnets and no NAT gateway: the workers only make outbound calls, and a NAT gateway
    // would cost more than the idle fleet (which is zero).
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 3,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 20 }],
    })
    const workerSg = new ec2.SecurityGroup(this, 'WorkerSg', {
      vpc,
      description: 'GPU workers: outbound only',
      allowAllOutbound: true,
    })

    const cluster = new ecs.Cluster(this, 'Cluster', { clusterName: 'rugbycodex-cluster', vpc })

    const launchTemplate = new ec2.LaunchTemplate(this, 'GpuLaunchTemplate', {
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(ecs.AmiHardwareType.GPU),
      instanceType: new ec2.InstanceType(WORKER_INSTANCE_TYPES[0]),
      userData: ec2.UserData.forLinux(),
      role: new iam.Role(this, 'InstanceRole', {
        assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
        managedPolicies: [
          iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
        ],
      }),
      securityGroup: workerSg,
      associatePublicIpAddress: true,
      requireImdsv2: true,
      // Containers in bridge mode sit one hop further than the host, so a hop limit of 1 keeps
      // the instance role's credentials out of the worker; it uses its task role instead.
      httpPutResponseHopLimit: 1,
      // Room for the source video, the renditions and ffmpeg's scratch files of one job.
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(100, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
          }),
        },
      ],
    })

    const asg = new autoscaling.AutoScalingGroup(this, 'GpuAsg', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      minCapacity: 0,
      maxCapacity: maxWorkers,
      mixedInstancesPolicy: {
        launchTemplate,
        launchTemplateOverrides: WORKER_INSTANCE_TYPES.map((t) => ({
          instanceType: new ec2.InstanceType(t),
        })),
        instancesDistribution: {
          // The plan: one on-demand instance as the base, everything above it spot.
          onDemandBaseCapacity: 1,
          onDemandPercentageAboveBaseCapacity: 0,
          spotAllocationStrategy: autoscaling.SpotAllocationStrategy.CAPACITY_OPTIMIZED,
        },
      },
      // Replace a spot instance as soon as AWS signals elevated interruption risk.
      capacityRebalance: true,
      groupMetrics: [autoscaling.GroupMetrics.all()],
    })

    const capacityProvider = new ecs.AsgCapacityProvider(this, 'GpuCapacityProvider', {
      capacityProviderName: 'rugbycodex-gpu',
      autoScalingGroup: asg,
      enableManagedScaling: true,
      enableManagedTerminationProtection: true,
      targetCapacityPercent: 100,
    })
    // Spot draining: on the two-minute interruption notice ECS stops the task (SIGTERM, then
    // stopTimeout), so the worker hands its job back instead of dying mid-encode. CDK writes the
    // agent setting only for legacy spot-price groups, not mixed-instances ones, hence the line.
    cluster.addAsgCapacityProvider(capacityProvider, { spotInstanceDraining: true })
    launchTemplate.userData?.addCommands(
      'echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config',
    )

    // ---- Worker task -------------------------------------------------------------------------
    const workerSecret = new secretsmanager.Secret(this, 'WorkerSecret', {
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

    const logGroup = new logs.LogGroup(this, 'WorkerLogs', {
      logGroupName: '/rugbycodex/transcoder',
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    })

    const taskRole = new iam.Role(this, 'WorkerTaskRole', {
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
        resources: [this.queue.queueArn],
      }),
    )
    if (this.mediaBucket) {
      const objects = (suffix: string) =>
        this.mediaBucket!.arnForObjects(`orgs/*/media/*/${suffix}`)
      taskRole.addToPolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects('original/*')] }),
      )
      taskRole.addToPolicy(
        new iam.PolicyStatement({
          actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
          resources: [objects('hls/*'), objects('poster.jpg'), objects('storyboard/*')],
        }),
      )
      taskRole.addToPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [this.mediaBucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': ['orgs/*'] } },
        }),
      )
    }

    const taskDefinition = new ecs.Ec2TaskDefinition(this, 'WorkerTask', {
      family: 'rugbycodex-transcoder',
      taskRole,
    })
    const environment: Record<string, string> = {
      SQS_QUEUE_URL: this.queue.queueUrl,
      AWS_REGION: Aws.REGION,
      WORKER_CONCURRENCY: String(jobsPerWorker),
      WORKER_LEASE_SECONDS: '60',
      // Below the container's stopTimeout (120 s) so the worker hands its job back before SIGKILL.
      WORKER_STOP_TIMEOUT_SECONDS: '100',
      FFMPEG_ENCODER: 'nvenc',
      WORKER_HEALTH_PORT: String(HEALTH_PORT),
    }
    const secrets: Record<string, ecs.Secret> = {
      SUPABASE_DB_URL: ecs.Secret.fromSecretsManager(workerSecret, 'SUPABASE_DB_URL'),
    }
    if (media.kind === 'wasabi') {
      Object.assign(environment, {
        S3_ENDPOINT: media.endpoint,
        S3_BUCKET: media.bucket,
        S3_REGION: media.region,
        S3_FORCE_PATH_STYLE: 'true',
      })
      secrets.S3_ACCESS_KEY_ID = ecs.Secret.fromSecretsManager(workerSecret, 'S3_ACCESS_KEY_ID')
      secrets.S3_SECRET_ACCESS_KEY = ecs.Secret.fromSecretsManager(
        workerSecret,
        'S3_SECRET_ACCESS_KEY',
      )
    } else {
      Object.assign(environment, {
        S3_BUCKET: this.mediaBucket!.bucketName,
        S3_REGION: Aws.REGION,
        S3_FORCE_PATH_STYLE: 'false',
      })
    }
    taskDefinition.addContainer('worker', {
      image: ecs.ContainerImage.fromEcrRepository(this.repository, props.imageTag ?? 'latest'),
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

    // ---- Scaling on the queue backlog ----------------------------------------------------------
    // Backlog = waiting + in-progress messages (a worker holds its message until the job is done),
    // so the service never scales in under a running job. Exact-capacity steps give
    // ceil(backlog / jobsPerWorker) workers, capped, and zero when the queue is empty.
    const backlog = new cloudwatch.MathExpression({
      label: 'transcode backlog',
      expression: 'visible + inflight',
      usingMetrics: {
        visible: this.queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        inflight: this.queue.metricApproximateNumberOfMessagesNotVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
      },
      period: Duration.minutes(1),
    })
    const scaling = this.service.autoScaleTaskCount({ minCapacity: 0, maxCapacity: maxWorkers })
    const steps: appscaling.ScalingInterval[] = [{ upper: 0.5, change: 0 }]
    for (let workers = 1; workers <= maxWorkers; workers++) {
      steps.push({ lower: (workers - 1) * jobsPerWorker + 0.5, change: workers })
    }
    scaling.scaleOnMetric('ScaleOnBacklog', {
      metric: backlog,
      scalingSteps: steps,
      adjustmentType: appscaling.AdjustmentType.EXACT_CAPACITY,
      evaluationPeriods: 2,
      cooldown: Duration.minutes(1),
    })

    // ---- Alarms (SCALE-9; risk 3: transcoding capacity) -----------------------------------------
    const alarm = (id: string, props: cloudwatch.AlarmProps) => {
      const a = new cloudwatch.Alarm(this, id, props)
      a.addAlarmAction(alertAction)
      return a
    }
    alarm('DlqNotEmpty', {
      alarmName: 'rugbycodex-transcode-dlq-not-empty',
      alarmDescription:
        'A transcode job failed three times. Runbook: deploy/runbooks/03-aws-transcoding-capacity.md',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    })
    alarm('OldestJobWaiting', {
      alarmName: 'rugbycodex-transcode-oldest-job-30min',
      alarmDescription:
        'A job has waited 30 minutes for a worker. Runbook: deploy/runbooks/03-aws-transcoding-capacity.md',
      metric: this.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 1800,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    })
    alarm('BacklogWithoutWorkers', {
      alarmName: 'rugbycodex-transcode-backlog-no-workers',
      alarmDescription:
        'Jobs are queued but no GPU instance came up in 15 minutes (spot capacity or vCPU quota). Runbook: deploy/runbooks/03-aws-transcoding-capacity.md',
      metric: new cloudwatch.MathExpression({
        expression: 'IF(backlog > 0 AND instances == 0, 1, 0)',
        usingMetrics: {
          backlog: this.queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: 'Maximum',
          }),
          instances: new cloudwatch.Metric({
            namespace: 'AWS/AutoScaling',
            metricName: 'GroupInServiceInstances',
            dimensionsMap: { AutoScalingGroupName: asg.autoScalingGroupName },
            period: Duration.minutes(1),
            statistic: 'Maximum',
          }),
        },
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 15,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    })
    // The plan's server thresholds, applied to the workers: CPU > 80 % for 5 minutes, memory > 90 %.
    alarm('WorkerCpuHigh', {
      alarmName: 'rugbycodex-transcoder-cpu-80',
      alarmDescription:
        'Worker CPU above 80 % for 5 minutes (NVENC should carry the encode). Runbook: deploy/runbooks/03-aws-transcoding-capacity.md',
      metric: this.service.metricCpuUtilization({
        period: Duration.minutes(1),
        statistic: 'Average',
      }),
      threshold: 80,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    })
    alarm('WorkerMemoryHigh', {
      alarmName: 'rugbycodex-transcoder-memory-90',
      alarmDescription:
        'Worker memory above 90 % of its reservation. Runbook: deploy/runbooks/03-aws-transcoding-capacity.md',
      metric: this.service.metricMemoryUtilization({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 90,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    })

    // Risk 6 (cost overrun): a monthly AWS budget warning at 80 % actual and 100 % forecast.
    if (props.alertEmail) {
      const subscribers = [{ subscriptionType: 'EMAIL', address: props.alertEmail }]
      new budgets.CfnBudget(this, 'MonthlyBudget', {
        budget: {
          budgetName: 'rugbycodex-monthly',
          budgetType: 'COST',
          timeUnit: 'MONTHLY',
          budgetLimit: { amount: props.monthlyBudgetUsd ?? 100, unit: 'USD' },
        },
        notificationsWithSubscribers: [
          {
            notification: {
              notificationType: 'ACTUAL',
              comparisonOperator: 'GREATER_THAN',
              threshold: 80,
              thresholdType: 'PERCENTAGE',
            },
            subscribers,
          },
          {
            notification: {
              notificationType: 'FORECASTED',
              comparisonOperator: 'GREATER_THAN',
              threshold: 100,
              thresholdType: 'PERCENTAGE',
            },
            subscribers,
          },
        ],
      })
    }

    new CfnOutput(this, 'QueueUrl', {
      value: this.queue.queueUrl,
      description: 'SQS_QUEUE_URL for the edge functions',
    })
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl })
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
