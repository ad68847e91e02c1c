import type { IndexRecord } from "../shared/schema/index-record.js";

/** A plain-text table of records: image, actual and predicted labels, IG completeness error, time. */
export function resultsTable(records: readonly IndexRecord[]): string {
  const rows = records.map((record) => [
    record.key.replace(/^uploads\//, ""),
    record.actualLabels?.join(" ") ?? "-",
    record.status === "explained"
      ? record.predictedLabels.join(" ")
      : `FAILED: ${truncate(record.error ?? "", 48)}`,
    record.maxCompletenessError === null ? "-" : `${(record.maxCompletenessError * 100).toFixed(2)}%`,
    record.processingMs === null ? "-" : `${(record.processingMs / 1000).toFixed(1)} s`,
  ]);
  const header = ["image", "actual", "predicted", "IG error", "time"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
