import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { IndexRecord } from "../schema/index-record.js";
import { combineTotals, emptyTotals, totalsOf } from "../schema/index-totals.js";
import { REPORT_DATA_FOLDER, reportDataFile } from "../storage/s3-layout.js";
import type { ArtifactLinks } from "./artifact-links.js";
import { reportDataScript, reportShardData } from "./report-data.js";
import { reportPage } from "./report-page.js";

/** The report page's file name in a local folder. */
export const REPORT_FILE = "report.html";

/** One shard as the report draws it. */
export interface ReportShard {
  readonly shard: number;
  readonly revision: number;
  readonly records: readonly IndexRecord[];
}

/**
 * Writes a report to a local folder: `report.html` and one data file per shard under `report-data/`, the same
 * files the indexer keeps in the bucket. Shards are taken one at a time (memory holds one shard) and the totals
 * are summed from them; the page loads only the data files of the shards written (an earlier report's files of
 * later shards are never shown). Returns the page's absolute path.
 */
export async function writeReportFolder(
  out: string,
  options: {
    readonly shards: AsyncIterable<ReportShard> | Iterable<ReportShard>;
    readonly revision: number;
    readonly links: ArtifactLinks;
    readonly generatedAt: Date;
    readonly title?: string;
  },
): Promise<string> {
  await mkdir(join(out, REPORT_DATA_FOLDER), { recursive: true });
  let totals = emptyTotals();
  let shardCount = 0;
  for await (const { shard, revision, records } of options.shards) {
    const file = join(out, reportDataFile(shard));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(
      file,
      reportDataScript(reportShardData({ shard, revision, records, links: options.links })),
    );
    totals = combineTotals(totals, totalsOf(records));
    shardCount = Math.max(shardCount, shard + 1);
  }
  const page = resolve(join(out, REPORT_FILE));
  await writeFile(
    page,
    reportPage({
      totals,
      revision: options.revision,
      shardCount,
      generatedAt: options.generatedAt,
      title: options.title,
    }),
  );
  return page;
}

/** Records cut into shards of `size`, in order, as the indexer fills them (for reports made without an index). */
export function* shardsOf(records: readonly IndexRecord[], size: number): Generator<ReportShard> {
  for (let start = 0; start < records.length; start += size)
    yield { shard: start / size, revision: 1, records: records.slice(start, start + size) };
}
