import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { initBackend } from "../../shared/engine/backend.js";
import {
  registerTfCompatibleGradients,
  tfCompatibleGradients,
  unregisterTfCompatibleGradients,
} from "../../shared/engine/tf-compatible-gradients.js";
import { BACKEND_UNDER_TEST } from "../backend-under-test.js";

/** The backend under test, and the pure-JS cpu backend beside it. */
const BACKENDS = [BACKEND_UNDER_TEST === "tensorflow" ? "tensorflow" : "wasm", "cpu"] as const;

beforeAll(async () => {
  await initBackend(BACKENDS[0]);
});

afterAll(async () => {
  registerTfCompatibleGradients();
  await tf.setBackend(BACKENDS[0]);
});

/** ∇ₓ Σ dy · reduce(x) (−0 read as 0), and how many tensors taking it leaked. */
function reductionGradient(
  reduce: (x: tf.Tensor) => tf.Tensor,
  x: number[],
  shape: number[],
  dy: number[],
): { gradient: number[]; leaked: number } {
  const before = tf.memory().numTensors;
  const input = tf.tensor(x, shape);
  const gradient = tf.grad((t: tf.Tensor) => {
    const y = reduce(t);
    return tf.sum(tf.mul(y, tf.tensor(dy, y.shape)));
  })(input);
  const values = Array.from(gradient.dataSync(), (v) => v + 0);
  tf.dispose([input, gradient]);
  return { gradient: values, leaked: tf.memory().numTensors - before };
}

describe.each(BACKENDS)("TensorFlow-compatible Max and Min gradients (%s)", (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it("splits the gradient of max evenly among the k positions that tie, as TensorFlow does", () => {
    // Row 0: 3 ties for the max (5); row 1: 1; row 2: all 4 tie (a black baseline).
    const x = [2, 5, 5, 5, 7, 1, 3, 0, 0, 0, 0, 0];
    const dy = [3, -2, 8];
    const { gradient, leaked } = reductionGradient((t) => tf.max(t, 1), x, [3, 4], dy);
    expect(gradient).toEqual([0, 1, 1, 1, -2, 0, 0, 0, 2, 2, 2, 2]);
    expect(leaked).toBe(0);
  });

  it("splits the gradient of min the same way, with keepDims", () => {
    const x = [4, 1, 1, 9, 1, 6];
    const { gradient, leaked } = reductionGradient((t) => tf.min(t, 0, true), x, [6], [6]);
    expect(gradient).toEqual([0, 2, 2, 0, 2, 0]);
    expect(leaked).toBe(0);
  });

  it("gives 1/(H·W) of each channel's gradient to every pixel of a constant image under global max pooling", () => {
    const [height, width, channels] = [5, 3, 2];
    const x = new Array<number>(height * width * channels).fill(0);
    const dy = [4, -1];
    const { gradient, leaked } = reductionGradient(
      (t) => tf.max(t, [1, 2]),
      x,
      [1, height, width, channels],
      dy,
    );
    gradient.forEach((value, i) => expect(value).toBeCloseTo(dy[i % channels] / (height * width), 7));
    expect(leaked).toBe(0);
  });

  it("differs from TF.js's own gradient, which gives every tied position the whole gradient", () => {
    unregisterTfCompatibleGradients();
    try {
      const { gradient } = reductionGradient((t) => tf.max(t), [5, 5, 1], [3], [1]);
      expect(gradient).toEqual([1, 1, 0]);
    } finally {
      registerTfCompatibleGradients();
    }
    const { gradient } = reductionGradient((t) => tf.max(t), [5, 5, 1], [3], [1]);
    expect(gradient).toEqual([0.5, 0.5, 0]);
  });
});

interface PoolCase {
  readonly name: string;
  readonly shape: [number, number, number, number];
  readonly filter: [number, number];
  readonly stride: [number, number];
  readonly pad: "same" | "valid";
  /** Whether padding clips some window, so that TF.js's own gradient is wrong. */
  readonly clips: boolean;
}

