import { parseArgs } from "node:util";
import { IndexReader } from "../shared/index/index-reader.js";
import type { IndexRecord } from "../shared/schema/index-record.js";
import { s3Client } from "../shared/storage/s3-client.js";
import { sqsClient } from "../shared/storage/sqs-client.js";
import { PREFIXES } from "../shared/storage/s3-layout.js";
import { deadLetterRoutes } from "./dead-letters.js";
import { downloadResults } from "./download-results.js";
import { collectImageFiles } from "./image-files.js";
import { readLabelsCsv } from "./labels-csv.js";
import { findDeployment } from "./local/deployment.js";
import { readAllRecords } from "./local/wait-for-records.js";
import { queueDepth, type QueueDepth } from "./queue-depth.js";
import { resultsTable } from "./results-table.js";
import { uploadImages } from "./upload-images.js";
import { UsageError } from "./usage-error.js";

export const UPLOAD_USAGE = `usage: cnn-lens upload <files or folders…> [--labels a,b | --labels-csv FILE] [--targets a,b] [--model NAME] [--folder F]

Uploads images to uploads/ of the deployment (LocalStack unless CNN_LENS_STACK names a cloud stack).`;

export const STATUS_USAGE = `usage: cnn-lens status

Shows the queue depths (work, index and their dead-letter queues) and the manifest's totals; when a dead-letter
queue holds messages, says to run cnn-lens redrive to retry them.`;

export const QUERY_USAGE = `usage: cnn-lens query [--label L] [--status explained|failed] [--min-score X] [--misclassified] [--json]

Reads the manifest and the records from S3 and lists the images that match every filter given.`;

export const FETCH_USAGE = `usage: cnn-lens fetch <image key> [--out DIR]

Copies results/<key>/ (summary.json and every PNG) to DIR (default: out). The key may omit uploads/.`;

/** `cnn-lens upload`. */
export async function uploadCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      labels: { type: "string" },
      "labels-csv": { type: "string" },
      targets: { type: "string" },
      model: { type: "string" },
      folder: { type: "string" },
    },
  });
  if (positionals.length === 0) throw new UsageError("name at least one file or folder");
  const { aws, outputs } = await findDeployment(process.env);
  const files = await collectImageFiles(positionals);
  const fromCsv = values["labels-csv"] ? await readLabelsCsv(values["labels-csv"]) : undefined;
  const given = values.labels?.split(",").filter(Boolean);
  const labels = given ? new Map(files.map((file) => [file.split("/").at(-1) ?? file, given])) : fromCsv;
  const uploaded = await uploadImages(s3Client(aws), outputs.bucket, files, {
    ...(labels ? { labels } : {}),
    ...(values.targets ? { targets: values.targets.split(",").filter(Boolean) } : {}),
    ...(values.model ? { model: values.model } : {}),
    ...(values.folder ? { folder: values.folder } : {}),
  });
  for (const key of uploaded.keys()) console.log(`s3://${outputs.bucket}/${key}`);
  return 0;
}

/** `cnn-lens status`. */
export async function statusCommand(): Promise<number> {
  const { aws, outputs } = await findDeployment(process.env);
  const sqs = sqsClient(aws);
  const show = (depth: QueueDepth) => `${depth.waiting} waiting, ${depth.inFlight} in flight`;
  console.log(`bucket              s3://${outputs.bucket}`);
  let deadLetters = 0;
  for (const route of deadLetterRoutes(outputs)) {
    const dead = await queueDepth(sqs, route.deadLetterQueueUrl);
    deadLetters += dead.waiting + dead.inFlight;
    console.log(`${`${route.name} queue`.padEnd(20)}${show(await queueDepth(sqs, route.queueUrl))}`);
    console.log(`${`${route.name} dead letters`.padEnd(20)}${show(dead)}`);
  }
  if (deadLetters > 0)
    console.log(`                    ${deadLetters} dead letters: run cnn-lens redrive to retry them`);
  const { manifest } = await new IndexReader(s3Client(aws), outputs.bucket).readManifest();
  console.log(`manifest            ${manifest.totals.records} records, updated ${manifest.updatedAt}`);
  console.log(`  by status         ${JSON.stringify(manifest.totals.byStatus)}`);
  console.log(`  by label          ${JSON.stringify(manifest.totals.byPredictedLabel)}`);
  console.log(`  by model          ${JSON.stringify(manifest.totals.byModel)}`);
  return 0;
}

/** `cnn-lens query`. */
export async function queryCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      label: { type: "string" },
      status: { type: "string" },
      "min-score": { type: "string" },
      misclassified: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const minScore = values["min-score"] === undefined ? undefined : Number(values["min-score"]);
  if (minScore !== undefined && !(minScore >= 0 && minScore <= 1))
    throw new UsageError("--min-score must be a number from 0 to 1");
  if (values.status && !["explained", "failed"].includes(values.status))
    throw new UsageError("--status must be explained or failed");
  const { aws, outputs } = await findDeployment(process.env);
  const matches = (record: IndexRecord) =>
    (!values.label || record.predictedLabels.includes(values.label)) &&
    (!values.status || record.status === values.status) &&
    (minScore === undefined ||
      (values.label ? (record.scores[values.label] ?? 0) : (record.topScore ?? 0)) >= minScore) &&
    (!values.misclassified || record.misclassified === true);
  const records = (await readAllRecords(s3Client(aws), outputs.bucket)).filter(matches);
  console.log(values.json ? JSON.stringify(records, null, 2) : resultsTable(records));
  return 0;
}

/** `cnn-lens fetch`. */
export async function fetchCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { out: { type: "string", default: "out" } },
  });
  if (positionals.length !== 1) throw new UsageError("name one image key");
  const key = positionals[0].startsWith(PREFIXES.uploads)
    ? positionals[0]
    : `${PREFIXES.uploads}${positionals[0]}`;
  const { aws, outputs } = await findDeployment(process.env);
  const folder = await downloadResults(s3Client(aws), outputs.bucket, key, values.out);
  console.log(folder);
  return 0;
}
