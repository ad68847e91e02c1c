import type { ChildProcess } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pollIndexQueue } from "../../cli/local/index-poller.js";
import { startWorkerProcess, stopWorkerProcess } from "../../cli/local/worker-process.js";
import { initBackend } from "../../shared/engine/backend.js";
import { saveModelBundle } from "../../shared/model/save-model-bundle.js";
import { uploadBundle } from "../../shared/model/upload-bundle.js";
import { LOCALSTACK } from "../../shared/storage/aws-connection.js";
import { DEFAULT_MODEL_NAME } from "../../shared/storage/s3-layout.js";
import { seedLikeCnn, seedLikeLens } from "../fixtures/models.js";
import { freshLocalStack } from "./local-aws.js";

/**
 * A fresh stack on LocalStack with a seed-like model of `modelSize` as models/default/ and `indexers` index pollers
 * running (default one; more start with `startIndexer`); workers are started by the test, one gradient thread each.
 */
export async function localPipeline(modelSize: number, options: { readonly indexers?: number } = {}) {
  await initBackend("auto");
  const aws = await freshLocalStack();
  const bundle = join(await mkdtemp(join(tmpdir(), "cnn-lens-pipeline-")), "model");
  await saveModelBundle(seedLikeCnn(modelSize), seedLikeLens(modelSize), bundle);
  await uploadBundle(aws.s3, aws.outputs.bucket, bundle, DEFAULT_MODEL_NAME);
  const stopIndexers = new AbortController();
  const indexers: Promise<void>[] = [];
  /** Starts another index poller; in the cloud the index Lambda likewise handles several batches at once. */
  const startIndexer = (log?: (entry: Record<string, unknown>) => void): Promise<void> => {
    const indexer = pollIndexQueue({
      sqs: aws.sqs,
      s3: aws.s3,
      bucket: aws.outputs.bucket,
      queueUrl: aws.outputs.indexQueueUrl,
      stop: stopIndexers.signal,
      log,
    });
    indexers.push(indexer.catch(() => undefined));
    return indexer;
  };
  for (let i = 0; i < (options.indexers ?? 1); i++) void startIndexer();
  const workers: ChildProcess[] = [];
  return {
    aws,
    startIndexer,
    /** Starts a watching worker whose JSON log lines go to `log`, with `environment` added to its own. */
    startWorker(log: string[], claimSeconds: number, environment: Record<string, string> = {}): ChildProcess {
      const worker = startWorkerProcess({
        aws: LOCALSTACK,
        outputs: aws.outputs,
        watch: true,
        environment: { CNN_LENS_THREADS: "1", CNN_LENS_CLAIM_SECONDS: String(claimSeconds), ...environment },
        onLog: (line) => log.push(line),
      });
      workers.push(worker);
      return worker;
    },
    async dispose(): Promise<void> {
      await Promise.all(workers.map(stopWorkerProcess));
      stopIndexers.abort();
      await Promise.all(indexers);
      await aws.dispose();
    },
  };
}
