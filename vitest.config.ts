import { defineConfig } from "vitest/config";
import { ENV } from "./shared/config/environment.js";

/**
 * The tests that exercise the engine itself: they run once on each backend. Everything else (storage, pipeline,
 * report, CLI, training) runs once, on wasm, the backend `npm ci && npm start` has without the native install.
 * The wasm kernel suites compare wasm against cpu and stay with wasm.
 */
const ENGINE_TESTS = [
  "test/engine/**/*.test.ts",
  "test/analysis/**/*.test.ts",
  "test/model/keras/**/*.test.ts",
];

export default defineConfig({
  test: {
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: { name: "wasm", include: ["test/**/*.test.ts"], env: { [ENV.backend]: "wasm" } },
      },
      {
        extends: true,
        test: {
          name: "tensorflow",
          include: ENGINE_TESTS,
          // The wasm kernels, and the thread pool that only the in-process backends (wasm, cpu) use.
          exclude: [
            "test/engine/wasm-kernels/**",
            "test/engine/parallel-gradient-source.test.ts",
            "test/analysis/explainer.test.ts",
            // Compares this gradient on the cpu and wasm backends.
            "test/engine/batch-norm-gradient.test.ts",
          ],
          env: { [ENV.backend]: "tensorflow" },
        },
      },
    ],
  },
});
