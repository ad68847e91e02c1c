import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import sharp from "sharp";

/**
 * `npm run docs:figures`: redraws the README's figures from the results of `npm start` (in `out/`): one sample
 * beside its explanations, its conv2 activation grid, and screenshots of the report's gallery and detail view.
 * Usage: tsx docs/make-figures.ts [SAMPLE] (default complex-1.jpg); CHROMIUM_PATH overrides /usr/bin/chromium.
 */

const OUT = resolve("out");
const DOCS = resolve("docs");
const TILE = 256;
const GAP = 6;

async function explanationsFigure(sample: string, targets: readonly string[]): Promise<void> {
  const dir = join(OUT, sample);
  const tiles = [
    join(dir, "input.png"),
    ...targets.map((label) => join(dir, "ig", label, "overlay.png")),
    join(dir, "gradcam", targets[0], "overlay.png"),
  ];
  const images = await Promise.all(
    tiles.map((file) => sharp(file).resize(TILE, TILE, { kernel: "nearest" }).png().toBuffer()),
  );
  const width = images.length * (TILE + GAP) - GAP;
  await sharp({ create: { width, height: TILE, channels: 3, background: "#ffffff" } })
    .composite(images.map((input, i) => ({ input, left: i * (TILE + GAP), top: 0 })))
    .png()
    .toFile(join(DOCS, "sample-explanations.png"));
  await sharp(join(dir, "activations", "01-conv2.png"))
    .resize({ width: 16 * 32 * 2, kernel: "nearest" })
    .png()
    .toFile(join(DOCS, "sample-activations-conv2.png"));
}

async function reportScreenshots(sample: string): Promise<void> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const browser = await chromium.launch({ executablePath });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(join(OUT, "report.html")).href);
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: join(DOCS, "report.png") });
    await page.locator(`#gallery .card[data-key="${sample}"]`).click();
    await page.locator("#detail").waitFor({ state: "visible" });
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: join(DOCS, "report-detail.png") });
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const sample = process.argv[2] ?? "complex-1.jpg";
  const summaryFile = join(OUT, sample, "summary.json");
  if (!existsSync(summaryFile)) throw new Error(`no ${summaryFile}: run npm start first`);
  const summary = (await import(pathToFileURL(summaryFile).href, { with: { type: "json" } })).default as {
    integratedGradients: { label: string }[];
  };
  const targets = summary.integratedGradients.map((target) => target.label).filter((l) => l !== "complex");
  await explanationsFigure(sample, targets.slice(0, 2));
  await reportScreenshots(sample);
  console.log(`figures for ${sample} (IG ${targets.slice(0, 2).join(", ")}) written to ${DOCS}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
