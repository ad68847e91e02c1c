import type { S3Client } from "@aws-sdk/client-s3";
import { BUCKET_LINKS } from "../../shared/report/artifact-links.js";
import { reportDataScript, reportShardData } from "../../shared/report/report-data.js";
import { reportDataKey, shardKey } from "../../shared/storage/s3-layout.js";
import { headObject, isConditionLost, putObject } from "../../shared/storage/s3-objects.js";
import type { Deadline } from "./deadline.js";
import { readShard, shardRevision } from "../../shared/index/record-shard.js";

/**
 * Brings shard `n`'s data file (index/report-data/part-NNNNN.js) up to the shard's revision, unless it already is:
 * `revision` when the manifest gave it, else read from the shard's metadata. The data file records the revision
 * it shows and is replaced only by a later one (If-Match), so refreshes running at once never move it backwards.
 * Returns whether it wrote the file.
 */
export async function drawShard(options: {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly shard: number;
  readonly revision?: number;
  readonly deadline: Deadline;
}): Promise<boolean> {
  const { s3, bucket, shard, deadline } = options;
  const key = reportDataKey(shard);
  for (let race = 0; ; race++) {
    const [drawn, wanted] = await Promise.all([
      headObject(s3, bucket, key),
      options.revision ?? shardRevision(s3, bucket, shardKey(shard)),
    ]);
    const drawnRevision = drawn ? Number(drawn.metadata.revision ?? "-1") : -1;
    if (wanted === undefined || drawnRevision >= wanted) return false;
    const stored = await readShard(s3, bucket, shardKey(shard));
    if (!stored || drawnRevision >= stored.revision) return false;
    const data = reportShardData({
      shard,
      revision: stored.revision,
      records: stored.records,
      links: BUCKET_LINKS,
    });
    try {
      await putObject(
        s3,
        {
          Bucket: bucket,
          Key: key,
          Body: reportDataScript(data),
          ContentType: "text/javascript; charset=utf-8",
          CacheControl: "no-cache",
          Metadata: { revision: String(stored.revision) },
        },
        drawn ? { ifMatch: drawn.etag } : { ifAbsent: true },
      );
      return true;
    } catch (error) {
      if (!isConditionLost(error)) throw error;
      await deadline.backoff(race, `writing ${key}`);
    }
  }
}
