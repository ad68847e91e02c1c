import { describe, expect, it } from "vitest";
import {
  ABORT_INCOMPLETE_UPLOAD_DAYS,
  bucketLifecycleRules,
  NONCURRENT_VERSION_DAYS,
} from "../../infra/bucket-lifecycle.js";
import { ATHENA_RESULTS_DAYS, ATHENA_RESULTS_PREFIX } from "../../infra/index-table.js";
import { MANIFEST_KEY, PREFIXES, RECORDS_PREFIX, shardKey } from "../../shared/storage/s3-layout.js";
import { buildStack } from "./stack-fixture.js";

interface Rule {
  Id: string;
  Status: string;
  Prefix?: string;
  ExpirationInDays?: number;
  ExpiredObjectDeleteMarker?: boolean;
  NoncurrentVersionExpiration?: { NoncurrentDays: number };
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation: number };
}

/** The main bucket's lifecycle rules in the synthesized cloud stack. */
function mainBucketRules(context: Record<string, unknown> = {}): { versioning: unknown; rules: Rule[] } {
  const { template, stack, logicalId } = buildStack(context);
  const bucket = template.toJSON().Resources[logicalId(stack.storage.bucket)] as {
    Properties: { VersioningConfiguration: unknown; LifecycleConfiguration: { Rules: Rule[] } };
  };
  return {
    versioning: bucket.Properties.VersioningConfiguration,
    rules: bucket.Properties.LifecycleConfiguration.Rules,
  };
}

/** The days after which a key's old versions go: the shortest of the enabled rules whose prefix it has. */
function noncurrentDays(rules: readonly Rule[], key: string): number | undefined {
  const days = rules
    .filter((rule) => rule.Status === "Enabled" && key.startsWith(rule.Prefix ?? ""))
    .flatMap((rule) => rule.NoncurrentVersionExpiration?.NoncurrentDays ?? []);
  return days.length > 0 ? Math.min(...days) : undefined;
}

/** The days after which a key's current version expires, if any rule says. */
function expirationDays(rules: readonly Rule[], key: string): number | undefined {
  const days = rules
    .filter((rule) => rule.Status === "Enabled" && key.startsWith(rule.Prefix ?? ""))
    .flatMap((rule) => rule.ExpirationInDays ?? []);
  return days.length > 0 ? Math.min(...days) : undefined;
}

describe("the main bucket's lifecycle", () => {
  it("keeps the bucket versioned, and old versions a week under index/ and a month elsewhere", () => {
    const { versioning, rules } = mainBucketRules();
    expect(versioning).toEqual({ Status: "Enabled" });
    for (const key of [MANIFEST_KEY, shardKey(12), `${PREFIXES.index}report.html`]) {
      expect({ key, days: noncurrentDays(rules, key) }).toEqual({ key, days: NONCURRENT_VERSION_DAYS.index });
    }
    for (const key of ["uploads/a.png", "models/default/model.json", "results/a.png/summary.json"]) {
      expect({ key, days: noncurrentDays(rules, key) }).toEqual({
        key,
        days: NONCURRENT_VERSION_DAYS.elsewhere,
      });
    }
    expect(NONCURRENT_VERSION_DAYS.index).toBeLessThan(NONCURRENT_VERSION_DAYS.elsewhere);
    expect(RECORDS_PREFIX.startsWith(PREFIXES.index)).toBe(true);
  });

  it("aborts incomplete multipart uploads anywhere after a day, and removes delete markers left alone", () => {
    const { rules } = mainBucketRules();
    const abort = rules.filter((rule) => rule.AbortIncompleteMultipartUpload);
    expect(abort).toEqual([
      {
        Id: "AbortIncompleteMultipartUploads",
        Status: "Enabled",
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
      },
    ]);
    expect(ABORT_INCOMPLETE_UPLOAD_DAYS).toBe(1);
    expect(rules.filter((rule) => rule.ExpiredObjectDeleteMarker).map((rule) => rule.Prefix)).toEqual([
      undefined,
    ]);
  });

  it("keeps uploads and results by default: only Athena's query results expire", () => {
    const { rules } = mainBucketRules();
    expect(expirationDays(rules, "uploads/a.png")).toBeUndefined();
    expect(expirationDays(rules, "results/a.png/summary.json")).toBeUndefined();
    expect(expirationDays(rules, MANIFEST_KEY)).toBeUndefined();
    expect(expirationDays(rules, `${ATHENA_RESULTS_PREFIX}query-1.csv`)).toBe(ATHENA_RESULTS_DAYS);
  });

  it("expires uploads and results after the retention days set, and nothing else", () => {
    const { rules } = mainBucketRules({
      "cnn-lens:uploadsRetentionDays": 14,
      "cnn-lens:resultsRetentionDays": "90",
    });
    expect(expirationDays(rules, "uploads/leaves/a.png")).toBe(14);
    expect(expirationDays(rules, "results/leaves/a.png/ig/rust/mask.png")).toBe(90);
    expect(expirationDays(rules, "models/default/model.json")).toBeUndefined();
    expect(expirationDays(rules, shardKey(0))).toBeUndefined();
  });
});

describe("bucketLifecycleRules", () => {
  it("adds an expiry rule only for the retentions that are set", () => {
    const ids = (props: Parameters<typeof bucketLifecycleRules>[0]) =>
      bucketLifecycleRules(props).map((rule) => rule.id);
    const always = ["AbortIncompleteMultipartUploads", "ExpireOldVersions", "ExpireOldIndexVersions"];
    expect(ids({})).toEqual(always);
    expect(ids({ uploadsRetentionDays: null, resultsRetentionDays: null })).toEqual(always);
    expect(ids({ uploadsRetentionDays: 7 })).toEqual([...always, "ExpireUploads"]);
    expect(ids({ resultsRetentionDays: 7 })).toEqual([...always, "ExpireResults"]);
  });
});
