// The synthesized templates the worker-stack tests assert on, built once per test file.
import { App } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { WorkerStack } from '../lib/worker-stack'

export type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>

let built: { wasabi: Template; onAws: Template } | undefined
/** Media on Wasabi (the default) with alert mail, and media on AWS with the SPA's origin. */
export function templates() {
  built ??= {
    wasabi: Template.fromStack(
      new WorkerStack(new App(), 'Wasabi', { alertEmail: 'ops@rugbycodex.com' }),
    ),
    onAws: Template.fromStack(
      new WorkerStack(new App(), 'OnAws', {
        media: { kind: 'aws', bucketName: 'rc-media' },
        webOrigin: 'https://app.example',
      }),
    ),
  }
  return built
}

/** The IAM statements of the policies whose logical id starts with the role's (or user's). */
export function statementsOf(
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
