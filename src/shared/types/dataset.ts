// DTOs of the dataset browser: what the dataset service returns and the renderer shows.
export type Species = 'cat' | 'dog'
export type Split = 'trainval' | 'test' | 'none'
/** Where the trimap on disk came from: the release, the editor, or a model. */
export type LabelSource = 'original' | 'edited' | 'predicted'
/**
 * "Labelled" means the same everywhere — counts, filters, the run planner, training, "label next": a
 * usable trimap (decodable, values 1/2/3) that a person made or the release shipped. An accepted
 * prediction is not a label until a person edits it; it is counted as 'predicted'.
 */
export const HUMAN_LABEL_SOURCES = ['original', 'edited'] as const
export const isHumanLabel = (source: LabelSource | null | undefined): boolean =>
  source === 'original' || source === 'edited'
/** Filter on label state ('broken' = the image itself could not be decoded). */
export type LabelState = 'labelled' | 'unlabelled' | 'edited' | 'predicted' | 'broken'
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'unknown'
/** A person's verdict on an image and its trimap. */
export const REVIEW_STATES = ['accepted', 'needs-review', 'rejected'] as const
export type ReviewState = (typeof REVIEW_STATES)[number]
/** Longest review note accepted. */
export const MAX_REVIEW_NOTE = 500
/** Filter on review state: one of the states, or 'none' for images nobody reviewed. */
export type ReviewFilter = ReviewState | 'none'

/** An image's review: its state, a short note, who set it and when. */
export interface ImageReview {
  state: ReviewState
  note: string
  updatedAt: string
  updatedBy: string | null
}

export interface DatasetInfo {
  id: number
  /** Absolute folder holding images/ and annotations/. */
  root: string
  name: string
  isDemo: boolean
  openedAt: string
  indexedAt: string | null
  imageCount: number
  labelledCount: number
  brokenCount: number
  splits: Record<Split, number>
  /** Files under images/ or trimaps/ that were skipped on purpose (.mat, ._*), relative to root. */
  skipped: string[]
  /** Set by datasets:list: true when the folder (its annotations/list.txt) is no longer there. */
  missing?: boolean
}

export interface ImageSummary {
  id: number
  /** Image id of the release, e.g. "Abyssinian_1" (file name without extension). */
  name: string
  breed: string
  classId: number
  species: Species
  split: Split
  width: number | null
  height: number | null
  label: LabelSource | null
  broken: boolean
  /** The review state set by a person, or null when nobody reviewed the image. */
  review: ReviewState | null
  /** How many problems the index found (see ImageDetail.problems); 0 for none. */
  problemCount: number
}

export interface HeadBox {
  xmin: number
  ymin: number
  xmax: number
  ymax: number
}

export interface ImageDetail extends ImageSummary {
  datasetId: number
  /** Path relative to the dataset root, e.g. "images/Abyssinian_1.jpg". */
  file: string
  /** Real format found from magic bytes, which may differ from the extension. */
  format: ImageFormat
  breedId: number
  bytes: number
  headBox: HeadBox | null
  /** Reason the image could not be decoded, or null. */
  brokenReason: string | null
  /**
   * Problems a user should see: format differs from extension, trimap size mismatch, a trimap that is
   * no label (undecodable, values other than 1/2/3: the image then counts as unlabelled)…
   */
  problems: string[]
  labelUpdatedAt: string | null
  /**
   * The release had a trimap for this image and it is still available: either it is the current
   * label, or the copy kept before the first edit. 'labels:revert' needs this.
   */
  hasOriginal: boolean
  /** The review with its note, or null when nobody reviewed the image. */
  reviewDetail: ImageReview | null
}

export interface ImageQuery {
  datasetId: number
  species?: Species
  /** Breed name as in list.txt, e.g. "Abyssinian" or "beagle". */
  breed?: string
  split?: Split
  label?: LabelState
  /** Case-insensitive substring of the image name. */
  search?: string
  review?: ReviewFilter
  /** true: only images with problems (format differs from the extension, wrong-size or bad trimap…). */
  problems?: boolean
}

export interface FacetCounts {
  total: number
  species: Record<Species, number>
  split: Record<Split, number>
  label: Record<LabelState, number>
  review: Record<ReviewFilter, number>
  /** Images with problems under the other filters. */
  problems: number
  /** Every breed of the dataset with its count under the other filters, sorted by class id. */
  breeds: { breed: string; classId: number; species: Species; count: number }[]
}

export interface BrokenFile {
  file: string
  reason: string
}

/** What `dataset index --json` prints and the UI shows after indexing. */
export interface IndexSummary {
  datasetId: number
  root: string
  images: number
  labelled: number
  splits: Record<Split, number>
  skipped: string[]
  /** Files that could not be used, each with why: undecodable images, trimaps that are no label, unreadable names. */
  broken: BrokenFile[]
  seconds: number
}

export type ProgressPhase = 'extract' | 'scan' | 'index' | 'thumbnails' | 'generate'

export interface DatasetProgress {
  phase: ProgressPhase
  done: number
  total: number
  message: string
}
