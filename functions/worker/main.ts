import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../shared/engine/backend.js";
import { s3Client } from "../../shared/storage/s3-client.js";
import { sqsClient } from "../../shared/storage/sqs-client.js";
import { explainUpload } from "./explain-upload.js";
import { assertGpuVisible, probeGpu } from "./gpu-requirement.js";
import { ModelCache, s3ExplainerLoader } from "./model-cache.js";
import { runWorkLoop } from "./work-loop.js";
import { workerConfigFrom } from "./worker-config.js";

/** The GPU job: drains the work queue until idle (or forever with --watch), then exits. */
async function main(): Promise<void> {
  const log = (entry: Record<string, unknown>) =>
    console.log(JSON.stringify({ time: new Date().toISOString(), ...entry }));
  const config = workerConfigFrom(process.env);
  const watch = config.watch || process.argv.includes("--watch");
  const runtime = await initBackend(config.backend);
  const gpu = probeGpu(tf.backend());
  if (config.requireGpu) assertGpuVisible(runtime, gpu);
  log({ event: "started", runtime, gpu, bucket: config.bucket, watch });
  const s3 = s3Client(config.aws);
  const models = new ModelCache(s3ExplainerLoader(s3, config.bucket, runtime, config.threads));
  const stop = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log({ event: "stopping", signal });
      stop.abort();
    });
  }
  const context = {
    s3,
    bucket: config.bucket,
    models,
    defaultModel: config.defaultModel,
    maxPixels: config.maxPixels,
    maxUploadBytes: config.maxUploadBytes,
  };
  await runWorkLoop({
    sqs: sqsClient(config.aws),
    queueUrl: config.workQueueUrl,
    claimSeconds: config.claimSeconds,
    idleSeconds: config.idleSeconds,
    watch,
    stop: stop.signal,
    handle: (event, attempt) => explainUpload(event, context, attempt),
    log,
  });
  await models.dispose();
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ event: "fatal", error: (error as Error).stack ?? String(error) }));
  process.exit(1);
});
