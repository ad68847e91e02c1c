import type { ReportState } from "../../shared/report/report-state.js";
import type { Manifest } from "../../shared/schema/manifest.js";
import { shardNumber } from "../../shared/storage/s3-layout.js";

/** What a report refresh draws: data files of changed shards, then every shard from `sweepFrom` on, if stale. */
export interface RefreshPlan {
  /** Shards the manifest lists as changed since the last report (below the sweep), with the revision to draw. */
  readonly changed: readonly { readonly shard: number; readonly revision: number }[];
  /** Every shard from this one to the last is compared with its data file. */
  readonly sweepFrom: number;
}

/**
 * The refresh's work, bounded by what changed rather than by the index: the listed shards changed since the last
 * report, and the sweep from where the last report left it (the last shard, when it caught up), lowered to the
 * manifest's `unrendered` note when shards left the manifest undrawn since. Without a last report, the sweep
 * starts at shard 0.
 */
export function refreshPlan(manifest: Manifest, last: ReportState | undefined): RefreshPlan {
  const note = manifest.unrendered;
  const noted = note && (last === undefined || note.at > last.revision) ? note.shard : Infinity;
  const sweepFrom = Math.min(last?.sweepFrom ?? 0, noted, manifest.shardCount);
  const changed = manifest.recent
    .filter((entry) => last === undefined || entry.changedAt > last.revision)
    .map((entry) => ({ shard: shardNumber(entry.key), revision: entry.revision }))
    .filter((entry) => entry.shard < sweepFrom)
    .sort((a, b) => a.shard - b.shard);
  return { changed, sweepFrom };
}
