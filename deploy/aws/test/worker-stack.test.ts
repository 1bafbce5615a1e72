import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { App } from 'aws-cdk-lib'
import { Match, Template } from 'aws-cdk-lib/assertions'
import { beforeAll, describe, expect, it } from 'vitest'
import { ImageRepositoryStack, TRANSCODER_REPOSITORY } from '../lib/image-repository-stack'
import { WORKER_INSTANCE_TYPES, WorkerStack } from '../lib/worker-stack'

// SCALE-7 / SCALE-9: assertions on the synthesized CloudFormation of the GPU worker stack.
const run = promisify(execFile)
const awsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>
let wasabi: Template
let onAws: Template

beforeAll(() => {
  wasabi = Template.fromStack(
    new WorkerStack(new App(), 'Wasabi', { alertEmail: 'ops@rugbycodex.com' }),
  )
  onAws = Template.fromStack(
    new WorkerStack(new App(), 'OnAws', {
      media: { kind: 'aws', bucketName: 'rc-media' },
      webOrigin: 'https://app.example',
    }),
  )
})

function statementsOf(
  template: Template,
  roleLogicalIdPrefix: string,
): Array<Record<string, unknown>> {
  const policies = template.findResources('AWS::IAM::Policy') as Resources
  return Object.entries(policies)
    .filter(([id]) => id.startsWith(roleLogicalIdPrefix))
    .flatMap(
      ([, p]) =>
        (p.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
    )
}

describe('image and compute', () => {
  it('keeps the ECR repository in its own stack, so the image can be pushed before the workers deploy', () => {
    const images = Template.fromStack(new ImageRepositoryStack(new App(), 'Images'))
    images.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: TRANSCODER_REPOSITORY,
      ImageScanningConfiguration: { ScanOnPush: true },
      ImageTagMutability: 'IMMUTABLE',
    })
    expect(TRANSCODER_REPOSITORY).toBe('rugbycodex-transcoder')
    // The workers stack only references it: deploying the workers never creates (or waits for) it.
    wasabi.resourceCountIs('AWS::ECR::Repository', 0)
    wasabi.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Image: Match.objectLike({
            'Fn::Join': [
              '',
              Match.arrayWith([Match.stringLikeRegexp(`/${TRANSCODER_REPOSITORY}:`)]),
            ],
          }),
        }),
      ],
    })
  })

  it('runs an ECS cluster on a 0–3 GPU group: mixed types, one on-demand base, spot capacity-optimized', () => {
    wasabi.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'rugbycodex-cluster' })
    wasabi.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '0',
      MaxSize: '3',
      CapacityRebalance: true,
      NewInstancesProtectedFromScaleIn: true,
      MixedInstancesPolicy: {
        InstancesDistribution: {
          OnDemandBaseCapacity: 1,
          OnDemandPercentageAboveBaseCapacity: 0,
          SpotAllocationStrategy: 'capacity-optimized',
        },
        LaunchTemplate: {
          Overrides: WORKER_INSTANCE_TYPES.map((t) => ({ InstanceType: t })),
        },
      },
    })
    expect(WORKER_INSTANCE_TYPES).toEqual(['g4dn.xlarge', 'g4dn.2xlarge', 'g5.xlarge'])
  })

  it('boots the ECS GPU AMI with spot draining on and IMDS closed to containers', () => {
    const template = wasabi.toJSON() as { Parameters: Record<string, { Default?: string }> }
    expect(Object.values(template.Parameters).map((p) => p.Default)).toContain(
      '/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id',
    )
    wasabi.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        UserData: {
          'Fn::Base64': {
            'Fn::Join': [
              '',
              Match.arrayWith([Match.stringLikeRegexp('ECS_ENABLE_SPOT_INSTANCE_DRAINING=true')]),
            ],
          },
        },
      },
    })
  })

  it('lets ECS manage the group through a capacity provider (managed scaling, termination protection)', () => {
    wasabi.hasResourceProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: {
        ManagedScaling: { Status: 'ENABLED', TargetCapacity: 100 },
        ManagedTerminationProtection: 'ENABLED',
      },
    })
    wasabi.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [Match.objectLike({ Weight: 1 })],
    })
  })

  it('never resets the running worker count on a deploy: no DesiredCount, autoscaling owns it', () => {
    // CloudFormation applies a DesiredCount it finds in the template on every update (including a
    // new image tag), which would stop the workers autoscaling started mid-job. Left out, ECS keeps
    // the current count on update; Application Auto Scaling (0–3 on the backlog) sets it.
    wasabi.hasResourceProperties('AWS::ECS::Service', { DesiredCount: Match.absent() })
    wasabi.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      DesiredCapacity: Match.absent(),
    })
    wasabi.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: 0,
    })
  })
})

