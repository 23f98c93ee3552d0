// Review state per image (accepted / needs review / rejected) with a short note, who set it and when,
// so annotators can mark what to look at again; the browser filters and badges by it.
import type { Migration } from '../migrate'

export const imageReviews: Migration = {
  id: 7,
  name: '007-image-reviews',
  sql: `
CREATE TABLE image_reviews (
  image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('accepted', 'needs-review', 'rejected')),
  note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 500),
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX image_reviews_state ON image_reviews (state);
`,
}
