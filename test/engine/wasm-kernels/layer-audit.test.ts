import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { liveCounts, maxRelativeError, randomTensor, useFastWasm } from "./harness.js";

interface AuditCase {
  name: string;
  layers: () => tf.layers.Layer[];
  /** Whether the layers end in a rank-4 tensor that needs flattening before the Dense head. */
  flatten?: boolean;
  /** Whether training gradients are random (dropout), so only their presence is checked. */
  random?: boolean;
}

const INPUT_SHAPE = [11, 10, 3];
const BATCH = 3;

const cases: AuditCase[] = [
  {
    name: "Conv2D 3x3 s1 same relu",
    layers: () => [tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu" })],
  },
  { name: "Conv2D 3x3 s1 valid linear", layers: () => [tf.layers.conv2d({ filters: 4, kernelSize: 3 })] },
  {
    name: "Conv2D 3x3 s2 same linear",
    layers: () => [tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: "same" })],
  },
  {
    name: "Conv2D 3x3 s2 valid relu",
    layers: () => [tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: "relu" })],
  },
  {
    name: "DepthwiseConv2D m1 s1 same relu6",
    layers: () => [tf.layers.depthwiseConv2d({ kernelSize: 3, padding: "same", activation: "relu6" })],
  },
  {
    name: "DepthwiseConv2D m2 s2 same",
    layers: () => [
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: "same" }),
    ],
  },
  {
    name: "DepthwiseConv2D m2 s1 valid",
    layers: () => [tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, activation: "relu" })],
  },
  {
    name: "SeparableConv2D m2",
    layers: () => [
      tf.layers.separableConv2d({
        filters: 5,
        kernelSize: 3,
        depthMultiplier: 2,
        padding: "same",
        activation: "relu",
      }),
    ],
  },
  {
    name: "Conv2D + BatchNormalization",
    layers: () => [tf.layers.conv2d({ filters: 4, kernelSize: 3 }), tf.layers.batchNormalization()],
  },
  { name: "MaxPooling2D", layers: () => [tf.layers.maxPooling2d({ poolSize: 2 })] },
  {
    name: "AveragePooling2D",
    layers: () => [tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" })],
  },
  {
    name: "GlobalAveragePooling2D",
    layers: () => [tf.layers.conv2d({ filters: 6, kernelSize: 3 }), tf.layers.globalAveragePooling2d({})],
    flatten: false,
  },
  {
    name: "Dropout",
    layers: () => [tf.layers.conv2d({ filters: 4, kernelSize: 3 }), tf.layers.dropout({ rate: 0.3 })],
    random: true,
  },
  {
    name: "Flatten + Dense relu/sigmoid",
    layers: () => [
      tf.layers.flatten(),
      tf.layers.dense({ units: 8, activation: "relu" }),
      tf.layers.dense({ units: 6, activation: "sigmoid" }),
    ],
    flatten: false,
  },
  {
    name: "Activation layers relu/relu6/sigmoid/softmax",
    layers: () => [
      tf.layers.conv2d({ filters: 4, kernelSize: 1 }),
      tf.layers.activation({ activation: "relu" }),
      tf.layers.conv2d({ filters: 4, kernelSize: 1 }),
      tf.layers.activation({ activation: "relu6" }),
      tf.layers.conv2d({ filters: 4, kernelSize: 1 }),
      tf.layers.activation({ activation: "sigmoid" }),
      tf.layers.activation({ activation: "softmax" }),
    ],
  },
  {
    name: "everything in one model",
    layers: () => [
      tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: "same" }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: "relu" }),
      tf.layers.depthwiseConv2d({
        kernelSize: 3,
        depthMultiplier: 2,
        strides: 2,
        padding: "same",
        activation: "relu6",
      }),
      tf.layers.separableConv2d({ filters: 8, kernelSize: 3, padding: "same", activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }),
      tf.layers.averagePooling2d({ poolSize: 1 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 8, activation: "sigmoid" }),
    ],
    flatten: false,
  },
];

