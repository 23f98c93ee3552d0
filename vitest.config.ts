// Vitest: unit and integration tests run in Node; .vue files compile through the Vue plugin.
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { existsSync } from 'node:fs'

// The webgpu tests need a Vulkan device; on CPU-only machines that is Chromium's SwiftShader (Debian's
// chromium package, which CI installs). The loader path must be in the worker's environment when it
// starts, so it is set here for the test workers rather than inside a test.
const SWIFTSHADER_DIR = '/usr/lib/chromium'
const swiftshaderEnv: Record<string, string> =
  existsSync(`${SWIFTSHADER_DIR}/vk_swiftshader_icd.json`) && !process.env.VK_DRIVER_FILES
    ? {
        LD_LIBRARY_PATH: [SWIFTSHADER_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
        VK_DRIVER_FILES: `${SWIFTSHADER_DIR}/vk_swiftshader_icd.json`,
      }
    : {}

export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/faults/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more forks only thrash the training tests.
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    env: swiftshaderEnv,
  },
})
