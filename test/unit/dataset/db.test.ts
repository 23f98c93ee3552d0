// The SQLite layer: pragmas, the migration runner, and labels that re-indexing must not overwrite.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate, type Migration } from '../../../src/main/db/migrate'
import { MIGRATIONS } from '../../../src/main/db/migrations'
import { openDatabase } from '../../../src/main/db/open'
import { LabelsRepo } from '../../../src/main/db/repositories/labels-repo'

const dir = mkdtempSync(join(tmpdir(), 'wb-db-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('openDatabase', () => {
  it('uses WAL and foreign keys and applies every migration once', () => {
    const file = join(dir, 'a.sqlite')
    const db = openDatabase(file)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.id)
    db.close()
    const again = openDatabase(file)
    const rows = again.prepare('SELECT id, name FROM schema_migrations').all()
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ id: m.id, name: m.name })))
    again.close()
  })
})

describe('migrate', () => {
  it('applies new migrations in order and rolls back a failing one whole', () => {
    const db = new Database(':memory:')
    const m1: Migration = { id: 1, name: '001-a', sql: 'CREATE TABLE a (x INTEGER)' }
    const m2: Migration = { id: 2, name: '002-b', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO nope VALUES (1)' }
    expect(migrate(db, [m1])).toEqual([1])
    expect(() => migrate(db, [m2, m1])).toThrow(/nope/)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined()
    const fixed = { ...m2, sql: 'CREATE TABLE b (x INTEGER)' }
    expect(migrate(db, [m1, fixed])).toEqual([2])
    expect(migrate(db, [m1, fixed])).toEqual([])
    expect(() => migrate(db, [m1, { ...m1, name: 'dup' }])).toThrow(/share id 1/)
  })
})

describe('migration 005-trimap-check', () => {
  it('makes the next index check every trimap of a database indexed before trimaps were decoded', () => {
    const db = new Database(':memory:')
    migrate(db, MIGRATIONS.filter((m) => m.id <= 4))
    db.prepare("INSERT INTO datasets (id, root, name, opened_at) VALUES (1, '/r', 'r', 'now')").run()
    db.prepare(
      `INSERT INTO images (id, dataset_id, name, file, breed, breed_id, class_id, species, split, bytes, mtime_ms, trimap_sig)
       VALUES (1, 1, 'pug_1', 'images/pug_1.jpg', 'pug', 18, 26, 'dog', 'test', 1, 1, '812:1700000000000')`,
    ).run()
    migrate(db, MIGRATIONS)
    expect(db.prepare('SELECT trimap_sig, trimap_file FROM images WHERE id = 1').get()).toEqual({ trimap_sig: null, trimap_file: null })
  })
})

describe('LabelsRepo.setOriginal', () => {
  it('never replaces an edited label with the release trimap', () => {
    const db = openDatabase(join(dir, 'b.sqlite'))
    db.prepare("INSERT INTO datasets (id, root, name, opened_at) VALUES (1, '/r', 'r', 'now')").run()
    db.prepare(
      `INSERT INTO images (id, dataset_id, name, file, breed, breed_id, class_id, species, split, bytes, mtime_ms)
       VALUES (1, 1, 'pug_1', 'images/pug_1.jpg', 'pug', 18, 26, 'dog', 'test', 1, 1)`,
    ).run()
    const labels = new LabelsRepo(db)
    labels.setOriginal(1, 'annotations/trimaps/pug_1.png', 10, 10)
    expect(labels.get(1)).toMatchObject({ source: 'original', updated_by: 'dataset' })
    labels.set({ imageId: 1, source: 'edited', file: '/data/labels/pug_1.png', width: 10, height: 10, updatedBy: 'user' })
    labels.setOriginal(1, 'annotations/trimaps/pug_1.png', 10, 10)
    labels.removeOriginal(1)
    expect(labels.get(1)).toMatchObject({ source: 'edited', file: '/data/labels/pug_1.png' })
    db.close()
  })
})
