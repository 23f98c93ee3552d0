// Training runs: config, lineage, subset manifest, backend, queue order, status and
// timings, plus one row per finished epoch with its loss and held-out metrics.
import type { Migration } from '../migrate'

export const runs: Migration = {
  id: 2,
  name: '002-runs',
  sql: `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('pretrain', 'finetune')),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  -- the RunConfig as JSON
  config TEXT NOT NULL,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  -- lineage: the pretraining run whose encoder a finetune starts from
  parent_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  backend TEXT,
  backend_report TEXT,
  -- JSON {train: [image names], eval: [image names]}: names, so the subset survives re-indexing
  manifest TEXT NOT NULL,
  -- order among queued runs (0 first); NULL once the run left the queue
  queue_position INTEGER,
  checkpoint_dir TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  error TEXT,
  metrics TEXT,
  last_loss REAL
);
CREATE INDEX runs_dataset ON runs (dataset_id, id);
CREATE INDEX runs_status ON runs (status, queue_position);

CREATE TABLE run_epochs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  -- 1-based epoch number (1 = the first epoch), as the UI shows it
  epoch INTEGER NOT NULL,
  loss REAL NOT NULL,
  seconds REAL NOT NULL,
  metrics TEXT,
  PRIMARY KEY (run_id, epoch)
);
`,
}
