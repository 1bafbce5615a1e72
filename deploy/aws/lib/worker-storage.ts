// The media bucket, when it is on AWS (on Wasabi this stack creates none), and the task role's
// grants on exactly the keys the worker reads and writes.
import { Duration, RemovalPolicy, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib'
import type { Construct } from 'constructs'
import { ASSET_LAYOUT } from '../../../contracts/keys.ts'

export function mediaBucket(
  scope: Construct,
  options: { bucketName?: string; webOrigin?: string },
): s3.Bucket {
  return new s3.Bucket(scope, 'MediaBucket', {
    bucketName: options.bucketName,
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
        allowedOrigins: [options.webOrigin ?? 'https://rugbycodex.com'],
        allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
        allowedHeaders: ['*'],
        // The browser must read each part's ETag to complete the multipart upload.
        exposedHeaders: ['ETag'],
        maxAge: 3600,
      },
    ],
  })
}

/**
 * What the worker writes below an asset's prefix, from the layout it writes by
 * (contracts/keys.ts): the HLS ladder, poster, storyboard and each clip's MP4 (MEDIA-6).
 */
export const WORKER_WRITES = [
  `${ASSET_LAYOUT.hls}*`,
  ASSET_LAYOUT.poster,
  `${ASSET_LAYOUT.storyboard}*`,
  `${ASSET_LAYOUT.exports}*`,
] as const

/** The worker reads originals and writes renditions, poster, storyboard and clips; it deletes nothing. */
export function grantMediaKeys(role: iam.Role, bucket: s3.Bucket) {
  const objects = (suffix: string) => bucket.arnForObjects(`orgs/*/media/*/${suffix}`)
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [objects(`${ASSET_LAYOUT.original}*`)],
    }),
  )
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: WORKER_WRITES.map(objects),
    }),
  )
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': ['orgs/*'] } },
    }),
  )
}
