import type { ReportState } from "../../shared/report/report-state.js";
import { combineTotals, type Totals } from "../../shared/schema/index-totals.js";
import type { Manifest, ShardEntry } from "../../shared/schema/manifest.js";
import { shardKey, shardNumber } from "../../shared/storage/s3-layout.js";

/** A shard's state as written: its key, its revision and the totals of its records. */
export interface ShardState {
  readonly key: string;
  readonly revision: number;
  readonly totals: Totals;
}

/**
 * The manifest once a shard's new state is counted: `counted` is what the manifest counted for the shard until
 * now (its entry, its kept shard totals, or nothing), so the totals move by the difference, exactly.
 */
export function withShard(manifest: Manifest, shard: ShardState, counted: Totals, now: Date): Manifest {
  const revision = manifest.revision + 1;
  const entry: ShardEntry = { ...shard, changedAt: revision };
  return {
    ...manifest,
    updatedAt: now.toISOString(),
    revision,
    shardCount: Math.max(manifest.shardCount, shardNumber(shard.key) + 1),
    totals: combineTotals(combineTotals(manifest.totals, counted, -1), shard.totals),
    recent: [...manifest.recent.filter((candidate) => candidate.key !== shard.key), entry].sort((a, b) =>
      a.key.localeCompare(b.key),
    ),
  };
}

/** How many shards the manifest lists: it drops some past `soft`, and never lists more than `hard`. */
export interface RecentLimits {
  readonly soft: number;
  readonly hard: number;
}

/** Which entries to drop from `recent`, and the manifest's `unrendered` note afterwards. */
export interface Eviction {
  readonly evict: readonly ShardEntry[];
  readonly unrendered: Manifest["unrendered"];
}

/**
 * What to drop from a manifest listing more than `limits.soft` shards. Never the last shard (it takes new images),
 * nor `counting`, the shard whose new state this very update counts: its kept totals would then run ahead of the
 * manifest should the update lose its race or fail.
 * Dropped freely: shards the report has drawn since their last change, and shards from the report's `sweepFrom`
 * on (its next refresh compares those with their data files anyway). Past `limits.hard`, also the oldest of the
 * rest. Every dropped shard the report may not have drawn lowers `unrendered`, so the next refresh looks from there.
 */
export function evictionOf(
  manifest: Manifest,
  report: ReportState | undefined,
  limits: RecentLimits,
  counting?: string,
): Eviction {
  const absorbed = (at: number) => report !== undefined && at <= report.revision;
  const kept = manifest.unrendered && !absorbed(manifest.unrendered.at) ? manifest.unrendered : null;
  if (manifest.recent.length <= limits.soft) return { evict: [], unrendered: kept };
  const open = shardKey(Math.max(0, manifest.shardCount - 1));
  const candidates = manifest.recent
    .filter((entry) => entry.key !== open && entry.key !== counting)
    .sort((a, b) => a.changedAt - b.changedAt || a.key.localeCompare(b.key));
  const free = (entry: ShardEntry) =>
    absorbed(entry.changedAt) || shardNumber(entry.key) >= (report?.sweepFrom ?? 0);
  const evict = candidates.filter(free);
  const rest = candidates.filter((entry) => !free(entry));
  const over = manifest.recent.length - evict.length - limits.hard;
  if (over > 0) evict.push(...rest.slice(0, over));
  const undrawn = evict.filter((entry) => !absorbed(entry.changedAt)).map((entry) => shardNumber(entry.key));
  if (undrawn.length === 0) return { evict, unrendered: kept };
  return {
    evict,
    unrendered: { shard: Math.min(...undrawn, kept?.shard ?? Infinity), at: manifest.revision },
  };
}

/** The manifest without the evicted entries, with its new `unrendered` note. */
export function withoutEvicted(manifest: Manifest, eviction: Eviction): Manifest {
  const gone = new Set(eviction.evict.map((entry) => entry.key));
  return {
    ...manifest,
    recent: manifest.recent.filter((entry) => !gone.has(entry.key)),
    unrendered: eviction.unrendered,
  };
}