const POOL_CASES: readonly PoolCase[] = [
  {
    name: "2×2/2 same on 5×7",
    shape: [2, 5, 7, 3],
    filter: [2, 2],
    stride: [2, 2],
    pad: "same",
    clips: true,
  },
  {
    name: "3×3/1 same on 4×6",
    shape: [1, 4, 6, 2],
    filter: [3, 3],
    stride: [1, 1],
    pad: "same",
    clips: true,
  },
  {
    name: "3×2/2×1 same on 6×5",
    shape: [1, 6, 5, 2],
    filter: [3, 2],
    stride: [2, 1],
    pad: "same",
    clips: true,
  },
  {
    name: "2×2/2 same on 4×6",
    shape: [1, 4, 6, 2],
    filter: [2, 2],
    stride: [2, 2],
    pad: "same",
    clips: false,
  },
  {
    name: "3×3/2 valid on 7×6",
    shape: [2, 7, 6, 2],
    filter: [3, 3],
    stride: [2, 2],
    pad: "valid",
    clips: false,
  },
];

/** Deterministic values in [-1, 1). */
function pseudoRandom(length: number, seed: number): number[] {
  return Array.from({ length }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) % 1);
}

/**
 * TensorFlow's average pooling as a list of windows: for each output (in NHWC order), the input indices it averages
 * (the window's positions inside the input; padding is not counted).
 */
function poolWindows({ shape, filter, stride, pad }: PoolCase): { outShape: number[]; windows: number[][] } {
  const [batch, height, width, channels] = shape;
  const out = (size: number, f: number, s: number) =>
    pad === "same" ? Math.ceil(size / s) : Math.floor((size - f) / s) + 1;
  const before = (size: number, o: number, f: number, s: number) =>
    pad === "same" ? Math.floor(Math.max((o - 1) * s + f - size, 0) / 2) : 0;
  const [outHeight, outWidth] = [out(height, filter[0], stride[0]), out(width, filter[1], stride[1])];
  const [top, left] = [
    before(height, outHeight, filter[0], stride[0]),
    before(width, outWidth, filter[1], stride[1]),
  ];
  const windows: number[][] = [];
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outHeight; r++) {
      for (let c = 0; c < outWidth; c++) {
        for (let d = 0; d < channels; d++) {
          const window: number[] = [];
          for (let i = r * stride[0] - top; i < r * stride[0] - top + filter[0]; i++) {
            for (let j = c * stride[1] - left; j < c * stride[1] - left + filter[1]; j++) {
              if (i >= 0 && i < height && j >= 0 && j < width) {
                window.push(((b * height + i) * width + j) * channels + d);
              }
            }
          }
          windows.push(window);
        }
      }
    }
  }
  return { outShape: [batch, outHeight, outWidth, channels], windows };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  return Array.from(a).reduce((max, value, i) => Math.max(max, Math.abs(value - b[i])), 0);
}

