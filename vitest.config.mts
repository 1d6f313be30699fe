import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // Two test files at a time even on a 2-core machine: the longest files (notebooks, figures, the pack
    // test) spend most of their time waiting on child processes (Jupyter kernels, Chromium, npm), which
    // vitest's default (cores − 1 = one file at a time here) leaves idle.
    maxWorkers: 2,
  },
});
