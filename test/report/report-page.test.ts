import { describe, expect, it } from "vitest";
import { BUCKET_LINKS, LOCAL_LINKS, signedLinks } from "../../shared/report/artifact-links.js";
import { reportData, type ReportData } from "../../shared/report/report-data.js";
import { reportPage } from "../../shared/report/report-page.js";
import { IndexRecordSchema, type IndexRecord } from "../../shared/schema/index-record.js";
import { countRecords } from "../../shared/schema/manifest.js";
import { syntheticRecord } from "../fixtures/records.js";

const GENERATED_AT = new Date("2026-01-02T03:04:05Z");

function page(records: readonly IndexRecord[], links = LOCAL_LINKS): string {
  return reportPage({
    records,
    totals: countRecords(records),
    revision: 9,
    links,
    generatedAt: GENERATED_AT,
  });
}

function embedded(html: string): ReportData {
  const match = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html);
  if (!match) throw new Error("no embedded data");
  return JSON.parse(match[1]) as ReportData;
}

describe("reportPage", () => {
  it("holds 10,000 images in a few MB, with no external URL", () => {
    const records = Array.from({ length: 10_000 }, (_, i) => syntheticRecord(i));
    const started = performance.now();
    const html = page(records);
    const ms = performance.now() - started;
    console.log(`10,000 images: ${(html.length / 1e6).toFixed(2)} MB of HTML, built in ${ms.toFixed(0)} ms`);
    expect(html.length).toBeLessThan(6e6);
    expect(html).not.toMatch(/https?:\/\/|src="\/\//);
    const data = embedded(html);
    expect(data.images).toHaveLength(10_000);
    expect(data.layouts.length).toBeLessThan(20);
    expect(data.revision).toBe(9);
  });

  it("embeds keys that look like markup without letting them end the script", () => {
    const record = { ...syntheticRecord(1), key: "uploads/</script><img src=x onerror=alert(1)>.png" };
    const html = page([record]);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(embedded(html).images[0].k).toBe("</script><img src=x onerror=alert(1)>.png");
  });
});

describe("reportData", () => {
  it("links relative to a local copy, or to the bucket for index/report.html", () => {
    const record = { ...syntheticRecord(0), key: "uploads/dir with space/a+b.jpg" };
    const input = {
      records: [record],
      totals: countRecords([record]),
      revision: 1,
      generatedAt: GENERATED_AT,
    };
    expect(reportData({ ...input, links: LOCAL_LINKS }).images[0].b).toBe("dir%20with%20space/a%2Bb.jpg/");
    expect(reportData({ ...input, links: BUCKET_LINKS }).images[0].b).toBe(
      "../results/dir%20with%20space/a%2Bb.jpg/",
    );
  });

  it("signs every artifact the detail view shows when links are per object", () => {
    const record = syntheticRecord(0);
    const data = reportData({
      records: [record],
      totals: countRecords([record]),
      revision: 1,
      links: signedLinks((key) => `signed:${key}`),
      generatedAt: GENERATED_AT,
    });
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
    const data = reportData({
      records: [parsed],
      totals: countRecords([parsed]),
      revision: 1,
      links: LOCAL_LINKS,
      generatedAt: GENERATED_AT,
    });
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
    const data = reportData({
      records,
      totals: countRecords(records),
      revision: 1,
      links: LOCAL_LINKS,
      generatedAt: GENERATED_AT,
    });
    const explained = records.filter((r) => r.status === "explained");
    const targetSets = new Set(explained.map((r) => r.explainedTargets.join(",")));
    expect(data.layouts).toHaveLength(targetSets.size);
    expect(new Set(data.labels).size).toBe(data.labels.length);
    const failed = data.images.filter((image) => image.s === 0);
    expect(failed.length).toBe(records.length - explained.length);
    expect(failed.every((image) => image.l === null && image.r?.startsWith("bad-input"))).toBe(true);
  });
});
