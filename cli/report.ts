import { parseArgs } from "node:util";
import type { S3Client } from "@aws-sdk/client-s3";
import { IndexReader } from "../shared/index/index-reader.js";
import { LOCAL_LINKS, signedLinks, type ArtifactLinks } from "../shared/report/artifact-links.js";
import { manifestRevision } from "../shared/report/regeneration.js";
import { writeReportFolder, type ReportShard } from "../shared/report/report-folder.js";
import type { IndexRecord } from "../shared/schema/index-record.js";
import type { AwsConnection } from "../shared/storage/aws-connection.js";
import { s3Client } from "../shared/storage/s3-client.js";
import { shardKey } from "../shared/storage/s3-layout.js";
import { MAX_PRESIGN_SECONDS, objectLocation, presignGetUrl } from "../shared/storage/presigned-url.js";
import { copyResults } from "./download-results.js";
import { findDeployment } from "./local/deployment.js";
import { UsageError } from "./usage-error.js";
import { mapLimit } from "../shared/map-limit.js";

export const REPORT_USAGE = `usage: cnn-lens report [--out DIR] [--presign [--expires SECONDS]]

Builds the results report, DIR/report.html (default DIR: out) with its data files in DIR/report-data/, from the
records, shard by shard. By default it copies every indexed image's results into DIR, as cnn-lens fetch does
(files already there and up to date are kept), and links them relatively, so the folder works offline. With
--presign it copies nothing and links each artifact by a presigned URL instead, valid for --expires seconds
(default 3600, at most ${MAX_PRESIGN_SECONDS}); the data files then grow by about 10 KB per image (more with session credentials).`;

const COPIES_AT_ONCE = 8;

/** `cnn-lens report`. */
export async function reportCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: "string", default: "out" },
      presign: { type: "boolean", default: false },
      expires: { type: "string" },
    },
  });
  if (values.expires !== undefined && !values.presign) throw new UsageError("--expires goes with --presign");
  const expiresSeconds = Number(values.expires ?? 3600);
  if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > MAX_PRESIGN_SECONDS)
    throw new UsageError(`--expires must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS}`);
  const { aws, outputs } = await findDeployment(process.env);
  const s3 = s3Client(aws);
  const links = values.presign ? await presignedLinks(s3, aws, outputs.bucket, expiresSeconds) : undefined;
  const file = await writeLocalReport(s3, outputs.bucket, values.out, links, ({ downloaded, present }) =>
    console.error(`results: ${downloaded} files downloaded, ${present} already present in ${values.out}`),
  );
  console.log(file);
  return 0;
}

/** How many result files a local report copied, and how many were already up to date in its folder. */
export interface CopyCounts {
  readonly downloaded: number;
  readonly present: number;
}

/**
 * Writes `<out>/report.html` and its data files for the whole index, one shard at a time, and returns the page's
 * absolute path. Without `links` it copies each shard's images' results into `out` (skipping files already there
 * and up to date), reports the counts to `onCopied`, and links them relatively.
 */
export async function writeLocalReport(
  s3: S3Client,
  bucket: string,
  out: string,
  links?: ArtifactLinks,
  onCopied?: (counts: CopyCounts) => void,
): Promise<string> {
  const store = new IndexReader(s3, bucket);
  const { manifest } = await store.readManifest();
  const copied = { downloaded: 0, present: 0 };
  async function* shards(): AsyncGenerator<ReportShard> {
    for (let shard = 0; shard < manifest.shardCount; shard++) {
      const stored = await store.readShardWithRevision(shardKey(shard));
      const records = stored?.records ?? [];
      if (!links) {
        const counts = await copyAllResults(s3, bucket, records, out);
        copied.downloaded += counts.downloaded;
        copied.present += counts.present;
      }
      yield { shard, revision: stored?.revision ?? 0, records };
    }
  }
  const file = await writeReportFolder(out, {
    shards: shards(),
    revision: manifestRevision(manifest),
    links: links ?? LOCAL_LINKS,
    generatedAt: new Date(),
  });
  if (!links) onCopied?.(copied);
  return file;
}

async function copyAllResults(
  s3: S3Client,
  bucket: string,
  records: readonly IndexRecord[],
  out: string,
): Promise<CopyCounts> {
  const copies = await mapLimit(records, COPIES_AT_ONCE, (record) =>
    copyResults(s3, bucket, record.key, out),
  );
  return {
    downloaded: copies.reduce((sum, copied) => sum + copied.downloaded, 0),
    present: copies.reduce((sum, copied) => sum + copied.present, 0),
  };
}

async function presignedLinks(
  s3: S3Client,
  aws: AwsConnection,
  bucket: string,
  expiresSeconds: number,
): Promise<ArtifactLinks> {
  const credentials = await s3.config.credentials();
  const now = new Date();
  const warning = presignExpiryWarning(credentials, expiresSeconds, now);
  if (warning) console.error(warning);
  return signedLinks((key) =>
    presignGetUrl({
      location: objectLocation(bucket, key, aws),
      region: aws.region,
      credentials,
      expiresSeconds,
      now,
    }),
  );
}

/**
 * A warning when the links would outlive the credentials that sign them (SSO or assumed-role sessions): a
 * presigned URL stops working when its credentials expire, whatever `--expires` says.
 */
export function presignExpiryWarning(
  credentials: { readonly expiration?: Date },
  expiresSeconds: number,
  now: Date,
): string | undefined {
  const { expiration } = credentials;
  if (!expiration || expiration.getTime() >= now.getTime() + expiresSeconds * 1000) return undefined;
  return (
    `warning: --expires ${expiresSeconds} asks for links valid until ${new Date(now.getTime() + expiresSeconds * 1000).toISOString()}, ` +
    `but the credentials that sign them expire at ${expiration.toISOString()}; the links stop working then. ` +
    `Use long-lived credentials or a shorter --expires.`
  );
}
