import type { Totals } from "../schema/index-totals.js";
import { REPORT_DATA_NAME } from "../storage/s3-layout.js";
import { PAGE_SCRIPT } from "./page-script.js";
import { PAGE_STYLE } from "./page-style.js";
import { REPORT_DATA_VERSION } from "./report-data.js";
import { reportPlots } from "./report-plots.js";
import { escapeHtml } from "./svg-charts.js";

/** What the report's page is built from: the index's totals and how many shards (gallery pages) it has. */
export interface ReportPageInput {
  readonly totals: Totals;
  /** The manifest's revision (see manifestRevision), stamped in the page. */
  readonly revision: number;
  /** The number of shards, each a page of the gallery with its own data file. */
  readonly shardCount: number;
  readonly generatedAt: Date;
  /** @default "cnn-lens report" */
  readonly title?: string;
  /** Whether some data files may lag the index (a refresh ran out of time; the next one goes on). @default false */
  readonly catchingUp?: boolean;
}

/** What the page's script reads from the page itself; the images are in the data files. */
export interface ReportSummary {
  readonly version: typeof REPORT_DATA_VERSION;
  readonly generatedAt: string;
  readonly revision: number;
  /** Images in the index. */
  readonly images: number;
  /** Gallery pages: one per shard, each with its data file. */
  readonly pages: number;
  /** The labels the filters offer. */
  readonly labels: { readonly predicted: readonly string[]; readonly actual: readonly string[] };
  /** How data files are named, relative to the page (see reportDataFile). */
  readonly dataFile: typeof REPORT_DATA_NAME;
  readonly catchingUp: boolean;
}

/**
 * The results report's page: the summary plots, drawn from the totals, and a gallery whose pages load their data
 * file (one per shard, JSONP) when shown, so the page's size and the cost of building it do not grow with the
 * index. Style, script and plots are inline; no request leaves for anything but the data files beside it and the
 * images they link, so a copy works offline, opened from a folder.
 */
export function reportPage(input: ReportPageInput): string {
  const { totals } = input;
  const summary: ReportSummary = {
    version: REPORT_DATA_VERSION,
    generatedAt: input.generatedAt.toISOString(),
    revision: input.revision,
    images: totals.records,
    pages: input.shardCount,
    labels: {
      predicted: Object.keys(totals.byPredictedLabel).sort(),
      actual: Object.keys(totals.byActualLabel).sort(),
    },
    dataFile: REPORT_DATA_NAME,
    catchingUp: input.catchingUp ?? false,
  };
  const title = escapeHtml(input.title ?? "cnn-lens report");
  const statuses = Object.entries(totals.byStatus)
    .map(([status, count]) => `${count} ${escapeHtml(status)}`)
    .join(", ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cnn-lens">
<meta name="cnn-lens-revision" content="${summary.revision}">
<title>${title}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<span class="meta">${totals.records} images${statuses ? ` (${statuses})` : ""} · index revision ${summary.revision} · generated ${escapeHtml(summary.generatedAt)}${summary.catchingUp ? " · some pages are still being redrawn" : ""}</span>
</header>
<main>
<section id="summary"><h2>Summary</h2><div class="plots">
${reportPlots(totals)}
</div></section>
<section id="images"><h2>Images</h2>
<div class="filters">
<label>predicted <select id="filter-label"><option value="">any</option></select></label>
<label>actual <select id="filter-actual"><option value="">any</option></select></label>
<label>status <select id="filter-status"><option value="">any</option><option value="1">explained</option><option value="0">failed</option></select></label>
<label><input type="checkbox" id="filter-misclassified"> misclassified only</label>
<label>name <input type="search" id="filter-search" placeholder="part of the key"></label>
<label>sort <select id="sort"><option value="key">by name, page by page</option><option value="least-confident">least confident first</option><option value="completeness-error">largest IG error first</option><option value="processing-time">slowest first</option></select></label>
<strong id="count"></strong>
</div>
${pager("top")}
<div id="gallery"></div>
${pager("bottom")}
</section>
</main>
<div id="detail" hidden></div>
<script type="application/json" id="report-data">${embedJson(summary)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function pager(where: string): string {
  return `<div class="pager"><button type="button" data-page="previous">‹ previous</button><span id="page-${where}"></span><button type="button" data-page="next">next ›</button></div>`;
}

/** JSON that cannot close its script element or be read as markup. */
function embedJson(data: ReportSummary): string {
  return JSON.stringify(data).replace(/</g, "\\u003c");
}
