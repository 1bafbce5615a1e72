// SCALE-8: the worker image repository, in a stack of its own. The image is built and pushed to it
// before the workers stack is deployed (deploy/aws/deploy.sh), so CloudFormation never points the
// ECS service at a tag that does not exist yet; the workers stack imports it by name.
import { CfnOutput, RemovalPolicy, Stack, type StackProps, aws_ecr as ecr } from 'aws-cdk-lib'
import type { Construct } from 'constructs'

export const TRANSCODER_REPOSITORY = 'rugbycodex-transcoder'

export class ImageRepositoryStack extends Stack {
  readonly repository: ecr.Repository

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props)
    this.repository = new ecr.Repository(this, 'TranscoderRepository', {
      repositoryName: TRANSCODER_REPOSITORY,
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ description: 'keep the last 20 images', maxImageCount: 20 }],
    })
    new CfnOutput(this, 'RepositoryUri', { value: this.repository.repositoryUri })
  }
}