describe.each(BACKENDS)("TensorFlow-compatible AvgPool gradient (%s)", (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it.each(POOL_CASES)("$name: the gradient is the adjoint of TensorFlow's forward pass", (poolCase) => {
    const { shape, filter, stride, pad } = poolCase;
    const { outShape, windows } = poolWindows(poolCase);
    const size = shape.reduce((a, b) => a * b, 1);
    const x = pseudoRandom(size, 1);
    const dy = pseudoRandom(windows.length, 2);
    const pool = (t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, filter, stride, pad);

    // The forward pass is TensorFlow's: each window averaged over its positions inside the input.
    const forward = tf.tidy(() => pool(tf.tensor4d(x, shape)).dataSync());
    const expectedForward = windows.map((w) => w.reduce((s, i) => s + x[i], 0) / w.length);
    expect(maxAbsDiff(forward, expectedForward)).toBeLessThan(1e-6);

    // Its adjoint, analytically: dx[i] = Σ over the windows o that hold i of dy[o] / |o|.
    const expected = new Float64Array(size);
    windows.forEach((w, o) => w.forEach((i) => (expected[i] += dy[o] / w.length)));

    const before = tf.memory().numTensors;
    const input = tf.tensor4d(x, shape);
    const gradient = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pool(t), tf.tensor(dy, outShape))))(input);
    const values = gradient.dataSync();
    tf.dispose([input, gradient]);
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDiff(values, expected)).toBeLessThan(1e-6);
  });

  it.each(POOL_CASES)(
    "$name: the gradient is the transposed Jacobian of the forward, built from unit inputs",
    ({ shape, filter, stride, pad }) => {
      // One sample, so that the unit inputs fit a batch: row k of the Jacobian's transpose is the pool of unit input k.
      const single: [number, number, number, number] = [1, shape[1], shape[2], shape[3]];
      const size = single.reduce((a, b) => a * b, 1);
      const jacobianT = tf.tidy(() => {
        const units = tf.reshape<tf.Rank.R4>(tf.eye(size), [size, single[1], single[2], single[3]]);
        return tf.reshape(tf.avgPool(units, filter, stride, pad), [size, -1]).arraySync() as number[][];
      });
      const outputs = jacobianT[0].length;
      const dy = pseudoRandom(outputs, 3);
      const expected = jacobianT.map((row) => row.reduce((s, v, o) => s + v * dy[o], 0));
      const gradient = tf.tidy(() => {
        const outShape = tf.avgPool(tf.zeros(single) as tf.Tensor4D, filter, stride, pad).shape;
        return tf
          .grad((t: tf.Tensor) =>
            tf.sum(tf.mul(tf.avgPool(t as tf.Tensor4D, filter, stride, pad), tf.tensor(dy, outShape))),
          )(tf.tensor4d(pseudoRandom(size, 4), single))
          .dataSync();
      });
      expect(maxAbsDiff(gradient, expected)).toBeLessThan(1e-6);
    },
  );

  it("differs from TF.js's own gradient only where padding clips a window (none on tensorflow)", () => {
    const { shape, filter, stride, pad } = POOL_CASES[0];
    const gradientOf = () =>
      tf.tidy(() =>
        tf
          .grad((t: tf.Tensor) => tf.sum(tf.avgPool(t as tf.Tensor4D, filter, stride, pad)))(tf.ones(shape))
          .dataSync(),
      );
    unregisterTfCompatibleGradients();
    let stock: ArrayLike<number>;
    try {
      stock = gradientOf();
    } finally {
      registerTfCompatibleGradients();
    }
    // 5×7 in 2×2 windows: the last row and column of windows hold 2 positions (1 in the corner), not 4.
    const ours = gradientOf();
    const [, height, width, channels] = shape;
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        const at = (i * width + j) * channels;
        const tensorflows = 1 / ((i === height - 1 ? 1 : 2) * (j === width - 1 ? 1 : 2));
        // TF.js's cpu and wasm kernels divide by the whole window; the tensorflow backend's is TensorFlow's own.
        expect(stock[at]).toBeCloseTo(backend === "tensorflow" ? tensorflows : 1 / 4, 7);
        expect(ours[at]).toBeCloseTo(tensorflows, 7);
      }
    }
  });
});

describe("registerTfCompatibleGradients / unregisterTfCompatibleGradients", () => {
  it("initBackend registered them; registering again is idempotent and quiet", () => {
    const warn = vi.spyOn(console, "warn");
    for (const config of tfCompatibleGradients) expect(tf.getGradient(config.kernelName)).toBe(config);
    registerTfCompatibleGradients();
    for (const config of tfCompatibleGradients) expect(tf.getGradient(config.kernelName)).toBe(config);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("restores TF.js's own gradients, and can register again", () => {
    unregisterTfCompatibleGradients();
    unregisterTfCompatibleGradients();
    for (const config of tfCompatibleGradients) {
      const stock = tf.getGradient(config.kernelName);
      expect(stock?.kernelName).toBe(config.kernelName);
      expect(stock).not.toBe(config);
    }
    registerTfCompatibleGradients();
    for (const config of tfCompatibleGradients) expect(tf.getGradient(config.kernelName)).toBe(config);
  });
});
