// The run manager (issue 5): archived runs leave lists and aggregates, runs carry a few tags and a
// note, and an imported run keeps its bundle's content hash so importing it again is refused.
import type { Migration } from '../migrate'

export const runAdmin: Migration = {
  id: 8,
  name: '008-run-admin',
  sql: `
ALTER TABLE runs ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));
-- JSON array of short words
ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT '';
-- 'sha256:<hex>' over config + manifest + weights (export/content-hash.ts); set on import
ALTER TABLE runs ADD COLUMN content_hash TEXT;
CREATE INDEX runs_content_hash ON runs (content_hash);
`,
}