describe('queue and scaling', () => {
  it('sends a message to the DLQ after three receives', () => {
    const queues = wasabi.findResources('AWS::SQS::Queue') as Resources
    const main = Object.values(queues).find(
      (q) => q.Properties.QueueName === 'rugbycodex-transcode-jobs',
    )
    const dlqId = Object.entries(queues).find(
      ([, q]) => q.Properties.QueueName === 'rugbycodex-transcode-jobs-dlq',
    )?.[0]
    expect(main?.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: 3,
    })
  })

  it('scales workers to ceil(backlog / jobs per worker), capped at 3, and to zero when empty', () => {
    wasabi.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 0,
      MaxCapacity: 3,
    })
    const policies = Object.values(
      wasabi.findResources('AWS::ApplicationAutoScaling::ScalingPolicy') as Resources,
    )
    const alarms = Object.values(wasabi.findResources('AWS::CloudWatch::Alarm') as Resources)
    // Rebuild the step function the two policies implement and evaluate it on real backlogs.
    const desiredFor = (backlog: number): number | undefined => {
      for (const policy of policies) {
        const name = String(policy.Properties.PolicyName)
        const alarm = alarms.find((a) =>
          JSON.stringify(a.Properties.AlarmActions ?? []).includes(
            name.includes('Lower') ? 'LowerPolicy' : 'UpperPolicy',
          ),
        )
        const threshold = Number(alarm?.Properties.Threshold)
        const lower = name.includes('Lower')
        if (lower ? backlog > threshold : backlog <= threshold) continue
        const config = policy.Properties.StepScalingPolicyConfiguration as {
          AdjustmentType: string
          StepAdjustments: Array<{
            MetricIntervalLowerBound?: number
            MetricIntervalUpperBound?: number
            ScalingAdjustment: number
          }>
        }
        expect(config.AdjustmentType).toBe('ExactCapacity')
        const delta = backlog - threshold
        const step = config.StepAdjustments.find(
          (s) =>
            (s.MetricIntervalLowerBound ?? -Infinity) <= delta &&
            delta <= (s.MetricIntervalUpperBound ?? Infinity),
        )
        return step?.ScalingAdjustment
      }
      return undefined
    }
    expect([0, 1, 2, 3, 4, 50].map(desiredFor)).toEqual([0, 1, 2, 3, 3, 3])

    const twoJobs = Template.fromStack(
      new WorkerStack(new App(), 'TwoPerWorker', { jobsPerWorker: 2 }),
    )
    const steps = Object.values(
      twoJobs.findResources('AWS::ApplicationAutoScaling::ScalingPolicy') as Resources,
    ).flatMap(
      (p) =>
        (p.Properties.StepScalingPolicyConfiguration as { StepAdjustments: unknown[] })
          .StepAdjustments,
    )
    expect(steps).toHaveLength(4)
  })

  it('scales on waiting plus in-flight messages, so a running job keeps its worker', () => {
    wasabi.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'visible + inflight' }),
        Match.objectLike({
          Id: 'visible',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'ApproximateNumberOfMessagesVisible' }),
          }),
        }),
        Match.objectLike({
          Id: 'inflight',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'ApproximateNumberOfMessagesNotVisible' }),
          }),
        }),
      ]),
    })
  })
})

describe('worker task', () => {
  it('needs one GPU, stops within 120 s and logs to CloudWatch', () => {
    wasabi.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['EC2'],
      ContainerDefinitions: [
        Match.objectLike({
          ResourceRequirements: [{ Type: 'GPU', Value: '1' }],
          StopTimeout: 120,
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
          Environment: Match.arrayWith([
            { Name: 'SQS_QUEUE_URL', Value: Match.anyValue() },
            { Name: 'WORKER_STOP_TIMEOUT_SECONDS', Value: '100' },
          ]),
          Secrets: Match.arrayWith([Match.objectLike({ Name: 'SUPABASE_DB_URL' })]),
        }),
      ],
    })
  })

  it('documents the IPv4 pooler URL the worker needs in its secret', () => {
    wasabi.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'rugbycodex/worker',
      Description: Match.stringLikeRegexp(
        'postgres://postgres\\.<ref>:<password>@aws-0-<region>\\.pooler\\.supabase\\.com:5432/postgres\\?sslmode=require',
      ),
    })
  })

  it('gives the task role its queue and nothing else when media is on Wasabi', () => {
    const statements = statementsOf(wasabi, 'WorkerTaskRole')
    expect(statements).toHaveLength(1)
    expect(statements[0]).toMatchObject({
      // SendMessage: a spot hand-back re-sends the job as a fresh message (no receive spent).
      Action: [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:GetQueueAttributes',
        'sqs:SendMessage',
      ],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^TranscodeQueue/), 'Arn'] },
    })
  })

  it('gives the task role only the media keys it reads and writes when the bucket is on AWS', () => {
    const statements = statementsOf(onAws, 'WorkerTaskRole')
    const serialized = JSON.stringify(statements)
    expect(serialized).not.toContain('"*"')
    expect(serialized).not.toContain('s3:*')
    expect(serialized).not.toContain('s3:DeleteObject')
    const get = statements.find((s) => JSON.stringify(s.Action) === '"s3:GetObject"')
    expect(JSON.stringify(get?.Resource)).toContain('/orgs/*/media/*/original/*')
    const put = statements.find((s) => JSON.stringify(s.Action).includes('s3:PutObject'))
    expect(JSON.stringify(put?.Resource)).toMatch(/hls\/\*.*poster\.jpg.*storyboard\/\*/)
    expect(JSON.stringify(put?.Resource)).not.toContain('original')
    onAws.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ Secrets: [Match.objectLike({ Name: 'SUPABASE_DB_URL' })] }),
      ],
    })
  })
})

