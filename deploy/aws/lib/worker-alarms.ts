// SCALE-9: the transcode workers' CloudWatch alarms (queue, capacity, CPU and memory) and the
// monthly cost budget, all notifying the alerts topic. Created in the worker stack's own scope, so
// their logical ids are those of the stack.
import {
  Duration,
  aws_autoscaling as autoscaling,
  aws_budgets as budgets,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cwActions,
  aws_ecs as ecs,
  aws_sqs as sqs,
} from 'aws-cdk-lib'
import type { Construct } from 'constructs'

export interface WorkerAlarmsProps {
  queue: sqs.Queue
  deadLetterQueue: sqs.Queue
  service: ecs.Ec2Service
  asg: autoscaling.AutoScalingGroup
  alertAction: cwActions.SnsAction
  alertEmail?: string
  monthlyBudgetUsd?: number
}

export function addWorkerAlarms(scope: Construct, p: WorkerAlarmsProps): void {
  // ---- Alarms (SCALE-9; risk 3: transcoding capacity) -----------------------------------------
  const alarm = (id: string, props: cloudwatch.AlarmProps) => {
    const a = new cloudwatch.Alarm(scope, id, props)
    a.addAlarmAction(p.alertAction)
    return a
  }
  alarm('DlqNotEmpty', {
    alarmName: 'rugbycodex-transcode-dlq-not-empty',
    alarmDescription:
      'A transcode job failed three times. Runbook: deploy/runbooks/03-aws-transcoding-capacity.md',
    metric: p.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
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
    metric: p.queue.metricApproximateAgeOfOldestMessage({
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
        backlog: p.queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        instances: new cloudwatch.Metric({
          namespace: 'AWS/AutoScaling',
          metricName: 'GroupInServiceInstances',
          dimensionsMap: { AutoScalingGroupName: p.asg.autoScalingGroupName },
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
    metric: p.service.metricCpuUtilization({
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
    metric: p.service.metricMemoryUtilization({
      period: Duration.minutes(1),
      statistic: 'Maximum',
    }),
    threshold: 90,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  })

  // Risk 6 (cost overrun): a monthly AWS budget warning at 80 % actual and 100 % forecast.
  if (p.alertEmail) {
    const subscribers = [{ subscriptionType: 'EMAIL', address: p.alertEmail }]
    new budgets.CfnBudget(scope, 'MonthlyBudget', {
      budget: {
        budgetName: 'rugbycodex-monthly',
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: p.monthlyBudgetUsd ?? 100, unit: 'USD' },
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
}
