import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_LINKS } from "../../shared/report/artifact-links.js";
import { PAGE_SIZE } from "../../shared/report/page-script.js";
import { reportPage } from "../../shared/report/report-page.js";
import { countRecords } from "../../shared/schema/manifest.js";
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
  const file = join(results.folder, "report.html");
  const records = results.records;
  await writeFile(
    file,
    reportPage({
      records,
      totals: countRecords(records),
      revision: 5,
      links: LOCAL_LINKS,
      generatedAt: new Date(),
    }),
  );
  reportUrl = pathToFileURL(file).href;
  await mkdir(ARTIFACTS, { recursive: true });
});

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

  it("stays usable with 10,000 images: pages of thumbnails and fast filters", async () => {
    const records = Array.from({ length: 10_000 }, (_, i) => syntheticRecord(i));
    const file = join(results.folder, "large.html");
    await writeFile(
      file,
      reportPage({
        records,
        totals: countRecords(records),
        revision: 1,
        links: LOCAL_LINKS,
        generatedAt: new Date(),
      }),
    );
    const { page, errors } = await watchedPage();
    const started = Date.now();
    await page.goto(pathToFileURL(file).href);
    await expect.poll(() => cards(page).count()).toBe(PAGE_SIZE);
    const loadMs = Date.now() - started;
    expect(await page.textContent("#page-top")).toBe(`page 1 of ${Math.ceil(10_000 / PAGE_SIZE)}`);
    expect(await page.locator("#gallery .card img").first().getAttribute("src")).toMatch(/thumbnail\.jpg$/);
    await page.locator("[data-page=next]").first().click();
    expect(await page.textContent("#page-top")).toBe(`page 2 of ${Math.ceil(10_000 / PAGE_SIZE)}`);
    expect(await cards(page).first().getAttribute("data-key")).toBe(
      `batch-0/leaf-${String(PAGE_SIZE).padStart(5, "0")}.jpg`,
    );

    const filterStarted = Date.now();
    await page.selectOption("#filter-label", { label: "rust" });
    const expected = records.filter((record) => record.predictedLabels.includes("rust")).length;
    await expect.poll(() => page.textContent("#count")).toBe(`${expected} of 10000 images`);
    const filterMs = Date.now() - filterStarted;
    console.log(`10,000 images: page shown in ${loadMs} ms, label filter applied in ${filterMs} ms`);
    expect(loadMs).toBeLessThan(10_000);
    expect(filterMs).toBeLessThan(2_000);
    // The synthetic records have no images behind them; only failures to load those are expected.
    expect(errors.filter((error) => !/ERR_FILE_NOT_FOUND|request failed: file:/.test(error))).toEqual([]);
  });
});
