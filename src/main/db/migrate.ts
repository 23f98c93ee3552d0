// Generic migration runner: applies numbered migrations in order, each in its own transaction,
// and records them in schema_migrations. Later issues only append to migrations/index.ts.
import type Database from 'better-sqlite3'

export interface Migration {
  /** 1, 2, 3… — the number in the file name; applied in ascending order, never reused. */
  id: number
  name: string
  sql: string
}

export function migrate(db: Database.Database, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`)
  const done = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id),
  )
  const sorted = [...migrations].sort((a, b) => a.id - b.id)
  checkUnique(sorted)
  const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)')
  const applied: number[] = []
  for (const m of sorted) {
    if (done.has(m.id)) continue
    db.transaction(() => {
      db.exec(m.sql)
      record.run(m.id, m.name, new Date().toISOString())
    })()
    applied.push(m.id)
  }
  // user_version mirrors the newest migration so `sqlite3 file 'pragma user_version'` tells it at a glance.
  const latest = sorted.at(-1)?.id ?? 0
  db.pragma(`user_version = ${latest}`)
  return applied
}

function checkUnique(sorted: readonly Migration[]): void {
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.id === sorted[i - 1]!.id) {
      throw new Error(`two migrations share id ${sorted[i]!.id}`)
    }
  }
}
