import { z } from "zod";

/**
 * What the last refresh of index/report.html drew, kept in the page's own S3 metadata, so that it is written in
 * the same conditional PUT as the page, and every indexer and refresh, local or in the cloud, reads the same.
 */
export interface ReportState {
  /** Every change to the index up to this manifest revision is drawn, except in shards from `sweepFrom` on. */
  readonly revision: number;
  readonly generatedAt: Date;
  /** The next refresh compares every shard from this one on with its data file (the last shard, when caught up). */
  readonly sweepFrom: number;
  /** Whether that refresh finished; if not, the next one goes on without waiting out the minute. */
  readonly complete: boolean;
}

const integer = z.string().regex(/^\d+$/).transform(Number);

/** The metadata of index/report.html; pages from before the data files carry only the first two. */
const MetadataSchema = z.object({
  revision: integer,
  "generated-at": z.iso.datetime().transform((text) => new Date(text)),
  "sweep-from": integer.optional(),
  complete: z.enum(["true", "false"]).optional(),
});

/**
 * The state in a page's metadata, or undefined when there is no page or its metadata is not a report's. A page
 * from before the data files existed has none drawn, so its sweep starts at shard 0.
 */
export function reportStateOf(metadata: Record<string, string> | undefined): ReportState | undefined {
  const parsed = MetadataSchema.safeParse(metadata ?? {});
  if (!parsed.success) return undefined;
  const value = parsed.data;
  return {
    revision: value.revision,
    generatedAt: value["generated-at"],
    sweepFrom: value["sweep-from"] ?? 0,
    complete: value.complete !== "false",
  };
}

/** The metadata that records `state` on the page. */
export function reportStateMetadata(state: ReportState): Record<string, string> {
  return {
    revision: String(state.revision),
    "generated-at": state.generatedAt.toISOString(),
    "sweep-from": String(state.sweepFrom),
    complete: String(state.complete),
  };
}
