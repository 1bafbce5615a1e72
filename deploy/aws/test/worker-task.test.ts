import { Match, type Template } from 'aws-cdk-lib/assertions'
import { beforeAll, describe, expect, it } from 'vitest'
import { statementsOf, templates, type Resources } from './templates'

// SCALE-7 / SCALE-9: assertions on the synthesized CloudFormation of the GPU worker stack — the
// worker task and its role, the media bucket, the alarms and the budget.
let wasabi: Template
let onAws: Template

beforeAll(() => {
  ;({ wasabi, onAws } = templates())
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
    // MEDIA-6: the worker writes each clip's MP4 below exports/ (contracts/keys.ts).
    expect(JSON.stringify(put?.Resource)).toContain('/orgs/*/media/*/exports/*')
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
