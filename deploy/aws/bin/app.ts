// `cdk synth` / `cdk deploy` entry. Settings come from CDK context (-c key=value or cdk.json).
import { App } from 'aws-cdk-lib'
import { ImageRepositoryStack } from '../lib/image-repository-stack'
import { WorkerStack, type WorkerStackProps } from '../lib/worker-stack'

const app = new App()
const ctx = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key)
  return typeof value === 'string' && value !== '' ? value : undefined
}
const num = (key: string): number | undefined => {
  const value = ctx(key)
  return value === undefined ? undefined : Number(value)
}

const bucketOnAws = ctx('mediaBucketOnAws') === 'true'
const media: WorkerStackProps['media'] = bucketOnAws
  ? { kind: 'aws', bucketName: ctx('mediaBucketName') }
  : {
      kind: 'wasabi',
      endpoint: ctx('s3Endpoint') ?? 'https://s3.wasabisys.com',
      bucket: ctx('mediaBucketName') ?? 'rugbycodex-media',
      region: ctx('s3Region') ?? 'us-east-1',
    }

// Without credentials (offline synth) the stacks stay environment-agnostic.
const env = process.env.CDK_DEFAULT_ACCOUNT
  ? {
      account: process.env.CDK_DEFAULT_ACCOUNT,
      region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
    }
  : undefined

// Deployed first; deploy/aws/deploy.sh pushes the image to it before the workers stack.
new ImageRepositoryStack(app, 'RugbyCodexImages', {
  env,
  description: 'RugbyCodex worker image repository (SCALE-8)',
})

new WorkerStack(app, 'RugbyCodexWorkers', {
  env,
  description: 'RugbyCodex GPU transcode workers (SCALE-7)',
  imageTag: ctx('imageTag'),
  media,
  webOrigin: ctx('webOrigin'),
  alertEmail: ctx('alertEmail'),
  maxWorkers: num('maxWorkers'),
  jobsPerWorker: num('jobsPerWorker'),
  monthlyBudgetUsd: num('monthlyBudgetUsd'),
})
