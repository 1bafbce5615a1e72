import { App } from 'aws-cdk-lib'
import { Match, Template } from 'aws-cdk-lib/assertions'
import { beforeAll, describe, expect, it } from 'vitest'
import { ImageRepositoryStack, TRANSCODER_REPOSITORY } from '../lib/image-repository-stack'
import { WORKER_INSTANCE_TYPES, WorkerStack } from '../lib/worker-stack'
import { templates, type Resources } from './templates'

// SCALE-7: assertions on the synthesized CloudFormation of the GPU worker stack — the image, the
// GPU fleet, the queue and queue-driven scaling.
let wasabi: Template

beforeAll(() => {
  ;({ wasabi } = templates())
})

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
