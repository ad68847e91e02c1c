import type { S3Client } from "@aws-sdk/client-s3";
import { shouldRegenerateReport } from "../../shared/report/regeneration.js";
import { reportPage } from "../../shared/report/report-page.js";
import { reportStateMetadata, reportStateOf, type ReportState } from "../../shared/report/report-state.js";
import { REPORT_KEY } from "../../shared/storage/s3-layout.js";
import { headObject, isConditionLost, putObject } from "../../shared/storage/s3-objects.js";
import { Deadline } from "./deadline.js";
import { IndexStore } from "./index-store.js";
import { drawShard } from "./report-data-file.js";
import { refreshPlan } from "./report-plan.js";

/** A refresh given no deadline stops drawing data files after this long, and the next refresh goes on. */
export const REPORT_REFRESH_BUDGET_MS = 20_000;
/** Time kept back from the deadline to write the page. */
const PAGE_MARGIN_MS = 2_000;
/** Data files drawn at once (each holds one shard in memory). */
const DRAWS_AT_ONCE = 4;

/** What a refresh did. */
export interface ReportRefresh {
  readonly generated: boolean;
  /** The manifest revision now reflected by index/report.html (or, if not, the one it will reflect next). */
  readonly revision: number;
  /** Whether index/report.html and its data files reflect the manifest as read. */
  readonly upToDate: boolean;
  /** Data files this refresh wrote. */
  readonly dataFiles: number;
}

/**
 * Regenerates the report when {@link shouldRegenerateReport} says so (or always, with `force`): the data file of
 * every shard changed since the last report (see refreshPlan), then index/report.html, drawn from the manifest's
 * totals and stamped with what it drew (report-state.ts). Its time and memory depend on what changed, not on the
 * index's size; work left at the deadline is left to the next refresh, which then runs without waiting out the
 * minute. The page is written with If-Match, so of two refreshes at once only one records its state.
 */
export async function refreshReport(options: {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly now?: Date;
  readonly force?: boolean;
  /** @default REPORT_MIN_INTERVAL_MS */
  readonly minIntervalMs?: number;
  /** @default REPORT_REFRESH_BUDGET_MS from now */
  readonly deadline?: Deadline;
}): Promise<ReportRefresh> {
  const { s3, bucket, now = new Date() } = options;
  const deadline = options.deadline ?? Deadline.after(REPORT_REFRESH_BUDGET_MS);
  const { manifest } = await new IndexStore(s3, bucket, { deadline }).readManifestForWrite(deadline);
  const { revision, shardCount } = manifest;
  const head = await headObject(s3, bucket, REPORT_KEY);
  const last = reportStateOf(head?.metadata);
  if (
    !options.force &&
    !shouldRegenerateReport({ now, revision, last, minIntervalMs: options.minIntervalMs })
  ) {
    return {
      generated: false,
      revision,
      upToDate: last?.revision === revision && last.complete,
      dataFiles: 0,
    };
  }

  const plan = refreshPlan(manifest, last);
  const timeLeft = () => deadline.remainingMs() > PAGE_MARGIN_MS;
  let dataFiles = 0;
  const draw = async (shards: readonly { shard: number; revision?: number }[]) => {
    const drawn = await Promise.all(shards.map((shard) => drawShard({ s3, bucket, ...shard, deadline })));
    dataFiles += drawn.filter(Boolean).length;
  };
  let changedDrawn = 0;
  while (changedDrawn < plan.changed.length && timeLeft()) {
    await draw(plan.changed.slice(changedDrawn, changedDrawn + DRAWS_AT_ONCE));
    changedDrawn += DRAWS_AT_ONCE;
  }
  const listedDone = changedDrawn >= plan.changed.length;
  let swept = plan.sweepFrom;
  while (listedDone && swept < shardCount && timeLeft()) {
    const next = Math.min(shardCount, swept + DRAWS_AT_ONCE);
    await draw(Array.from({ length: next - swept }, (_, i) => ({ shard: swept + i })));
    swept = next;
  }
  const complete = listedDone && swept >= shardCount;
  const state: ReportState = {
    revision: listedDone ? revision : (last?.revision ?? 0),
    generatedAt: now,
    sweepFrom: complete ? Math.max(0, shardCount - 1) : swept,
    complete,
  };
  try {
    await putObject(
      s3,
      {
        Bucket: bucket,
        Key: REPORT_KEY,
        Body: reportPage({
          totals: manifest.totals,
          revision,
          shardCount,
          generatedAt: now,
          catchingUp: !complete,
        }),
        ContentType: "text/html; charset=utf-8",
        CacheControl: "no-cache",
        Metadata: reportStateMetadata(state),
      },
      head ? { ifMatch: head.etag } : { ifAbsent: true },
    );
  } catch (error) {
    // Another refresh wrote the page since it was read; its state stands, and the next refresh starts from it.
    if (!isConditionLost(error)) throw error;
    return { generated: false, revision, upToDate: false, dataFiles };
  }
  return { generated: true, revision, upToDate: complete, dataFiles };
}
