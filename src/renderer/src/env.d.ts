// Ambient types of the renderer: the bridge the Electron preload puts on window.
// (.vue imports are typed by vue-tsc itself, so no '*.vue' shim is needed.)
/// <reference types="vite/client" />
import type { PreloadBridge } from '../../shared/bridge'

declare global {
  interface Window {
    /** Present only inside Electron (set by src/preload); web mode talks HTTP instead. */
    workbench?: PreloadBridge
  }
}
