import type { IndexRecord } from "../schema/index-record.js";
import type { Counts } from "../schema/manifest.js";
import type { ArtifactLinks } from "./artifact-links.js";
import { PAGE_SCRIPT } from "./page-script.js";
import { PAGE_STYLE } from "./page-style.js";
import { reportData, type ReportData } from "./report-data.js";
import { reportPlots } from "./report-plots.js";
import { escapeHtml } from "./svg-charts.js";

/** What a report is built from. */
export interface ReportInput {
  readonly records: readonly IndexRecord[];
  /** The manifest's totals. */
  readonly totals: Counts;
  /** The manifest's revision (see manifestRevision), stamped in the page. */
  readonly revision: number;
  readonly links: ArtifactLinks;
  readonly generatedAt: Date;
  /** @default "cnn-lens report" */
  readonly title?: string;
}

/**
 * The results report: one self-contained HTML page (style, script, plots and data inline; no request leaves for
 * anything but the images it links) with the summary plots, a paged and filterable gallery, and a detail view of
 * every image's explanations.
 */
export function reportPage(input: ReportInput): string {
  const data = reportData(input);
  const title = escapeHtml(input.title ?? "cnn-lens report");
  const statuses = Object.entries(input.totals.byStatus)
    .map(([status, count]) => `${count} ${escapeHtml(status)}`)
    .join(", ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cnn-lens">
<meta name="cnn-lens-revision" content="${data.revision}">
<title>${title}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<span class="meta">${data.images.length} images${statuses ? ` (${statuses})` : ""} · index revision ${data.revision} · generated ${escapeHtml(data.generatedAt)}</span>
</header>
<main>
<section id="summary"><h2>Summary</h2><div class="plots">
${reportPlots(input.records)}
</div></section>
<section id="images"><h2>Images</h2>
<div class="filters">
<label>predicted <select id="filter-label"><option value="">any</option></select></label>
<label>actual <select id="filter-actual"><option value="">any</option></select></label>
<label>status <select id="filter-status"><option value="">any</option><option value="1">explained</option><option value="0">failed</option></select></label>
<label><input type="checkbox" id="filter-misclassified"> misclassified only</label>
<label>name <input type="search" id="filter-search" placeholder="part of the key"></label>
<label>sort <select id="sort"><option value="key">by name</option><option value="least-confident">least confident first</option><option value="completeness-error">largest IG error first</option><option value="processing-time">slowest first</option></select></label>
<strong id="count"></strong>
</div>
${pager("top")}
<div id="gallery"></div>
${pager("bottom")}
</section>
</main>
<div id="detail" hidden></div>
<script type="application/json" id="report-data">${embedJson(data)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function pager(where: string): string {
  return `<div class="pager"><button type="button" data-page="previous">‹ previous</button><span id="page-${where}"></span><button type="button" data-page="next">next ›</button></div>`;
}

/** JSON that cannot close its script element or be read as markup. */
function embedJson(data: ReportData): string {
  return JSON.stringify(data).replace(/</g, "\\u003c");
}
