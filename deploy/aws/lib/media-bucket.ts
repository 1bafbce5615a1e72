// The media bucket, when media lives on AWS S3 rather than Wasabi: private, encrypted, kept on
// stack deletion, and open to the SPA's origin only for the presigned PUT/GET/HEAD it makes.
import { Duration, RemovalPolicy, aws_s3 as s3 } from 'aws-cdk-lib'
import type { Construct } from 'constructs'

export function mediaBucket(scope: Construct, bucketName: string | undefined, webOrigin: string) {
  return new s3.Bucket(scope, 'MediaBucket', {
    bucketName,
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
        allowedOrigins: [webOrigin],
        allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
        allowedHeaders: ['*'],
        // The browser must read each part's ETag to complete the multipart upload.
        exposedHeaders: ['ETag'],
        maxAge: 3600,
      },
    ],
  })
}
