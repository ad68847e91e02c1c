import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_UPLOAD_BYTES } from "../../../shared/config/upload-limits.js";
import { workerConfigFrom } from "../../../functions/worker/worker-config.js";
import { ENV } from "../../../shared/config/environment.js";
import { DEFAULT_MAX_PIXELS } from "../../../shared/image/decode-image.js";

const REQUIRED = { [ENV.bucket]: "the-bucket", [ENV.workQueueUrl]: "https://sqs/work" };

describe("workerConfigFrom", () => {
  it("gives every setting its default when only the bucket and the queue are set", () => {
    expect(workerConfigFrom(REQUIRED)).toEqual({
      aws: { region: "us-east-1" },
      bucket: "the-bucket",
      workQueueUrl: "https://sqs/work",
      backend: "auto",
      threads: availableParallelism(),
      requireGpu: false,
      idleSeconds: 60,
      watch: false,
      defaultModel: "default",
      claimSeconds: 60,
      maxPixels: DEFAULT_MAX_PIXELS,
      maxUploadBytes: 256 * 1024 * 1024,
    });
    expect(DEFAULT_MAX_UPLOAD_BYTES).toBe(268_435_456);
  });

  it("reads every variable", () => {
    const config = workerConfigFrom({
      ...REQUIRED,
      [ENV.endpoint]: "http://127.0.0.1:4566",
      [ENV.region]: "eu-west-1",
      [ENV.backend]: "wasm",
      [ENV.threads]: "3",
      [ENV.requireGpu]: "true",
      [ENV.idleSeconds]: "5",
      [ENV.watch]: "yes",
      [ENV.defaultModel]: "other",
      [ENV.claimSeconds]: "30",
      [ENV.maxPixels]: "1000",
      [ENV.maxUploadBytes]: "1048576",
    });
    expect(config).toEqual({
      aws: { region: "eu-west-1", endpoint: "http://127.0.0.1:4566" },
      bucket: "the-bucket",
      workQueueUrl: "https://sqs/work",
      backend: "wasm",
      threads: 3,
      requireGpu: true,
      idleSeconds: 5,
      watch: true,
      defaultModel: "other",
      claimSeconds: 30,
      maxPixels: 1000,
      maxUploadBytes: 1_048_576,
    });
  });

  it('reads "false" and "0" as false, and empty values as unset', () => {
    const config = workerConfigFrom({
      ...REQUIRED,
      [ENV.requireGpu]: "false",
      [ENV.watch]: "0",
      [ENV.maxUploadBytes]: " ",
      [ENV.endpoint]: "",
    });
    expect(config).toMatchObject({
      requireGpu: false,
      watch: false,
      maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
    });
    expect(config.aws).toEqual({ region: "us-east-1" });
    expect(workerConfigFrom({ ...REQUIRED, [ENV.watch]: "FALSE" }).watch).toBe(false);
  });

  it("still reads REQUIRE_GPU, the former name of CNN_LENS_REQUIRE_GPU, which wins when both are set", () => {
    expect(workerConfigFrom({ ...REQUIRED, REQUIRE_GPU: "true" }).requireGpu).toBe(true);
    expect(workerConfigFrom({ ...REQUIRED, REQUIRE_GPU: "true", [ENV.requireGpu]: "false" }).requireGpu).toBe(
      false,
    );
  });

  it.each([
    [ENV.bucket, undefined, /CNN_LENS_BUCKET is not set; set it to the name of the cnn-lens bucket/],
    [ENV.workQueueUrl, undefined, /CNN_LENS_WORK_QUEUE_URL is not set; set it to the URL of the work queue/],
    [ENV.backend, "gpu", /CNN_LENS_BACKEND="gpu" is not allowed; set it to one of auto, tensorflow-gpu/],
    [ENV.threads, "-1", /CNN_LENS_THREADS="-1" must be a whole number from 0 to 64/],
    [ENV.requireGpu, "maybe", /CNN_LENS_REQUIRE_GPU="maybe" is not a boolean; use true or false/],
    [ENV.idleSeconds, "1.5", /CNN_LENS_IDLE_SECONDS="1.5" must be a whole number from 0 to 86400/],
    [ENV.watch, "2", /CNN_LENS_WATCH="2" is not a boolean/],
    [ENV.claimSeconds, "2", /CNN_LENS_CLAIM_SECONDS="2" must be a whole number from 3 to 43200/],
    [ENV.maxPixels, "0", /CNN_LENS_MAX_PIXELS="0" must be a whole number from 1 to 1000000000/],
    [
      ENV.maxUploadBytes,
      "256MiB",
      /CNN_LENS_MAX_UPLOAD_BYTES="256MiB" must be a whole number from 1 to 5497558138880 \(bytes; 268435456 is 256 MiB\)/,
    ],
    [ENV.maxUploadBytes, "0", /CNN_LENS_MAX_UPLOAD_BYTES="0" must be a whole number/],
    [ENV.maxUploadBytes, "6e12", /CNN_LENS_MAX_UPLOAD_BYTES="6e12" must be a whole number/],
  ])("refuses %s=%s with an error naming the variable and the fix", (name, value, error) => {
    expect(() => workerConfigFrom({ ...REQUIRED, [name]: value })).toThrow(error);
  });
});