function buildModel(c: AuditCase): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: INPUT_SHAPE }));
  c.layers().forEach((layer) => model.add(layer));
  if (c.flatten ?? true) {
    model.add(tf.layers.flatten());
  }
  model.add(tf.layers.dense({ units: 5, activation: "softmax" }));
  return model;
}

const input = randomTensor([BATCH, ...INPUT_SHAPE], 61);
const target = randomTensor([BATCH, 5], 62);

/** d Σ(w·model(x)) / dx in inference mode, as used by Integrated Gradients. */
function inputGradient(model: tf.LayersModel): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor(input.values, input.shape);
    const w = tf.tensor(target.values, target.shape);
    const f = (t: tf.Tensor): tf.Tensor => tf.sum(tf.mul(model.apply(t) as tf.Tensor, w));
    return tf.grad(f)(x).dataSync() as Float32Array;
  });
}

/** Gradients of a training-mode loss w.r.t. every trainable weight, by weight name. */
function weightGradients(model: tf.LayersModel): Map<string, Float32Array> {
  const x = tf.tensor(input.values, input.shape);
  const y = tf.tensor(target.values, target.shape);
  const loss = (): tf.Scalar =>
    tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor);
  const { value, grads } = tf.variableGrads(
    loss,
    model.trainableWeights.map((w) => w.read() as tf.Variable),
  );
  const result = new Map(Object.entries(grads).map(([name, g]) => [name, g.dataSync() as Float32Array]));
  tf.dispose([x, y, value, ...Object.values(grads)]);
  return result;
}

async function onBackend<T>(backend: "cpu" | "wasm", f: () => T): Promise<T> {
  await tf.setBackend(backend);
  return f();
}

beforeAll(useFastWasm);

describe("layer gradient audit on wasm with the fast kernels", () => {
  it.each(cases)("input gradient of $name works and matches cpu", async (c) => {
    const model = buildModel(c);
    const before = liveCounts();
    const wasm = await onBackend("wasm", () => inputGradient(model));
    expect(liveCounts()).toEqual(before);
    const cpu = await onBackend("cpu", () => inputGradient(model));
    expect(maxRelativeError(wasm, cpu)).toBeLessThanOrEqual(1e-5);
    await tf.setBackend("wasm");
    model.dispose();
  });

  it.each(cases)("training gradients of $name work and match cpu", async (c) => {
    const model = buildModel(c);
    const wasm = await onBackend("wasm", () => weightGradients(model));
    const cpu = await onBackend("cpu", () => weightGradients(model));
    const names = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    expect([...wasm.keys()]).toEqual(names);
    expect([...wasm.values()].every((grad) => grad.every(Number.isFinite))).toBe(true);
    if (!c.random) {
      // Relative to the largest gradient of the whole model: biases feeding BatchNormalization get ~0 gradients.
      const all = (grads: Map<string, Float32Array>): number[] =>
        names.flatMap((n) => [...(grads.get(n) ?? [])]);
      expect(maxRelativeError(all(wasm), all(cpu))).toBeLessThanOrEqual(1e-5);
    }
    await tf.setBackend("wasm");
    model.dispose();
  });

  it("trains with optimizer.minimize", async () => {
    await tf.setBackend("wasm");
    const model = buildModel(cases[cases.length - 1] as AuditCase);
    const optimizer = tf.train.adam(0.01);
    const x = tf.tensor(input.values, input.shape);
    const y = tf.tensor(target.values, target.shape);
    const step = (): number => {
      const loss = optimizer.minimize(
        () => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor),
        true,
      );
      const value = loss?.dataSync()[0] ?? NaN;
      loss?.dispose();
      return value;
    };
    const first = step();
    for (let i = 0; i < 5; i++) step();
    expect(step()).toBeLessThan(first);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });

  it("cannot differentiate dilated Conv2D (tfjs 4.22 limitation on every backend)", async () => {
    const model = buildModel({
      name: "dilated",
      layers: () => [tf.layers.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: "same" })],
    });
    for (const backend of ["wasm", "cpu"] as const) {
      await tf.setBackend(backend);
      expect(() => inputGradient(model)).toThrow(/dilation rates greater than 1/);
    }
    await tf.setBackend("wasm");
    model.dispose();
  });
});
