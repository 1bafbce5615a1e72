// The GPU fleet: a VPC without NAT, an ECS cluster, and 0–N mixed spot/on-demand GPU instances
// behind a capacity provider that ECS scales and drains.
import {
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
} from 'aws-cdk-lib'
import type { Construct } from 'constructs'

export const WORKER_INSTANCE_TYPES = ['g4dn.xlarge', 'g4dn.2xlarge', 'g5.xlarge'] as const

export interface GpuFleet {
  cluster: ecs.Cluster
  asg: autoscaling.AutoScalingGroup
  capacityProvider: ecs.AsgCapacityProvider
}

export function gpuFleet(scope: Construct, maxWorkers: number): GpuFleet {
  // Public subnets and no NAT gateway: the workers only make outbound calls, and a NAT gateway
  // would cost more than the idle fleet (which is zero).
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 3,
    natGateways: 0,
    subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 20 }],
  })
  const workerSg = new ec2.SecurityGroup(scope, 'WorkerSg', {
    vpc,
    description: 'GPU workers: outbound only',
    allowAllOutbound: true,
  })

  const cluster = new ecs.Cluster(scope, 'Cluster', { clusterName: 'rugbycodex-cluster', vpc })

  const launchTemplate = new ec2.LaunchTemplate(scope, 'GpuLaunchTemplate', {
    machineImage: ecs.EcsOptimizedImage.amazonLinux2023(ecs.AmiHardwareType.GPU),
    instanceType: new ec2.InstanceType(WORKER_INSTANCE_TYPES[0]),
    userData: ec2.UserData.forLinux(),
    role: new iam.Role(scope, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
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

  const asg = new autoscaling.AutoScalingGroup(scope, 'GpuAsg', {
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

  const capacityProvider = new ecs.AsgCapacityProvider(scope, 'GpuCapacityProvider', {
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
  return { cluster, asg, capacityProvider }
}
