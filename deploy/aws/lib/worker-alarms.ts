// Queue-driven scaling of the worker service, the CloudWatch alarms of SCALE-9 (risk 3:
// transcoding capacity) and the monthly budget warning (risk 6: cost overrun).
import {
  Duration,
  aws_applicationautoscaling as appscaling,
  aws_autoscaling as autoscaling,
  aws_budgets as budgets,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cwActions,
  aws_ecs as ecs,
  aws_sns as sns,
  aws_sqs as sqs,
} from 'aws-cdk-lib'
import type { Construct } from 'constructs'

const RUNBOOK = 'Runbook: deploy/runbooks/03-aws-transcoding-capacity.md'
/** Every metric here is read per minute. */
const perMinute = (statistic: 'Maximum' | 'Average' = 'Maximum') => ({
  period: Duration.minutes(1),
  statistic,
})

/**
 * Backlog = waiting + in-progress messages (a worker holds its message until the job is done), so
 * the service never scales in under a running job. Exact-capacity steps give
 * ceil(backlog / jobsPerWorker) workers, capped, and zero when the queue is empty.
 */
export function scaleOnBacklog(
  service: ecs.Ec2Service,
  queue: sqs.Queue,
  maxWorkers: number,
  jobsPerWorker: number,
) {
  const backlog = new cloudwatch.MathExpression({
    label: 'transcode backlog',
    expression: 'visible + inflight',
    usingMetrics: {
      visible: queue.metricApproximateNumberOfMessagesVisible(perMinute()),
      inflight: queue.metricApproximateNumberOfMessagesNotVisible(perMinute()),
    },
    period: Duration.minutes(1),
  })
  const scaling = service.autoScaleTaskCount({ minCapacity: 0, maxCapacity: maxWorkers })
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
}

interface AlarmSpec {
  id: string
  name: string
  /** What happened; the runbook is appended. */
  what: string
  metric: cloudwatch.IMetric
  threshold: number
  /** At or above the threshold (counts), or strictly above it (levels). */
  atLeast: boolean
  evaluationPeriods: number
}

export function workerAlarms(
  scope: Construct,
  targets: {
    alerts: sns.Topic
    queue: sqs.Queue
    deadLetterQueue: sqs.Queue
    asg: autoscaling.AutoScalingGroup
    service: ecs.Ec2Service
  },
) {
  const { queue, service } = targets
  const specs: AlarmSpec[] = [
    {
      id: 'DlqNotEmpty',
      name: 'rugbycodex-transcode-dlq-not-empty',
      what: 'A transcode job failed three times.',
      metric: targets.deadLetterQueue.metricApproximateNumberOfMessagesVisible(perMinute()),
      threshold: 1,
      atLeast: true,
      evaluationPeriods: 1,
    },
    {
      id: 'OldestJobWaiting',
      name: 'rugbycodex-transcode-oldest-job-30min',
      what: 'A job has waited 30 minutes for a worker.',
      metric: queue.metricApproximateAgeOfOldestMessage(perMinute()),
      threshold: 1800,
      atLeast: false,
      evaluationPeriods: 5,
    },
    {
      id: 'BacklogWithoutWorkers',
      name: 'rugbycodex-transcode-backlog-no-workers',
      what: 'Jobs are queued but no GPU instance came up in 15 minutes (spot capacity or vCPU quota).',
      metric: new cloudwatch.MathExpression({
        expression: 'IF(backlog > 0 AND instances == 0, 1, 0)',
        usingMetrics: {
          backlog: queue.metricApproximateNumberOfMessagesVisible(perMinute()),
          instances: new cloudwatch.Metric({
            namespace: 'AWS/AutoScaling',
            metricName: 'GroupInServiceInstances',
            dimensionsMap: { AutoScalingGroupName: targets.asg.autoScalingGroupName },
            ...perMinute(),
          }),
        },
        period: Duration.minutes(1),
      }),
      threshold: 1,
      atLeast: true,
      evaluationPeriods: 15,
    },
    // The plan's server thresholds, applied to the workers: CPU > 80 % for 5 minutes, memory > 90 %.
    {
      id: 'WorkerCpuHigh',
      name: 'rugbycodex-transcoder-cpu-80',
      what: 'Worker CPU above 80 % for 5 minutes (NVENC should carry the encode).',
      metric: service.metricCpuUtilization(perMinute('Average')),
      threshold: 80,
      atLeast: false,
      evaluationPeriods: 5,
    },
    {
      id: 'WorkerMemoryHigh',
      name: 'rugbycodex-transcoder-memory-90',
      what: 'Worker memory above 90 % of its reservation.',
      metric: service.metricMemoryUtilization(perMinute()),
      threshold: 90,
      atLeast: false,
      evaluationPeriods: 3,
    },
  ]
  const action = new cwActions.SnsAction(targets.alerts)
  for (const spec of specs) {
    const alarm = new cloudwatch.Alarm(scope, spec.id, {
      alarmName: spec.name,
      alarmDescription: `${spec.what} ${RUNBOOK}`,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.atLeast
        ? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
        : cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: spec.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    })
    alarm.addAlarmAction(action)
  }
}

/** A monthly AWS budget warning at 80 % actual and 100 % forecast spend. */
export function monthlyBudget(scope: Construct, email: string, amountUsd: number) {
  const subscribers = [{ subscriptionType: 'EMAIL', address: email }]
  const over = (notificationType: 'ACTUAL' | 'FORECASTED', threshold: number) => ({
    notification: {
      notificationType,
      comparisonOperator: 'GREATER_THAN',
      threshold,
      thresholdType: 'PERCENTAGE',
    },
    subscribers,
  })
  new budgets.CfnBudget(scope, 'MonthlyBudget', {
    budget: {
      budgetName: 'rugbycodex-monthly',
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      budgetLimit: { amount: amountUsd, unit: 'USD' },
    },
    notificationsWithSubscribers: [over('ACTUAL', 80), over('FORECASTED', 100)],
  })
}
