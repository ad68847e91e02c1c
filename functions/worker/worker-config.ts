import { availableParallelism } from "node:os";
import { ENV, environmentReader } from "../../shared/config/environment.js";
import { BACKEND_CHOICES, type BackendChoice } from "../../shared/config/backend-choices.js";
import { DEFAULT_MAX_PIXELS } from "../../shared/image/decode-image.js";
import { regionOr, type AwsConnection } from "../../shared/storage/aws-connection.js";
import { DEFAULT_MODEL_NAME } from "../../shared/storage/s3-layout.js";
import { DEFAULT_MAX_UPLOAD_BYTES, LARGEST_S3_OBJECT_BYTES } from "../../shared/config/upload-limits.js";

/** Everything the worker is told, parsed and checked once at start-up. */
export interface WorkerConfig {
  readonly aws: AwsConnection;
  readonly bucket: string;
  readonly workQueueUrl: string;
  readonly backend: BackendChoice;
  readonly threads: number;
  readonly requireGpu: boolean;
  /** Exit after this long without messages, unless `watch`. */
  readonly idleSeconds: number;
  readonly watch: boolean;
  readonly defaultModel: string;
  /** Each visibility extension; the claim is renewed at a third of it. */
  readonly claimSeconds: number;
  readonly maxPixels: number;
  /** Uploads over this many bytes are refused from their HEAD, before they are downloaded. */
  readonly maxUploadBytes: number;
}

/** Reads the worker's configuration; the error names the variable and the fix. */
export function workerConfigFrom(environment: Readonly<Record<string, string | undefined>>): WorkerConfig {
  const env = environmentReader(environment);
  const endpoint = env.string(ENV.endpoint);
  return {
    aws: { region: regionOr(env.string(ENV.region)), ...(endpoint ? { endpoint } : {}) },
    bucket: env.required(ENV.bucket, "the name of the cnn-lens bucket"),
    workQueueUrl: env.required(ENV.workQueueUrl, "the URL of the work queue"),
    backend: env.choice(ENV.backend, BACKEND_CHOICES, "auto"),
    threads: env.integer(ENV.threads, availableParallelism(), 0, 64),
    requireGpu: env.boolean(ENV.requireGpu, false),
    idleSeconds: env.integer(ENV.idleSeconds, 60, 0, 86_400),
    watch: env.boolean(ENV.watch, false),
    defaultModel: env.string(ENV.defaultModel) ?? DEFAULT_MODEL_NAME,
    claimSeconds: env.integer(ENV.claimSeconds, 60, 3, 43_200),
    maxPixels: env.integer(ENV.maxPixels, DEFAULT_MAX_PIXELS, 1, 1_000_000_000),
    maxUploadBytes: env.integer(
      ENV.maxUploadBytes,
      DEFAULT_MAX_UPLOAD_BYTES,
      1,
      LARGEST_S3_OBJECT_BYTES,
      `bytes; ${DEFAULT_MAX_UPLOAD_BYTES} is ${DEFAULT_MAX_UPLOAD_BYTES / 1024 ** 2} MiB`,
    ),
  };
}
