import { describe, expect, it } from "vitest";
import { BUCKET_LINKS, LOCAL_LINKS, signedLinks } from "../../shared/report/artifact-links.js";
import { reportDataScript, reportShardData } from "../../shared/report/report-data.js";
import { reportPage } from "../../shared/report/report-page.js";
import { IndexRecordSchema, type IndexRecord } from "../../shared/schema/index-record.js";
import { totalsOf } from "../../shared/schema/index-totals.js";
import { reportDataFile } from "../../shared/storage/s3-layout.js";
import { syntheticRecord } from "../fixtures/records.js";
import { dataFileContents, embeddedSummary } from "./report-files.js";

const GENERATED_AT = new Date("2026-01-02T03:04:05Z");

function page(records: readonly IndexRecord[], shardCount = 1): string {
  return reportPage({ totals: totalsOf(records), revision: 9, shardCount, generatedAt: GENERATED_AT });
}

function shardData(records: readonly IndexRecord[], links = LOCAL_LINKS) {
  return reportShardData({ shard: 0, revision: 1, records, links });
}

describe("reportPage", () => {
  it("does not grow with the index: the page of 10,000 images is the size of the page of 100", () => {
    const records = Array.from({ length: 10_000 }, (_, i) => syntheticRecord(i));
    const large = page(records, 79);
    const small = page(records.slice(0, 100));
    console.log(`page: ${small.length} bytes for 100 images, ${large.length} for 10,000`);
    expect(large.length / small.length).toBeLessThan(1.2);
    expect(large.length).toBeLessThan(60_000);
    expect(large).not.toMatch(/https?:\/\/|src="\/\//);
    expect(embeddedSummary(large)).toMatchObject({ images: 10_000, pages: 79, revision: 9 });
  });

  it("names its data files as the indexer writes them", () => {
    const { dataFile } = embeddedSummary(page([syntheticRecord(0)]));
    const name = (n: number) => dataFile.before + String(n).padStart(dataFile.digits, "0") + dataFile.after;
    for (const n of [0, 7, 12_345, 123_456]) expect(name(n)).toBe(reportDataFile(n));
  });

  it("embeds labels that look like markup without letting them end the script", () => {
    const label = "</script><img src=x onerror=alert(1)>";
    const record = { ...syntheticRecord(1), predictedLabels: [label] };
    const html = page([record]);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(embeddedSummary(html).labels.predicted).toEqual([label]);
  });
});

describe("reportDataScript", () => {
  it("hands the page a shard's data, keys that look like markup included, with no '<' in the script", () => {
    const record = { ...syntheticRecord(1), key: "uploads/</script><img src=x onerror=alert(1)>.png" };
    const script = reportDataScript(shardData([record]));
    expect(script).not.toContain("<");
    expect(dataFileContents(script).images[0].k).toBe("</script><img src=x onerror=alert(1)>.png");
  });

  it("keeps a full shard's data file small", () => {
    const script = reportDataScript(shardData(Array.from({ length: 128 }, (_, i) => syntheticRecord(i))));
    console.log(`data file of 128 images: ${script.length} bytes`);
    expect(script.length).toBeLessThan(128 * 1000);
  });
});

describe("reportShardData", () => {
  it("links relative to a local copy, or to the bucket for index/report.html", () => {
    const record = { ...syntheticRecord(0), key: "uploads/dir with space/a+b.jpg" };
    expect(shardData([record], LOCAL_LINKS).images[0].b).toBe("dir%20with%20space/a%2Bb.jpg/");
    expect(shardData([record], BUCKET_LINKS).images[0].b).toBe("../results/dir%20with%20space/a%2Bb.jpg/");
  });

  it("signs every artifact the detail view shows when links are per object", () => {
    const record = syntheticRecord(0);
    const data = shardData(
      [record],
      signedLinks((key) => `signed:${key}`),
    );
    const image = data.images[0];
    const layout = data.layouts[image.l ?? -1];
    const shown = [
      layout.input,
      layout.thumbnail,
      ...layout.targets.flatMap((t) => [...Object.values(t.ig), t.cam?.heatmap, t.cam?.overlay]),
      ...layout.layers.map((l) => l.grid),
    ];
    for (const path of shown)
      expect(image.u?.[path as string]).toBe(
        `signed:${record.summaryKey.replace("summary.json", "")}${path}`,
      );
    expect(image.b).toBeUndefined();
  });

  it("reads records indexed before explanations were recorded, deriving the artifact paths", () => {
    const current = syntheticRecord(0);
    const { explanations: _, ...old } = current;
    const parsed = IndexRecordSchema.parse(JSON.parse(JSON.stringify(old)));
    const data = shardData([parsed]);
    const layout = data.layouts[data.images[0].l ?? -1];
    expect(layout.thumbnail).toBe("input.png");
    expect(layout.targets.map((t) => t.ig)).toEqual(
      current.explanations?.targets.map((t) => t.integratedGradients),
    );
    expect(layout.layers).toEqual([]);
    expect(data.images[0].x).toEqual(current.explainedTargets.map(() => null));
  });

  it("shares one layout between images with the same targets and numbers labels once", () => {
    const records = Array.from({ length: 70 }, (_, i) => syntheticRecord(i));
    const data = shardData(records);
    const explained = records.filter((r) => r.status === "explained");
    const targetSets = new Set(explained.map((r) => r.explainedTargets.join(",")));
    expect(data.layouts).toHaveLength(targetSets.size);
    expect(new Set(data.labels).size).toBe(data.labels.length);
    const failed = data.images.filter((image) => image.s === 0);
    expect(failed.length).toBe(records.length - explained.length);
    expect(failed.every((image) => image.l === null && image.r?.startsWith("bad-input"))).toBe(true);
  });
});
