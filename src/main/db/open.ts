// Opens the app's SQLite database (better-sqlite3) with the pragmas every caller relies on,
// then brings its schema up to date. Used by the services, the CLI, web mode and tests.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { migrate } from './migrate'
import { MIGRATIONS } from './migrations'

export type Db = Database.Database

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  // Electron runs a better-sqlite3 built for its own ABI beside the Node build (scripts/start.mjs).
  const nativeBinding = process.env['WORKBENCH_SQLITE_BINDING']
  const db = new Database(file, nativeBinding ? { nativeBinding } : {})
  // WAL lets the web server read while an index transaction writes; busy_timeout covers a second
  // process (the CLI) holding the write lock for a moment.
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('synchronous = NORMAL')
  migrate(db, MIGRATIONS)
  return db
}
