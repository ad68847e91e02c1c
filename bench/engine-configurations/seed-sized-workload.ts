import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { saveModelBundle } from "../../shared/model/save-model-bundle.js";
import { SEED_LENS } from "../../shared/model/seed-lens.js";
import { encodeNpy } from "../../shared/render/npy.js";
import { syntheticImage } from "../../test/fixtures/images.js";
import { forwardFlops, seedSizedCnn } from "../seed-sized-cnn.js";
import type { Workload } from "./workload.js";

/** The seed notebook's input size. */
const SIZE = SEED_LENS.input.width;

/**
 * Writes the inputs every configuration shares into a fresh temporary folder: the seed-sized CNN as a bundle
 * (the same weights for TF.js and Keras) and a smooth synthetic image scaled to [0, 1] as `input.npy`. Outputs go
 * to `<folder>/<name>.ig.npy`.
 */
export async function writeSeedSizedWorkload(
  steps: number,
  target: number,
): Promise<{
  folder: string;
  parameters: number;
  /** A forward and a backward pass: about 3 × the forward pass's multiply-adds × 2. */
  gradientFlops: number;
  workloadFor: (name: string) => Workload;
}> {
  const folder = await mkdtemp(join(tmpdir(), "cnn-lens-bench-engine-"));
  const bundle = join(folder, "seed-sized");
  const model = seedSizedCnn(SIZE);
  await saveModelBundle(model, { ...SEED_LENS, name: "seed-sized" }, bundle);
  const rgb = await sharp(await syntheticImage(SIZE, SIZE, 3))
    .raw()
    .toBuffer();
  const input = join(folder, "input.npy");
  await writeFile(
    input,
    encodeNpy(
      Float32Array.from(rgb, (value) => value / 255),
      [SIZE, SIZE, 3],
    ),
  );
  const parameters = model.countParams();
  const gradientFlops = 3 * forwardFlops(model);
  model.dispose();
  return {
    folder,
    parameters,
    gradientFlops,
    workloadFor: (name) => ({ bundle, input, output: join(folder, `${name}.ig.npy`), steps, target }),
  };
}
