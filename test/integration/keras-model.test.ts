import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { waitForRecords } from "../../cli/local/wait-for-records.js";
import { ENV } from "../../shared/config/environment.js";
import { LOCALSTACK } from "../../shared/storage/aws-connection.js";
import { putObject } from "../../shared/storage/s3-objects.js";
import { KERAS_FIXTURES, kerasReferences, type KerasReferences } from "../fixtures/keras-models.js";
import { localPipeline } from "./local-pipeline.js";

let pipeline: Awaited<ReturnType<typeof localPipeline>>;
let references: KerasReferences;
const workerLog: string[] = [];
const savedEnvironment = { stack: process.env[ENV.stack], endpoint: process.env[ENV.endpoint] };

const NAMED = "keras-seed-like";
const DEFAULT = "keras-skip";

beforeAll(async () => {
  references = await kerasReferences();
  pipeline = await localPipeline(32);
  process.env[ENV.stack] = pipeline.aws.stackName;
  process.env[ENV.endpoint] = LOCALSTACK.endpoint;
  const folder = await mkdtemp(join(tmpdir(), "cnn-lens-keras-import-"));
  const seedLike = references.fixtures.seed_like;
  const skip = references.fixtures.skip_connection;
  const commands = [
    [
      "model",
      "import",
      join(KERAS_FIXTURES, seedLike.formats.keras.file),
      "--labels",
      seedLike.labels.join(","),
    ].concat(["--multi-label", "--scale", references.scale, "--out", join(folder, NAMED)]),
    ["model", "import", join(KERAS_FIXTURES, skip.formats.h5.file), "--labels", skip.labels.join(",")].concat(
      ["--scale", references.scale, "--out", join(folder, DEFAULT)],
    ),
    ["model", "upload", join(folder, NAMED), "--name", NAMED],
    ["model", "upload", join(folder, DEFAULT), "--name", DEFAULT],
  ];
  for (const command of commands) expect(await main(command), command.join(" ")).toBe(0);
  pipeline.startWorker(workerLog, 20, { [ENV.defaultModel]: DEFAULT });
});

afterAll(async () => {
  restore(ENV.stack, savedEnvironment.stack);
  restore(ENV.endpoint, savedEnvironment.endpoint);
  await pipeline?.dispose();
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) Reflect.deleteProperty(process.env, name);
  else process.env[name] = value;
}

describe("a Keras model through import, upload, the worker and the manifest", () => {
  it("gives TensorFlow's predictions, for a model named in the upload's metadata and for the stack's default", async () => {
    const image = await readFile(join(KERAS_FIXTURES, references.png));
    const keys = new Map<string, string>();
    for (const [key, metadata] of [
      ["uploads/keras/named.png", { model: NAMED }],
      ["uploads/keras/default.png", {}],
    ] as const) {
      keys.set(
        key,
        await putObject(pipeline.aws.s3, {
          Bucket: pipeline.aws.outputs.bucket,
          Key: key,
          Body: image,
          Metadata: metadata,
        }),
      );
    }
    const [named, byDefault] = await waitForRecords({
      s3: pipeline.aws.s3,
      bucket: pipeline.aws.outputs.bucket,
      keys,
      timeoutMs: 180_000,
    });
    const expectations = [
      { record: named, fixture: references.fixtures.seed_like, format: "keras", id: "seed_like" },
      {
        record: byDefault,
        fixture: references.fixtures.skip_connection,
        format: "h5",
        id: "skip_connection",
      },
    ] as const;
    for (const { record, fixture, format, id } of expectations) {
      expect(record, workerLog.join("\n")).toMatchObject({ status: "explained", modelId: id, error: null });
      const expected = fixture.formats[format].predictions[0];
      const scores = fixture.labels.map((label) => record.scores[label]);
      scores.forEach((score, i) => expect(Math.abs(score - expected[i])).toBeLessThanOrEqual(1e-5));
    }
  });
});
