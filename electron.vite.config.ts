// Build of the three Electron targets. The renderer bundle is also what web mode serves (out/renderer).
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import type { Plugin } from 'vite'
import { CSP_PLACEHOLDER, RENDERER_CSP } from './src/shared/csp'

// index.html's CSP <meta> comes from the one constant that Electron also sends as a header.
const cspMeta: Plugin = {
  name: 'workbench-csp-meta',
  transformIndexHtml: {
    order: 'pre',
    handler: (html) => {
      if (!html.includes(CSP_PLACEHOLDER)) throw new Error(`index.html has no ${CSP_PLACEHOLDER} for the CSP`)
      return html.replaceAll(CSP_PLACEHOLDER, RENDERER_CSP)
    },
  },
}

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // The training worker is its own entry: training/host/worker-client.ts starts out/main/worker.js.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          worker: resolve(__dirname, 'src/main/training/worker/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload must be one CommonJS file with nothing to require but electron.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    // Relative asset paths, so the same bundle loads from file:// (Electron) and http:// (web mode).
    base: './',
    build: {
      // electron-vite leaves output unminified; web mode sends it over the wire, so minify.
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [vue(), cspMeta],
  },
})
