// Model in the loop: one row per (finetune run, image) it predicted, with the PNG's
// path under <dataDir>/predictions/<run id>/ and the scores the review queues sort by.
import type { Migration } from '../migrate'

export const predictions: Migration = {
  id: 3,
  name: '003-predictions',
  sql: `
CREATE TABLE predictions (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  -- absolute path of the predicted trimap PNG (the image's size, values 1/2/3)
  file TEXT NOT NULL,
  -- the model's input side the prediction was made at
  input_size INTEGER NOT NULL,
  -- mean over pixels of the largest softmax probability, 1/3..1
  confidence REAL NOT NULL,
  -- 1 - mean IoU against the stored trimap, or NULL when the image had none
  disagreement REAL,
  -- labels.updated_at of the trimap that disagreement was measured against: a newer label is re-measured
  label_updated_at TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, image_id)
);
CREATE INDEX predictions_image ON predictions (image_id);
`,
}
