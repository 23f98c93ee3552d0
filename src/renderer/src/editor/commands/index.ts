// Commands and key chords, re-exported for the editor component and tests.
export * from './commands'
export * from './keys'
