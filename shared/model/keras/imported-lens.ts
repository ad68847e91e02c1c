import type * as tf from "@tensorflow/tfjs";
import { BadModelError } from "../../errors.js";
import type { LensConfigInput } from "../lens-config.js";
import { finalActivation } from "../output-model.js";

/** What the user says about an imported model that its Keras file does not. */
export interface ImportedLensOptions {
  /** The model's id in lens.json. */
  readonly name: string;
  /** One per output unit, in order. */
  readonly labels: readonly string[];
  /** Sigmoid outputs with per-label thresholds; otherwise softmax, single-label. */
  readonly multiLabel: boolean;
  /** Multi-label only. @default 0.5 each */
  readonly thresholds?: readonly number[];
  /** Model input = pixel (0..255) · scale + offset. @default 1/255 */
  readonly scale?: number;
  /** @default 0 */
  readonly offset?: number;
}

/**
 * The lens.json of an imported model: its input size from the model's input, its task from the options,
 * checked against the model's outputs and last activation. Errors say which option to change.
 */
export function importedLens(model: tf.LayersModel, options: ImportedLensOptions): LensConfigInput {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new BadModelError(
      `the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; cnn-lens explains models with one image input and one output`,
    );
  }
  const [, height, width, channels] = model.inputs[0].shape;
  if (model.inputs[0].shape.length !== 4 || !height || !width || (channels !== 1 && channels !== 3)) {
    throw new BadModelError(
      `the model's input is ${JSON.stringify(model.inputs[0].shape)}; cnn-lens needs [null, height, width, 1 or 3] ` +
        "with a fixed height and width: set the Input shape before saving",
    );
  }
  const units = model.outputs[0].shape[1];
  if (model.outputs[0].shape.length !== 2 || units !== options.labels.length) {
    throw new BadModelError(
      `the model outputs ${JSON.stringify(model.outputs[0].shape)} but --labels names ${options.labels.length}; ` +
        "give one label per output unit, in order",
    );
  }
  const activation = finalActivation(model);
  if (options.multiLabel && activation !== "sigmoid") {
    throw new BadModelError(
      `the model ends in ${activation}, not sigmoid; drop --multi-label for a softmax model`,
    );
  }
  if (!options.multiLabel && activation !== "softmax") {
    throw new BadModelError(
      `the model ends in ${activation}, not softmax; ` +
        (activation === "sigmoid"
          ? "add --multi-label for sigmoid outputs"
          : "cnn-lens explains sigmoid or softmax outputs"),
    );
  }
  if (!options.multiLabel && options.thresholds) {
    throw new BadModelError("--thresholds applies to --multi-label models only");
  }
  return {
    schemaVersion: 1,
    name: options.name,
    labels: [...options.labels],
    task: options.multiLabel ? "multi-label" : "single-label",
    ...(options.multiLabel ? { thresholds: [...(options.thresholds ?? options.labels.map(() => 0.5))] } : {}),
    input: { width, height, channels, scale: options.scale ?? 1 / 255, offset: options.offset ?? 0 },
  };
}

/** Parses an input scale: a positive number (`0.5`, `1`, `3.9e-3`) or fraction (`1/255`). */
export function parseInputScale(text: string): number {
  const match = /^\s*([0-9.eE+-]+)\s*(?:\/\s*([0-9.eE+-]+)\s*)?$/.exec(text);
  const value = match ? Number(match[1]) / (match[2] === undefined ? 1 : Number(match[2])) : NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `scale ${JSON.stringify(text)} is not a positive number or fraction; use for example 1/255, 1/127.5 or 1`,
    );
  }
  return value;
}
