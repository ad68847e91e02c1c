/**
 * Benchmarks the fast wasm gradient kernels (shared/engine/wasm-kernels) against the stock wasm backend in one run:
 * the input gradient of a seed-sized CNN, then the individual kernels on that CNN's shapes.
 *
 *   npx tsx bench/wasm-kernels.ts [cnn|kernels] [kernel name filter]
 *
 * Env: BENCH_REPEATS (default 3), BENCH_CPU_IMAGES (images checked against the cpu backend, default 2).
 * Stock and fast runs alternate so that load from other processes affects both alike.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerFastWasmKernels, unregisterFastWasmKernels } from "../shared/engine/wasm-kernels/index.js";
import { seedSizedCnn } from "./seed-sized-cnn.js";

const BATCH = 16;
const SIZE = 256;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const CPU_IMAGES = Number(process.env.BENCH_CPU_IMAGES ?? 2);

type Mode = "stock" | "fast";

function useMode(mode: Mode): void {
  if (mode === "fast") {
    registerFastWasmKernels();
  } else {
    unregisterFastWasmKernels();
  }
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
}

/** Wall time in ms of `run`, reading back (and disposing) its result. */
function timeOnce(run: () => tf.Tensor): number {
  const start = performance.now();
  const out = run();
  out.dataSync();
  const ms = performance.now() - start;
  out.dispose();
  return ms;
}

/** Median ms of `run` per mode, after a warm-up, alternating the modes. */
function timeModes(run: () => tf.Tensor, modes: readonly Mode[]): Record<Mode, number> {
  const times: Record<Mode, number[]> = { stock: [], fast: [] };
  for (let i = -1; i < REPEATS; i++) {
    for (const mode of modes) {
      useMode(mode);
      const ms = timeOnce(run);
      if (i >= 0) {
        times[mode].push(ms);
      }
    }
  }
  return { stock: median(times.stock), fast: median(times.fast) };
}

function maxRelDiff(actual: tf.Tensor, expected: tf.Tensor): number {
  const stats = tf.tidy(() => tf.stack([tf.max(tf.abs(tf.sub(actual, expected))), tf.max(tf.abs(expected))]));
  const [diff = NaN, scale = NaN] = stats.dataSync();
  stats.dispose();
  return diff / scale;
}

/** d output[:, 0] / d input, as Integrated Gradients needs it. */
function inputGradient(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  const classScore = (t: tf.Tensor): tf.Tensor =>
    tf.sum(tf.slice(model.apply(t) as tf.Tensor, [0, 0], [-1, 1]));
  return tf.grad(classScore)(x);
}

async function benchCnnGradient(): Promise<void> {
  const model = seedSizedCnn(SIZE);
  const x = tf.randomUniform([BATCH, SIZE, SIZE, 3], 0, 1, "float32", 7);
  const ms = timeModes(() => inputGradient(model, x), ["stock", "fast"]);
  const grads: Partial<Record<Mode, tf.Tensor>> = {};
  for (const mode of ["stock", "fast"] as const) {
    useMode(mode);
    grads[mode] = inputGradient(model, x);
  }
  console.log(`Input gradient of the seed CNN, ${BATCH}×${SIZE}×${SIZE}×3 (median of ${REPEATS}):`);
  console.log(
    `  stock wasm ${ms.stock.toFixed(0)} ms, fast wasm ${ms.fast.toFixed(0)} ms, speed-up ${(ms.stock / ms.fast).toFixed(2)}×`,
  );
  const [stock, fast] = [grads.stock as tf.Tensor, grads.fast as tf.Tensor];
  console.log(`  max rel diff fast vs stock: ${maxRelDiff(fast, stock).toExponential(2)}`);

  if (CPU_IMAGES > 0) {
    const head = (t: tf.Tensor): tf.Tensor => tf.slice(t, 0, CPU_IMAGES);
    const [xHead, stockHead, fastHead] = [head(x), head(stock), head(fast)];
    await tf.setBackend("cpu");
    const reference = inputGradient(model, xHead);
    console.log(
      `  cpu backend reference on ${CPU_IMAGES} image(s): max rel diff fast ${maxRelDiff(fastHead, reference).toExponential(2)}, stock ${maxRelDiff(stockHead, reference).toExponential(2)}`,
    );
    await tf.setBackend("wasm");
    tf.dispose([xHead, stockHead, fastHead, reference]);
  }
  tf.dispose([x, stock, fast]);
  model.dispose();
}

interface KernelBench {
  name: string;
  run: () => tf.Tensor;
  /** Whether the stock wasm backend has this kernel. */
  stock: boolean;
}

function conv2dBenches(): KernelBench[] {
  const cases: [number, number, number, number][] = [
    [256, 3, 32, 1],
    [128, 32, 64, 1],
    [64, 64, 64, 1],
    [32, 64, 128, 1],
    [128, 32, 64, 2],
  ];
  return cases.flatMap(([size, inC, outC, stride]) => {
    const xShape: [number, number, number, number] = [BATCH, size, size, inC];
    const x = tf.randomUniform(xShape, -1, 1, "float32", size);
    const dy = tf.randomUniform([BATCH, size / stride, size / stride, outC], -1, 1, "float32", size + 1);
    const filter = tf.randomUniform([3, 3, inC, outC], -1, 1, "float32", size + 2) as tf.Tensor4D;
    const attrs = { strides: stride, pad: "same", dataFormat: "NHWC" };
    const label = `3×3 s${stride} ${size}×${size} ${inC}→${outC}`;
    return [
      {
        name: `Conv2DBackpropInput ${label}`,
        stock: true,
        run: () =>
          tf
            .engine()
            .runKernel(tf.Conv2DBackpropInput, { dy, filter }, { ...attrs, inputShape: xShape }) as tf.Tensor,
      },
      {
        name: `Conv2DBackpropFilter ${label}`,
        stock: false,
        run: () =>
          tf
            .engine()
            .runKernel(
              tf.Conv2DBackpropFilter,
              { x, dy },
              { ...attrs, filterShape: filter.shape },
            ) as tf.Tensor,
      },
    ];
  });
}

