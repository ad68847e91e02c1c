import { runReportPage, type ReportPageOptions } from "./page/run-report-page.js";
import { REPORT_DATA_CALLBACK } from "./report-data.js";

/** Cards per page of the gallery while a filter or a sort is on (unfiltered, a page is one shard's data file). */
export const PAGE_SIZE = 60;

/** Data files the page loads ahead while it searches them for a filter, and for a sort (which needs them all). */
const LOAD_AHEAD = { filter: 8, sort: 32 };

const OPTIONS: ReportPageOptions = {
  pageSize: PAGE_SIZE,
  loadAhead: LOAD_AHEAD,
  dataCallback: REPORT_DATA_CALLBACK,
};

/**
 * The report's script, inlined in the page: the source of {@link runReportPage}, as this process compiled it,
 * called with the constants it shares with the code that builds the page. The source is taken at run time
 * rather than at a build step, so the page needs no generated file and the indexer's bundle carries it as is.
 *
 * tsx, which runs the CLI, compiles with esbuild's `keepNames`: that names each inner function by a call of
 * `__name(fn, "name")`, a helper defined once per module, outside the function. The script defines a harmless
 * `__name` of its own, so that it needs nothing from outside itself; test/report/page-script.test.ts runs the
 * script as vitest, tsx and the indexer's minified bundle compile it. It runs in strict mode, as a module would.
 */
export const PAGE_SCRIPT = `"use strict";
{
const __name = (target) => target;
(${runReportPage.toString()})(${JSON.stringify(OPTIONS)});
}
`;
