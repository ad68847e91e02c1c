import { Duration } from "aws-cdk-lib";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { PREFIXES } from "../shared/storage/s3-layout.js";

/**
 * How long a replaced or deleted object's old version is kept: a week under index/, where the indexer rewrites the
 * manifest and an open shard on every update (each rewrite would otherwise keep a copy for good), and a month
 * elsewhere, time enough to restore an upload, model or result overwritten by mistake.
 */
export const NONCURRENT_VERSION_DAYS = { index: 7, elsewhere: 30 } as const;

/** A multipart upload still incomplete after this many days is aborted, and its parts deleted. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 1;

export interface BucketLifecycleProps {
  /** S3 deletes an upload this many days after it was written. @default uploads are kept */
  readonly uploadsRetentionDays?: number | null;
  /** S3 deletes a result (summary and artifacts) this many days after it was written. @default results are kept */
  readonly resultsRetentionDays?: number | null;
}

/**
 * The main bucket's lifecycle: old versions expire (sooner under index/), incomplete multipart uploads are
 * aborted, and uploads/ and results/ expire only when a retention is set. In a versioned bucket an expired object
 * becomes an old version behind a delete marker; the old version goes after {@link NONCURRENT_VERSION_DAYS} and
 * the marker, left alone, after it.
 */
export function bucketLifecycleRules(props: BucketLifecycleProps = {}): s3.LifecycleRule[] {
  const rules: s3.LifecycleRule[] = [
    {
      id: "AbortIncompleteMultipartUploads",
      abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_UPLOAD_DAYS),
    },
    {
      id: "ExpireOldVersions",
      noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS.elsewhere),
      expiredObjectDeleteMarker: true,
    },
    {
      id: "ExpireOldIndexVersions",
      prefix: PREFIXES.index,
      noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS.index),
    },
  ];
  const retained = [
    { id: "ExpireUploads", prefix: PREFIXES.uploads, days: props.uploadsRetentionDays },
    { id: "ExpireResults", prefix: PREFIXES.results, days: props.resultsRetentionDays },
  ];
  for (const { id, prefix, days } of retained) {
    if (days !== undefined && days !== null) rules.push({ id, prefix, expiration: Duration.days(days) });
  }
  return rules;
}
