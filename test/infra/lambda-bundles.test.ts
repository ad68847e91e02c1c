import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { INDEXER_ENTRY, REPO_ROOT, SCALER_ENTRY } from "../../infra/source-paths.js";

const bundles = new Map<string, ReturnType<typeof bundle>>();

/** The bundle of one entry, built once for this file's tests. */
function bundleOf(entry: string): ReturnType<typeof bundle> {
  const built = bundles.get(entry) ?? bundle(entry);
  bundles.set(entry, built);
  return built;
}

/** The packages a bundle's inputs come from (`@scope/name` or `name`), its project files and its size. */
async function bundle(entry: string): Promise<{ packages: Set<string>; files: string[]; bytes: number }> {
  // As NodeFunction bundles it (infra/node-function.ts): one minified ESM file with the AWS SDK inside.
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    mainFields: ["module", "main"],
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs);
  const packages = new Set(
    inputs.flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? []),
  );
  const files = inputs.filter((input) => !input.includes("node_modules"));
  return { packages, files, bytes: result.outputFiles[0]?.contents.length ?? 0 };
}

/** Project folders whose code needs TensorFlow.js, sharp or the model: no Lambda may reach them. */
const HEAVY_FOLDERS = [
  "shared/engine/",
  "shared/model/",
  "shared/render/",
  "shared/analysis/",
  "shared/image/",
];

describe.each([
  {
    name: "index",
    entry: INDEXER_ENTRY,
    clients: ["@aws-sdk/client-s3"],
    // 0.94 MB measured; the AWS SDK's S3 client is most of it.
    ceilingBytes: 1_300_000,
  },
  {
    name: "scaler",
    entry: SCALER_ENTRY,
    clients: ["@aws-sdk/client-batch", "@aws-sdk/client-sqs"],
    // 0.82 MB measured.
    ceilingBytes: 1_200_000,
  },
])("the $name Lambda's bundle", ({ entry, clients, ceilingBytes }) => {
  it("holds no TensorFlow.js, no sharp, no engine or model code, and only the SDK clients it uses", async () => {
    const { packages, files } = await bundleOf(entry);
    expect([...packages].filter((name) => name.startsWith("@tensorflow/") || name === "sharp")).toEqual([]);
    expect(files.filter((file) => HEAVY_FOLDERS.some((folder) => file.startsWith(folder)))).toEqual([]);
    expect([...packages].filter((name) => name.startsWith("@aws-sdk/client-")).sort()).toEqual(clients);
  });

  it("stays under its size ceiling", async () => {
    const { bytes } = await bundleOf(entry);
    expect(bytes).toBeGreaterThan(100_000);
    expect(bytes).toBeLessThan(ceilingBytes);
  });
});
