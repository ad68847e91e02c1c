import { REPORT_DATA_CALLBACK, type ReportShardData } from "../../shared/report/report-data.js";
import type { ReportSummary } from "../../shared/report/report-page.js";

/** The summary a report page embeds for its script. */
export function embeddedSummary(html: string): ReportSummary {
  const match = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html);
  if (!match) throw new Error("no embedded summary");
  return JSON.parse(match[1]) as ReportSummary;
}

/** The data a report data file (`cnnLensReportData({...});`) hands the page. */
export function dataFileContents(script: string): ReportShardData {
  const prefix = `${REPORT_DATA_CALLBACK}(`;
  if (!script.startsWith(prefix) || !script.trimEnd().endsWith(");"))
    throw new Error(`not a report data file: ${script.slice(0, 60)}`);
  return JSON.parse(script.slice(prefix.length, script.trimEnd().length - 2)) as ReportShardData;
}
