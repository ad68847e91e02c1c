import { LAYER_RULES, SUPPORTED_LAYERS } from "./keras-layer-rules.js";
import { isRecord, type JsonRecord } from "./json-record.js";

/** One layer in the Keras 2 form that tfjs-layers deserializes. */
export interface ConvertedLayer {
  readonly class_name: string;
  readonly config: JsonRecord;
}

/** Collects what is wrong (problems) and worth knowing (warnings) about a model, to report all at once. */
export interface ImportReport {
  readonly problems: string[];
  readonly warnings: string[];
}

const MODEL_CLASSES = ["Sequential", "Functional", "Model"];

/** Options every layer may carry. */
const COMMON = new Set(["name", "trainable", "dtype", "batch_input_shape", "batch_shape"]);

/**
 * Converts one Keras layer (`class_name`, `config`, and in Keras 3 `module`) to its TF.js form, adding to
 * `report` every unsupported layer type or option it meets. Returns undefined when the layer type is unsupported.
 */
export function convertLayer(item: JsonRecord, report: ImportReport): ConvertedLayer | undefined {
  const className = String(item.class_name);
  const config = isRecord(item.config) ? item.config : {};
  const name = String(config.name ?? item.name ?? "?");
  const rule = Object.hasOwn(LAYER_RULES, className) ? LAYER_RULES[className] : undefined;
  const module = typeof item.module === "string" ? item.module : undefined;
  if (MODEL_CLASSES.includes(className)) {
    report.problems.push(
      `layer "${name}" is a nested model (${className}); cnn-lens imports flat models: ` +
        "rebuild the model with the nested model's layers inline",
    );
    return undefined;
  }
  if (!rule || (module !== undefined && !module.startsWith("keras"))) {
    const origin = module && !module.startsWith("keras") ? ` (a custom class from module ${module})` : "";
    report.problems.push(
      `layer "${name}" uses unsupported layer type ${className}${origin}; supported: ${SUPPORTED_LAYERS.join(", ")}`,
    );
    return undefined;
  }
  const at = `layer "${name}" (${className})`;
  const converted: JsonRecord = { name, ...rule.fixed };
  const batchShape = config.batch_shape ?? config.batch_input_shape;
  if (batchShape !== undefined && batchShape !== null) converted.batch_input_shape = batchShape;
  const dtype = dtypeName(config.dtype);
  if (dtype !== undefined && dtype !== "float32") {
    report.problems.push(`${at} uses unsupported option dtype=${dtype}; save the model with float32 layers`);
  }
  for (const [key, value] of Object.entries(config)) {
    if (COMMON.has(key)) continue;
    const optionRule = Object.hasOwn(rule.options, key) ? rule.options[key] : undefined;
    if (!optionRule) {
      if (value !== null && value !== false) {
        report.problems.push(
          `${at} uses option ${key}=${JSON.stringify(value)}, which the importer does not know`,
        );
      }
      continue;
    }
    const outcome = optionRule(value, key);
    if (outcome.problem) report.problems.push(`${at} ${outcome.problem}`);
    if (outcome.warning) report.warnings.push(`${at} ${outcome.warning}`);
    if (outcome.set) converted[outcome.set[0]] = outcome.set[1];
  }
  return { class_name: rule.tfjsClass ?? className, config: converted };
}

/** The name of a dtype: `"float32"`, or a Keras 3 / Keras 2 policy object `{class_name, config: {name}}`. */
function dtypeName(dtype: unknown): string | undefined {
  if (typeof dtype === "string") return dtype;
  if (isRecord(dtype) && isRecord(dtype.config) && typeof dtype.config.name === "string")
    return dtype.config.name;
  return undefined;
}
