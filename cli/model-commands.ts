import { basename, extname } from "node:path";
import { parseArgs } from "node:util";
import { backendChoiceFrom } from "../shared/config/environment.js";
import { initBackend } from "../shared/engine/backend.js";
import { importKerasBundle } from "../shared/model/keras/import-keras-bundle.js";
import { parseInputScale } from "../shared/model/keras/imported-lens.js";
import { uploadBundle } from "../shared/model/upload-bundle.js";
import { s3Client } from "../shared/storage/s3-client.js";
import { modelPrefixFor } from "../shared/storage/s3-layout.js";
import { findDeployment } from "./local/deployment.js";
import { UsageError } from "./usage-error.js";

export const MODEL_USAGE = `usage: cnn-lens model import <file.h5|file.keras> --labels a,b,c [--multi-label] [--thresholds x,y,z]
                             [--scale 1/255] [--offset 0] [--name NAME] --out DIR
       cnn-lens model upload DIR --name NAME

import   converts a Keras model (Keras 2 or 3 .h5, Keras 3 .keras) into a model bundle in DIR:
         the TF.js layers model (model.json, weights.bin) and lens.json
  --labels a,b,c     one label per output unit, in order (required)
  --multi-label      the model ends in sigmoid: each label is predicted when its score reaches its threshold
                     (default: single-label, the model ends in softmax)
  --thresholds x,y   multi-label thresholds, one per label (default: 0.5 each)
  --scale S          model input = pixel (0..255) · S + offset, as a number or fraction (default: 1/255)
  --offset O         (default: 0)
  --name NAME        the model's id in lens.json and every summary (default: the file name)
upload   checks a bundle and puts it under models/NAME/ of the deployment (LocalStack unless CNN_LENS_STACK names
         a cloud stack); uploads with --model NAME use it, and models/default/ (or CNN_LENS_DEFAULT_MODEL) serves
         uploads that name no model`;

/** `cnn-lens model import|upload`. */
export async function modelCommand(argv: readonly string[]): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === "import") return importCommand(rest);
  if (subcommand === "upload") return uploadCommand(rest);
  throw new UsageError(`unknown subcommand ${JSON.stringify(subcommand ?? "")}; use import or upload`);
}

async function importCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      labels: { type: "string" },
      "multi-label": { type: "boolean", default: false },
      thresholds: { type: "string" },
      scale: { type: "string", default: "1/255" },
      offset: { type: "string", default: "0" },
      name: { type: "string" },
      out: { type: "string" },
    },
  });
  if (positionals.length !== 1) throw new UsageError("name one Keras model file (.h5 or .keras)");
  if (!values.out) throw new UsageError("--out DIR is required: the folder to write the bundle to");
  const labels = list(values.labels);
  if (labels.length === 0) throw new UsageError("--labels is required: one label per output unit, in order");
  const thresholds = values.thresholds === undefined ? undefined : list(values.thresholds).map(Number);
  if (thresholds?.some((t) => !(t >= 0 && t <= 1)))
    throw new UsageError(`--thresholds must be numbers from 0 to 1, got ${values.thresholds}`);
  let scale: number;
  try {
    scale = parseInputScale(values.scale);
  } catch (error) {
    throw new UsageError(`--${(error as Error).message}`);
  }
  const offset = Number(values.offset);
  if (!Number.isFinite(offset)) throw new UsageError(`--offset must be a number, got ${values.offset}`);
  const [file] = positionals;
  const name = values.name ?? basename(file, extname(file)).replace(/[^A-Za-z0-9._-]+/g, "-");

  await initBackend(backendChoiceFrom(process.env));
  const imported = await importKerasBundle(
    file,
    { name, labels, multiLabel: values["multi-label"], scale, offset, ...(thresholds ? { thresholds } : {}) },
    values.out,
  );
  const version = imported.kerasVersion ? ` (Keras ${imported.kerasVersion})` : "";
  console.log(
    `imported ${file}${version} as ${name}, input [${imported.inputShape.join(", ")}], to ${imported.folder}`,
  );
  for (const warning of imported.warnings) console.warn(`warning: ${warning}`);
  return 0;
}

async function uploadCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { name: { type: "string" } },
  });
  if (positionals.length !== 1) throw new UsageError("name one bundle folder");
  if (!values.name) throw new UsageError("--name is required: the bundle goes under models/NAME/");
  try {
    modelPrefixFor(values.name);
  } catch (error) {
    throw new UsageError(`--name: ${(error as Error).message}`);
  }
  await initBackend(backendChoiceFrom(process.env));
  const { aws, outputs } = await findDeployment(process.env);
  console.log(await uploadBundle(s3Client(aws), outputs.bucket, positionals[0], values.name));
  return 0;
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}
