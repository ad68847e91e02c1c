import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensureLocalStack } from "./local/localstack.js";
import { pollIndexQueue } from "./local/index-poller.js";
import { provisionLocalStack } from "./local/provision.js";
import { waitForRecords } from "./local/wait-for-records.js";
import { startWorkerProcess, stopWorkerProcess } from "./local/worker-process.js";
import { BUNDLED_MODEL } from "./bundled-model.js";
import { collectImageFiles } from "./image-files.js";
import { readLabelsCsv } from "./labels-csv.js";
import { writeLocalReport } from "./report.js";
import { resultsTable } from "./results-table.js";
import { uploadImages } from "./upload-images.js";
import { backendChoiceFrom } from "../shared/config/environment.js";
import { initBackend } from "../shared/engine/backend.js";
import { uploadBundle } from "../shared/model/upload-bundle.js";
import { LOCALSTACK } from "../shared/storage/aws-connection.js";
import { s3Client } from "../shared/storage/s3-client.js";
import { sqsClient } from "../shared/storage/sqs-client.js";
import { cloudFormationClient } from "../shared/storage/cloudformation-client.js";
import { refreshReport } from "../functions/indexer/report-refresh.js";
import { DEFAULT_MODEL_NAME, MANIFEST_KEY, RECORDS_PREFIX, REPORT_KEY } from "../shared/storage/s3-layout.js";

const SAMPLES = join(import.meta.dirname, "..", "samples");

export const START_USAGE = `usage: cnn-lens start [--images DIR] [--model DIR] [--workers N] [--out DIR] [--watch]

Runs the whole pipeline on LocalStack: starts LocalStack if none is listening, provisions the bucket and queues
from the CDK definition, uploads the model bundle as models/default/, runs the worker and the indexer, uploads the
images, waits until the manifest lists every one, prints a table, copies the results of every indexed image to
--out, writes the report there (--out/report.html) and ends by printing its path.

  --images DIR   images to upload (default: samples/, with samples/labels.csv as ground truth)
  --model DIR    model bundle to use as the default model (default: models/default)
  --workers N    worker processes (default: 1; each uses every core for gradients)
  --out DIR      where to copy the results and write the report (default: out)
  --watch        keep the worker and the indexer running for new uploads`;

/** `npm start`: the local pipeline, end to end. */
export async function startCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      images: { type: "string", default: SAMPLES },
      model: { type: "string", default: BUNDLED_MODEL },
      workers: { type: "string", default: "1" },
      out: { type: "string", default: "out" },
      watch: { type: "boolean", default: false },
    },
  });
  const workerCount = Number(values.workers);
  const say = (line: string) => console.error(`cnn-lens: ${line}`);

  await initBackend(backendChoiceFrom(process.env));
  await ensureLocalStack(LOCALSTACK, say);
  say("provisioning the bucket and queues from the CDK definition");
  const outputs = await provisionLocalStack(cloudFormationClient(LOCALSTACK));
  const s3 = s3Client(LOCALSTACK);
  const sqs = sqsClient(LOCALSTACK);
  say(`uploading the model bundle ${values.model} as ${DEFAULT_MODEL_NAME}`);
  await uploadBundle(s3, outputs.bucket, values.model, DEFAULT_MODEL_NAME);

  const workers: ChildProcess[] = Array.from({ length: workerCount }, (_, i) =>
    startWorkerProcess({
      aws: LOCALSTACK,
      outputs,
      watch: true,
      environment: workerCount > 1 ? { CNN_LENS_THREADS: "1" } : {},
      onLog: (line) => {
        if (/"fatal"|"retry-later"/.test(line)) say(`worker ${i + 1}: ${line}`);
      },
    }),
  );
  const stopIndexer = new AbortController();
  const indexer = pollIndexQueue({
    sqs,
    s3,
    bucket: outputs.bucket,
    queueUrl: outputs.indexQueueUrl,
    stop: stopIndexer.signal,
  });

  try {
    const files = await collectImageFiles([values.images]);
    if (files.length === 0) throw new Error(`no images in ${values.images}`);
    const labels = await readLabelsCsv(join(values.images, "labels.csv"));
    say(`uploading ${files.length} images to s3://${outputs.bucket}/uploads/`);
    const uploaded = await uploadImages(s3, outputs.bucket, files, { labels });
    const started = Date.now();
    const records = await waitForRecords({
      s3,
      bucket: outputs.bucket,
      keys: uploaded,
      timeoutMs: 30 * 60_000,
      onProgress: (done, total) =>
        say(`indexed ${done}/${total} (${Math.round((Date.now() - started) / 1000)} s)`),
    });
    console.log(`\n${resultsTable(records)}\n`);
    const report = await writeLocalReport(s3, outputs.bucket, values.out);
    await refreshReport({ s3, bucket: outputs.bucket, force: true });
    console.log(`results:  s3://${outputs.bucket}/results/  (copied to ${values.out}/)`);
    console.log(`manifest: s3://${outputs.bucket}/${MANIFEST_KEY}`);
    console.log(`records:  s3://${outputs.bucket}/${RECORDS_PREFIX}*.jsonl`);
    console.log(`report:   s3://${outputs.bucket}/${REPORT_KEY}  (links relative to the bucket)`);
    console.log(`\nopen the report: ${report}`);
    if (values.watch) {
      say("watching for new uploads (cnn-lens upload <files>); Ctrl-C to stop");
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    }
    return records.some((record) => record.status === "failed") ? 1 : 0;
  } finally {
    await Promise.all(workers.map(stopWorkerProcess));
    stopIndexer.abort();
    await indexer.catch(() => undefined);
  }
}
