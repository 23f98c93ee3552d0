// The renderer's Content-Security-Policy, written once: the build puts it in index.html's <meta>
// (electron.vite.config.ts) and Electron also sends it as a response header (src/main/index.ts).
export const RENDERER_CSP =
  "default-src 'self'; img-src 'self' data: blob: wb-media:; style-src 'self' 'unsafe-inline'; connect-src 'self'; script-src 'self'"

/** The placeholder in src/renderer/index.html that the build replaces by RENDERER_CSP. */
export const CSP_PLACEHOLDER = '__WORKBENCH_CSP__'
