import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/** Where and how to reach an S3-compatible API. Credentials default to the AWS SDK chain (env). */
export interface S3ClientOptions {
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  credentials?: S3ClientConfig['credentials'];
}

/**
 * An S3Client that sends checksums only where the API requires them: with the SDK's default
 * (aws-chunked bodies with trailing checksums) some S3-compatible servers, s3rver among them,
 * store the chunk framing as object data and report success.
 */
export function createS3Client(options: S3ClientOptions): S3Client {
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    credentials: options.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
