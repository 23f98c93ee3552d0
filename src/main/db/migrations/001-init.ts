// First schema: datasets opened, their images as indexed from disk, and each image's current label.
import type { Migration } from '../migrate'

export const init: Migration = {
  id: 1,
  name: '001-init',
  sql: `
CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  root TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  is_demo INTEGER NOT NULL DEFAULT 0,
  opened_at TEXT NOT NULL,
  indexed_at TEXT,
  -- JSON array of paths (relative to root) skipped on purpose: .mat, ._*, stray files
  skipped TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  file TEXT NOT NULL,
  breed TEXT NOT NULL,
  breed_id INTEGER NOT NULL,
  class_id INTEGER NOT NULL,
  species TEXT NOT NULL CHECK (species IN ('cat', 'dog')),
  split TEXT NOT NULL CHECK (split IN ('trainval', 'test', 'none')),
  -- the number after the last '_' of the name, for natural ordering
  seq INTEGER NOT NULL DEFAULT 0,
  width INTEGER,
  height INTEGER,
  format TEXT NOT NULL DEFAULT 'unknown',
  bytes INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  broken_reason TEXT,
  -- JSON array of non-fatal problems shown to the user
  problems TEXT NOT NULL DEFAULT '[]',
  head_xmin INTEGER,
  head_ymin INTEGER,
  head_xmax INTEGER,
  head_ymax INTEGER,
  -- "bytes:mtime" of the head-box xml and of the release's trimap, so re-index skips unchanged files
  xml_sig TEXT,
  trimap_sig TEXT,
  -- 1 when the file vanished from disk; the row (and any edited label) is kept, not deleted
  missing INTEGER NOT NULL DEFAULT 0,
  UNIQUE (dataset_id, name)
);
CREATE INDEX images_order ON images (dataset_id, class_id, seq, name);

CREATE TABLE labels (
  image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('original', 'edited', 'predicted')),
  -- relative to the dataset root for 'original'; absolute for files the app wrote
  file TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX labels_source ON labels (source);
`,
}
