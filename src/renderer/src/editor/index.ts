// What the rest of the renderer uses from the editor: the component, how to give it a save
// function, and the session-wide undo histories.
export { default as TrimapEditor } from './TrimapEditor.vue'
export { SAVE_TRIMAP_KEY, AUTOSAVE_DELAY_MS, type SaveTrimap, type SaveOnUnload } from './save'
export { sessionHistories } from './use-editor'
export { HistoryManager, DEFAULT_HISTORY_BYTES } from './history/history'
export { inspectTrimap, repairTrimap, describeReport, type TrimapReport } from './mask/validate'
export { choosePredictionRun, chosenPredictionRun, type PredictionSource, type PredictionRun } from './prediction'