describe('storage', () => {
  it('aborts incomplete multipart uploads and allows the SPA to upload parts when the bucket is on AWS', () => {
    onAws.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'rc-media',
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            Status: 'Enabled',
          }),
        ],
      },
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({ AllowedOrigins: ['https://app.example'], ExposedHeaders: ['ETag'] }),
        ],
      },
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
    })
    wasabi.resourceCountIs('AWS::S3::Bucket', 0)
  })
})

describe('alarms (SCALE-9)', () => {
  it('alarms on the DLQ, a stale job, a backlog without workers, CPU > 80 % for 5 min and memory > 90 %', () => {
    const byName = (name: string) =>
      Object.values(wasabi.findResources('AWS::CloudWatch::Alarm') as Resources).find(
        (a) => a.Properties.AlarmName === name,
      )?.Properties
    expect(byName('rugbycodex-transcode-dlq-not-empty')).toMatchObject({
      Threshold: 1,
      EvaluationPeriods: 1,
    })
    expect(byName('rugbycodex-transcode-oldest-job-30min')).toMatchObject({
      Threshold: 1800,
      MetricName: 'ApproximateAgeOfOldestMessage',
    })
    expect(byName('rugbycodex-transcode-backlog-no-workers')).toMatchObject({
      Threshold: 1,
      EvaluationPeriods: 15,
    })
    expect(byName('rugbycodex-transcoder-cpu-80')).toMatchObject({
      Threshold: 80,
      EvaluationPeriods: 5,
      Period: 60,
      MetricName: 'CPUUtilization',
      ComparisonOperator: 'GreaterThanThreshold',
    })
    expect(byName('rugbycodex-transcoder-memory-90')).toMatchObject({
      Threshold: 90,
      MetricName: 'MemoryUtilization',
    })
    for (const name of ['rugbycodex-transcode-dlq-not-empty', 'rugbycodex-transcoder-cpu-80']) {
      expect(JSON.stringify(byName(name)?.AlarmActions)).toMatch(/Alerts/)
    }
    wasabi.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@rugbycodex.com',
    })
    wasabi.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ TimeUnit: 'MONTHLY' }),
    })
  })

  it('lets the edge functions only send to the queue', () => {
    const statements = statementsOf(wasabi, 'EdgeDispatchUser')
    expect(statements).toEqual([
      expect.objectContaining({
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^TranscodeQueue/), 'Arn'] },
      }),
    ])
  })
})

describe('cdk synth', () => {
  it('synthesizes with the CDK CLI and no network or credentials', async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-cdk-'))
    try {
      await run(
        path.join(awsDir, 'node_modules/.bin/cdk'),
        ['synth', '--no-notices', '--quiet', '--no-version-reporting', '-o', out],
        {
          cwd: awsDir,
          timeout: 110_000,
          env: {
            PATH: process.env.PATH,
            HOME: out,
            CDK_DISABLE_VERSION_CHECK: '1',
            CDK_DISABLE_CLI_TELEMETRY: 'true',
            // Unroutable: any attempt to reach AWS or the internet fails instead of passing silently.
            HTTPS_PROXY: 'http://127.0.0.1:9',
            HTTP_PROXY: 'http://127.0.0.1:9',
            AWS_EC2_METADATA_DISABLED: 'true',
          },
        },
      )
      const template = JSON.parse(
        await fs.readFile(path.join(out, 'RugbyCodexWorkers.template.json'), 'utf8'),
      ) as {
        Resources: Resources
      }
      const types = new Set(Object.values(template.Resources).map((r) => r.Type))
      const images = JSON.parse(
        await fs.readFile(path.join(out, 'RugbyCodexImages.template.json'), 'utf8'),
      ) as { Resources: Resources }
      expect(Object.values(images.Resources).map((r) => r.Type)).toContain('AWS::ECR::Repository')
      for (const t of [
        'AWS::ECS::Service',
        'AWS::SQS::Queue',
        'AWS::AutoScaling::AutoScalingGroup',
      ]) {
        expect(types.has(t), t).toBe(true)
      }
    } finally {
      await fs.rm(out, { recursive: true, force: true })
    }
  })
})
