import type { S3Client } from "@aws-sdk/client-s3";
import { BUCKET_LINKS } from "../../shared/report/artifact-links.js";
import {
  manifestRevision,
  shouldRegenerateReport,
  type LastReport,
} from "../../shared/report/regeneration.js";
import { reportPage } from "../../shared/report/report-page.js";
import { REPORT_KEY } from "../../shared/storage/s3-layout.js";
import { headObject, putObject } from "../../shared/storage/s3-objects.js";
import { IndexStore } from "./index-store.js";

/** What a refresh did. */
export interface ReportRefresh {
  readonly generated: boolean;
  /** The manifest revision now reflected by index/report.html (or, if not, the one it will reflect next). */
  readonly revision: number;
  /** Whether index/report.html reflects the manifest as read. */
  readonly upToDate: boolean;
}

/**
 * Regenerates index/report.html from the manifest and the records when {@link shouldRegenerateReport} says so
 * (or always, with `force`). The report is stamped with its revision and time in its metadata, so every indexer,
 * local or in the cloud, throttles against the same last report.
 */
export async function refreshReport(options: {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly now?: Date;
  readonly force?: boolean;
  /** @default REPORT_MIN_INTERVAL_MS */
  readonly minIntervalMs?: number;
}): Promise<ReportRefresh> {
  const { s3, bucket, now = new Date() } = options;
  const store = new IndexStore(s3, bucket);
  const { manifest } = await store.readManifest();
  const revision = manifestRevision(manifest);
  const last = lastReportOf((await headObject(s3, bucket, REPORT_KEY))?.metadata);
  if (
    !options.force &&
    !shouldRegenerateReport({ now, revision, last, minIntervalMs: options.minIntervalMs })
  ) {
    return { generated: false, revision, upToDate: last?.revision === revision };
  }
  const records = await store.readRecords(manifest);
  const html = reportPage({
    records,
    totals: manifest.totals,
    revision,
    links: BUCKET_LINKS,
    generatedAt: now,
  });
  await putObject(s3, {
    Bucket: bucket,
    Key: REPORT_KEY,
    Body: html,
    ContentType: "text/html; charset=utf-8",
    CacheControl: "no-cache",
    Metadata: { revision: String(revision), "generated-at": now.toISOString() },
  });
  return { generated: true, revision, upToDate: true };
}

function lastReportOf(metadata: Record<string, string> | undefined): LastReport | undefined {
  const revision = Number(metadata?.revision);
  const generatedAt = new Date(metadata?.["generated-at"] ?? "");
  if (!Number.isInteger(revision) || Number.isNaN(generatedAt.getTime())) return undefined;
  return { revision, generatedAt };
}
