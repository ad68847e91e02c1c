import { BadModelError } from "../../errors.js";
import { convertLayer, type ConvertedLayer, type ImportReport } from "./convert-layer.js";
import { isRecord, type JsonRecord } from "./json-record.js";

/** A Keras model's topology in the Keras 2 JSON form that `tf.models.modelFromJSON` reads. */
export interface KerasTopology {
  readonly modelTopology: {
    readonly class_name: "Sequential" | "Model";
    readonly config: JsonRecord;
    readonly keras_version: string;
    readonly backend: "tensorflow";
  };
  /** Each layer's name and Keras class, in config order. */
  readonly layers: readonly { readonly name: string; readonly className: string }[];
  /** What imports but does not fully work, such as dilated convolutions (no gradients in TF.js). */
  readonly warnings: readonly string[];
}

/** A reference to a layer's output: [layer name, node index, tensor index, call kwargs]. */
type NodeTensor = [string, number, number, JsonRecord];

/**
 * Converts a Keras model config (`{class_name, config}` of a Sequential or Functional model, in the Keras 2 or
 * Keras 3 form) to TF.js's Keras 2 form. Every unsupported layer type and option is listed in one
 * {@link BadModelError}, each with the layer that uses it.
 */
export function convertKerasTopology(
  modelConfig: unknown,
  source: string,
  kerasVersion = "3",
): KerasTopology {
  if (!isRecord(modelConfig) || typeof modelConfig.class_name !== "string") {
    throw new BadModelError(`${source} holds no Keras model config (class_name and config)`);
  }
  const className = modelConfig.class_name;
  const report: ImportReport = { problems: [], warnings: [] };
  let topology: KerasTopology["modelTopology"];
  let items: JsonRecord[];
  if (className === "Sequential") {
    const config = Array.isArray(modelConfig.config) ? { layers: modelConfig.config } : modelConfig.config;
    items = layerItems(config, source);
    topology = {
      class_name: "Sequential",
      config: { name: nameOf(config, "sequential"), layers: sequentialLayers(items, config, report) },
      keras_version: kerasVersion,
      backend: "tensorflow",
    };
  } else if (className === "Functional" || className === "Model") {
    const config = modelConfig.config as JsonRecord;
    items = layerItems(config, source);
    topology = {
      class_name: "Model",
      config: {
        name: nameOf(config, "model"),
        layers: items.flatMap((item) => functionalLayer(item, report)),
        input_layers: tensorList(config.input_layers),
        output_layers: tensorList(config.output_layers),
      },
      keras_version: kerasVersion,
      backend: "tensorflow",
    };
  } else {
    throw new BadModelError(
      `${source} is a ${className} model; cnn-lens imports Sequential and Functional models ` +
        "(rebuild a subclassed model with keras.Sequential or the functional API, then save it)",
    );
  }
  if (report.problems.length > 0) {
    throw new BadModelError(
      `${source} cannot be imported:\n${report.problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  const layers = items.map((item) => ({
    name: String((isRecord(item.config) ? item.config.name : undefined) ?? item.name),
    className: String(item.class_name),
  }));
  return { modelTopology: topology, layers, warnings: report.warnings };
}

function layerItems(config: unknown, source: string): JsonRecord[] {
  if (!isRecord(config) || !Array.isArray(config.layers) || !config.layers.every(isRecord)) {
    throw new BadModelError(`${source}: the model config has no list of layers`);
  }
  return config.layers;
}

function nameOf(config: unknown, fallback: string): string {
  return isRecord(config) && typeof config.name === "string" ? config.name : fallback;
}

/** Sequential layers; a model saved without an InputLayer gets its input shape from `build_input_shape`. */
function sequentialLayers(items: JsonRecord[], config: unknown, report: ImportReport): ConvertedLayer[] {
  const layers = items.flatMap((item) => convertLayer(item, report) ?? []);
  const first = layers[0];
  const buildShape = isRecord(config) ? config.build_input_shape : undefined;
  if (first && first.class_name !== "InputLayer" && first.config.batch_input_shape === undefined) {
    if (Array.isArray(buildShape)) first.config.batch_input_shape = buildShape;
    else report.problems.push("the model does not say its input shape; build it on an input before saving");
  }
  return layers;
}

/** A Functional layer with its inbound nodes in the Keras 2 form. */
function functionalLayer(item: JsonRecord, report: ImportReport): JsonRecord[] {
  const layer = convertLayer(item, report);
  if (!layer) return [];
  const nodes = Array.isArray(item.inbound_nodes) ? item.inbound_nodes : [];
  return [
    {
      ...layer,
      name: layer.config.name,
      inbound_nodes: nodes.map((node) => inboundNode(node, String(layer.config.name), report)),
    },
  ];
}

/** One call of a layer: Keras 2 `[[name, node, tensor, kwargs], …]` or Keras 3 `{args, kwargs}`. */
function inboundNode(node: unknown, layer: string, report: ImportReport): NodeTensor[] {
  if (Array.isArray(node)) {
    return node.flatMap((entry): NodeTensor[] => {
      if (!isTensorReference(entry)) {
        report.problems.push(
          `layer "${layer}" has an inbound tensor the importer cannot read: ${JSON.stringify(entry)} ` +
            "(expected [layer name, node index, tensor index, kwargs])",
        );
        return [];
      }
      const [name, nodeIndex, tensorIndex, kwargs] = entry;
      checkKwargs(kwargs, layer, report);
      return [[name, nodeIndex, tensorIndex, {}]];
    });
  }
  if (!isRecord(node)) {
    report.problems.push(
      `layer "${layer}" has an inbound node the importer cannot read: ${JSON.stringify(node)}`,
    );
    return [];
  }
  checkKwargs(node.kwargs, layer, report);
  const tensors: NodeTensor[] = [];
  const collect = (arg: unknown): void => {
    if (Array.isArray(arg)) arg.forEach(collect);
    else if (isRecord(arg) && arg.class_name === "__keras_tensor__" && isRecord(arg.config)) {
      const history = arg.config.keras_history;
      if (isTensorReference(history)) {
        const [name, nodeIndex, tensorIndex] = history;
        tensors.push([name, nodeIndex, tensorIndex, {}]);
      } else {
        report.problems.push(
          `layer "${layer}" is called with a Keras tensor whose keras_history the importer cannot read: ` +
            `${JSON.stringify(history)} (expected [layer name, node index, tensor index])`,
        );
      }
    } else {
      report.problems.push(
        `layer "${layer}" is called with the argument ${JSON.stringify(arg)}, which is not a tensor`,
      );
    }
  };
  collect(node.args);
  return tensors;
}

/** `[layer name, node index, tensor index, …]`: how Keras 2 inbound nodes and Keras 3 `keras_history` name a tensor. */
function isTensorReference(value: unknown): value is [string, number, number, unknown?] {
  return (
    Array.isArray(value) &&
    typeof value[0] === "string" &&
    typeof value[1] === "number" &&
    typeof value[2] === "number"
  );
}

/**
 * Call arguments other than tensors change what a layer computes; only absent ones are accepted, and
 * `training=False`, which is what inference does anyway.
 */
function checkKwargs(kwargs: unknown, layer: string, report: ImportReport): void {
  if (!isRecord(kwargs)) return;
  for (const [key, value] of Object.entries(kwargs)) {
    if (value !== null && !(key === "training" && value === false)) {
      report.problems.push(
        `layer "${layer}" is called with ${key}=${JSON.stringify(value)}, which is unsupported`,
      );
    }
  }
}

/** Keras 3 writes a single input or output as `[name, node, tensor]`; Keras 2 always as a list of those. */
function tensorList(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [];
  return typeof value[0] === "string" ? [value] : value;
}
