import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHARD_CAPACITY } from "../../functions/indexer/index-store.js";
import { LOCAL_LINKS } from "../../shared/report/artifact-links.js";
import { PAGE_SIZE } from "../../shared/report/page-script.js";
import { shardsOf, writeReportFolder } from "../../shared/report/report-folder.js";
import type { IndexRecord } from "../../shared/schema/index-record.js";
import { reportDataFile } from "../../shared/storage/s3-layout.js";
import { syntheticRecord } from "../fixtures/records.js";
import { localResults, type LocalResults } from "./local-results.js";

/** Headless Chromium: the Debian package, as CI installs it (.ci/run), or CHROMIUM_PATH. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = join(import.meta.dirname, "../../test-artifacts");
const IMAGES = 4;

let browser: Browser;
let results: LocalResults;
let reportUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH; the report tests need a real browser`,
    );
  }
  browser = await chromium.launch({ executablePath: CHROMIUM });
  results = await localResults(IMAGES);
  reportUrl = pathToFileURL(await reportFolder(results.folder, results.records, 5)).href;
  await mkdir(ARTIFACTS, { recursive: true });
});

/** A report of `records` in `folder` (shards of SHARD_CAPACITY, as the indexer fills them); the page's path. */
function reportFolder(folder: string, records: readonly IndexRecord[], revision: number): Promise<string> {
  return writeReportFolder(folder, {
    shards: shardsOf(records, SHARD_CAPACITY),
    revision,
    links: LOCAL_LINKS,
    generatedAt: new Date(),
  });
}

afterAll(async () => {
  await browser?.close();
});