function maxPoolBenches(): KernelBench[] {
  const cases: [number, number, number, number][] = [
    [256, 32, 2, 2],
    [128, 64, 2, 2],
    [64, 64, 2, 2],
    [32, 128, 2, 2],
    [112, 64, 3, 2],
  ];
  return cases.map(([size, channels, poolSize, stride]) => {
    const x = tf.randomUniform([BATCH, size, size, channels], -1, 1, "float32", size) as tf.Tensor4D;
    const y = tf.maxPool(x, poolSize, stride, "same");
    const dy = tf.randomUniform(y.shape, -1, 1, "float32", size + 1);
    const attrs = { filterSize: poolSize, strides: stride, pad: "same" };
    return {
      name: `MaxPoolGrad ${poolSize}×${poolSize} s${stride} ${size}×${size}×${channels}`,
      stock: true,
      run: () => tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: x, output: y }, attrs) as tf.Tensor,
    };
  });
}

function batchNormBenches(): KernelBench[] {
  return [
    [256, 32],
    [128, 64],
  ].map(([size = 0, channels = 0]) => {
    const x = tf.randomUniform([BATCH, size, size, channels], -1, 1, "float32", size);
    const dy = tf.randomUniform(x.shape, -1, 1, "float32", size + 1);
    const params = [0, 1, 2].map((i) => tf.randomUniform([channels], 0.5, 1.5, "float32", size + 2 + i));
    return {
      name: `FusedBatchNorm gradient (x) ${size}×${size}×${channels}`,
      stock: true,
      run: () =>
        tf.tidy(() => {
          const gradients = tf
            .getGradient(tf.FusedBatchNorm)
            .gradFunc(dy, [x, ...params], { varianceEpsilon: 1e-3 });
          return (gradients.x as () => tf.Tensor)();
        }),
    };
  });
}

function depthwiseBenches(): KernelBench[] {
  const cases: [number, number, number, number][] = [
    [112, 32, 1, 1],
    [112, 32, 1, 2],
    [56, 64, 2, 1],
  ];
  return cases.flatMap(([size, channels, multiplier, stride]) => {
    const xShape: [number, number, number, number] = [BATCH, size, size, channels];
    const filter = tf.randomUniform([3, 3, channels, multiplier], -1, 1, "float32", size) as tf.Tensor4D;
    const x = tf.randomUniform(xShape, -1, 1, "float32", size + 1) as tf.Tensor4D;
    const dy = tf.randomUniform(
      tf.depthwiseConv2d(x, filter, stride, "same").shape,
      -1,
      1,
      "float32",
      size + 2,
    );
    const attrs = { strides: stride, dilations: 1, pad: "same" };
    const label = `${size}×${size}×${channels} m${multiplier} s${stride}`;
    return [
      {
        name: `DepthwiseConv2dNativeBackpropInput ${label}`,
        stock: false,
        run: () =>
          tf
            .engine()
            .runKernel(
              tf.DepthwiseConv2dNativeBackpropInput,
              { dy, filter },
              { ...attrs, inputShape: xShape },
            ) as tf.Tensor,
      },
      {
        name: `DepthwiseConv2dNativeBackpropFilter ${label}`,
        stock: false,
        run: () =>
          tf
            .engine()
            .runKernel(
              tf.DepthwiseConv2dNativeBackpropFilter,
              { x, dy },
              { ...attrs, filterShape: filter.shape },
            ) as tf.Tensor,
      },
    ];
  });
}

function benchKernels(filter: string): void {
  console.log(`\nKernels on batch ${BATCH} (median of ${REPEATS}; stock "-" = not registered on wasm):`);
  const benches = [...conv2dBenches(), ...maxPoolBenches(), ...batchNormBenches(), ...depthwiseBenches()];
  for (const bench of benches.filter((b) => b.name.includes(filter))) {
    const ms = timeModes(bench.run, bench.stock ? ["stock", "fast"] : ["fast"]);
    let comparison = "";
    if (bench.stock) {
      useMode("stock");
      const stockOut = bench.run();
      useMode("fast");
      const fastOut = bench.run();
      comparison = `${(ms.stock / ms.fast).toFixed(1)}×  diff ${maxRelDiff(fastOut, stockOut).toExponential(1)}`;
      tf.dispose([stockOut, fastOut]);
    }
    const stockText = bench.stock ? `${ms.stock.toFixed(0)} ms` : "-";
    console.log(
      `  ${bench.name.padEnd(56)} stock ${stockText.padStart(8)}  fast ${ms.fast.toFixed(0).padStart(6)} ms  ${comparison}`,
    );
  }
}

const [part, filter = ""] = process.argv.slice(2);
await tf.setBackend("wasm");
await tf.ready();
if (part !== "kernels") {
  await benchCnnGradient();
}
if (part !== "cnn") {
  benchKernels(filter);
}
