// One signature for "this version of a file" — size and modification time (µs) — used where the
// indexer stores trimap and head-box versions to skip unchanged files and where the image cache names
// the resized copies it made from one version. No ':' so it can stand in a file name on any system.
export function fileSig(st: { size: number; mtimeMs: number }): string {
  return `${st.size}-${Math.round(st.mtimeMs * 1000)}`
}