/** A page that records console errors, uncaught exceptions, failed requests and every URL requested. */
async function watchedPage(): Promise<{ page: Page; errors: string[]; requested: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requested: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()}`));
  page.on("request", (request) => requested.push(request.url()));
  return { page, errors, requested };
}

const cards = (page: Page) => page.locator("#gallery .card");

describe("the report in Chromium", () => {
  it("ignores a malformed #image= fragment instead of throwing", async () => {
    const { page, errors } = await watchedPage();
    await page.goto(`${reportUrl}#image=100%.jpg`);
    await expect.poll(() => cards(page).count()).toBe(IMAGES + 1);
    expect(await page.locator("#detail").isVisible()).toBe(false);
    await page.evaluate(() => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = "image=%E0%A4%A";
    });
    await page.waitForTimeout(100);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows every image, filters the gallery, and opens a detail view whose images all load", async () => {
    const { page, errors, requested } = await watchedPage();
    await page.goto(reportUrl);
    await expect.poll(() => cards(page).count()).toBe(IMAGES + 1);
    expect(await page.textContent("#count")).toBe(`${IMAGES + 1} of ${IMAGES + 1} images`);
    expect(await page.locator("#summary svg").count()).toBe(3);
    expect(await page.locator("#summary table.confusion tbody tr").count()).toBeGreaterThan(0);
    const thumbnails = page.locator("#gallery .card img");
    await expect
      .poll(() =>
        thumbnails.evaluateAll((images) =>
          images.every((image) => (image as unknown as { complete: boolean; naturalWidth: number }).complete),
        ),
      )
      .toBe(true);
    expect(
      await thumbnails.evaluateAll((images) =>
        images.map((image) => (image as unknown as { complete: boolean; naturalWidth: number }).naturalWidth),
      ),
    ).toEqual(Array(IMAGES).fill(32));
    await page.screenshot({ path: join(ARTIFACTS, "report.png"), fullPage: true });

    await page.check("#filter-misclassified");
    const misclassified = results.records.filter((record) => record.misclassified === true);
    expect(misclassified.length).toBe(IMAGES - 1);
    await expect.poll(() => cards(page).count()).toBe(misclassified.length);
    expect(await page.textContent("#count")).toBe(`${IMAGES - 1} of ${IMAGES + 1} images`);
    await page.uncheck("#filter-misclassified");
    await page.selectOption("#filter-status", "0");
    await expect.poll(() => cards(page).count()).toBe(1);
    expect(await cards(page).first().getAttribute("data-key")).toBe("leaves/broken.png");
    await page.selectOption("#filter-status", "");

    const explained = results.records.find(
      (record) => record.status === "explained" && record.misclassified === false,
    );
    await page.locator(`#gallery .card[data-key="${explained?.key.slice("uploads/".length)}"]`).click();
    const detail = page.locator("#detail");
    await expect.poll(() => detail.isVisible()).toBe(true);
    const explanations = explained?.explanations;
    const targets = explanations?.targets.length ?? 0;
    const layers = explanations?.activations.length ?? 0;
    const detailImages = detail.locator("img");
    // The input, then per target the IG overlay, mask, signed map, Grad-CAM overlay and heatmap, and the strip.
    expect(await detailImages.count()).toBe(1 + targets * 6 + layers);
    expect(layers).toBe(10);
    await expect
      .poll(() =>
        detailImages.evaluateAll((images) =>
          images.every((image) => (image as unknown as { complete: boolean; naturalWidth: number }).complete),
        ),
      )
      .toBe(true);
    const widths = await detailImages.evaluateAll((images) =>
      images.map((image) => (image as unknown as { complete: boolean; naturalWidth: number }).naturalWidth),
    );
    expect(widths.every((width) => width > 0)).toBe(true);
    expect(await detail.locator("h3").allTextContents()).toEqual(
      expect.arrayContaining(
        explanations?.targets.map((target) => expect.stringContaining(`Target ${target.label}`)) ?? [],
      ),
    );
    expect(await detail.textContent()).toContain(
      `top channels ${explanations?.activations[0].topChannels.join(", ")}`,
    );
    await page.screenshot({ path: join(ARTIFACTS, "report-detail.png") });
    await page.keyboard.press("Escape");
    await expect.poll(() => detail.isVisible()).toBe(false);

    expect(errors).toEqual([]);
    expect(requested.filter((url) => !url.startsWith("file://"))).toEqual([]);
  });

  it("stays usable with 10,000 images: a data file per page, loaded as the gallery pages, and filters over all", async () => {
    const records = Array.from({ length: 10_000 }, (_, i) => syntheticRecord(i));
    const pages = Math.ceil(10_000 / SHARD_CAPACITY);
    const file = await reportFolder(join(results.folder, "large"), records, 1);
    const { page, errors, requested } = await watchedPage();
    const dataFiles = () => requested.filter((url) => url.includes("/report-data/"));
    const started = Date.now();
    await page.goto(pathToFileURL(file).href);
    await expect.poll(() => cards(page).count()).toBe(SHARD_CAPACITY);
    const loadMs = Date.now() - started;
    expect(await page.textContent("#page-top")).toBe(`page 1 of ${pages}`);
    expect(dataFiles().map((url) => url.slice(url.indexOf("report-data/")))).toEqual([reportDataFile(0)]);
    expect(await page.locator("#gallery .card img").first().getAttribute("src")).toMatch(/thumbnail\.jpg$/);
    await page.locator("[data-page=next]").first().click();
    await expect.poll(() => page.textContent("#page-top")).toBe(`page 2 of ${pages}`);
    await expect
      .poll(() => cards(page).first().getAttribute("data-key"))
      .toBe(`batch-0/leaf-${String(SHARD_CAPACITY).padStart(5, "0")}.jpg`);
    expect(dataFiles()).toHaveLength(2);

    const filterStarted = Date.now();
    await page.selectOption("#filter-label", { label: "rust" });
    const expected = records.filter((record) => record.predictedLabels.includes("rust")).length;
    // A filter shows its first page as soon as it has one, searching on only as the pages need.
    await expect.poll(() => cards(page).count()).toBe(PAGE_SIZE);
    expect(await page.textContent("#count")).toMatch(/^\d+\+ of 10000 images \(searched \d+ of \d+ pages\)$/);
    await page.selectOption("#sort", "processing-time");
    await expect
      .poll(() => page.textContent("#count"), { timeout: 10_000 })
      .toBe(`${expected} of 10000 images`);
    const filterMs = Date.now() - filterStarted;
    expect(dataFiles()).toHaveLength(pages);
    const slowest = records
      .filter((record) => record.predictedLabels.includes("rust"))
      .sort((a, b) => (b.processingMs ?? 0) - (a.processingMs ?? 0) || (a.key < b.key ? -1 : 1))[0];
    expect(await cards(page).first().getAttribute("data-key")).toBe(slowest.key.slice("uploads/".length));
    console.log(
      `10,000 images: first page shown in ${loadMs} ms, label filter and sort over all in ${filterMs} ms`,
    );
    expect(loadMs).toBeLessThan(10_000);
    expect(filterMs).toBeLessThan(10_000);

    // A link to an image opens it from its page's data file; one without the page searches for it.
    const key = `batch-9/leaf-09999.jpg`;
    await page.goto(`${pathToFileURL(file).href}#page=${pages - 1}&image=${encodeURIComponent(key)}`);
    await expect.poll(() => page.locator("#detail h2").textContent()).toBe(key);
    await page.goto(`${pathToFileURL(file).href}#image=${encodeURIComponent("batch-5/leaf-05000.jpg")}`);
    await expect.poll(() => page.locator("#detail h2").textContent()).toBe("batch-5/leaf-05000.jpg");
    // The synthetic records have no images behind them; only failures to load those are expected.
    expect(errors.filter((error) => !/ERR_FILE_NOT_FOUND|request failed: file:/.test(error))).toEqual([]);
  });

  it("says so when a page's data file is not there yet", async () => {
    const { page } = await watchedPage();
    const file = await writeReportFolder(join(results.folder, "missing"), {
      shards: [{ shard: 1, revision: 1, records: [syntheticRecord(0)] }],
      revision: 1,
      links: LOCAL_LINKS,
      generatedAt: new Date(),
    });
    await page.goto(pathToFileURL(file).href);
    await expect.poll(() => page.locator("#gallery .note").textContent()).toContain(reportDataFile(0));
    await page.locator("[data-page=next]").first().click();
    await expect.poll(() => cards(page).count()).toBe(1);
  });
});
