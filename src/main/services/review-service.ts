// The review service behind 'reviews:set': a person's verdict on an image (accepted / needs review /
// rejected) with a short note, recorded with who and when. Plain Node; validates what it is given, since
// tests and the CLI call it without the contract's schema.
import type { Events } from '../../shared/api'
import { AppError } from '../../shared/errors'
import { MAX_REVIEW_NOTE, REVIEW_STATES, type ImageDetail, type ReviewState } from '../../shared/types/dataset'
import type { Db } from '../db/open'
import { ReviewsRepo } from '../db/repositories/reviews-repo'
import type { DatasetService } from './dataset-service'
import { osUser } from './labels-service'

export interface ReviewServiceOptions {
  db: Db
  datasets: DatasetService
  emit?: (change: Events['reviews:changed']) => void
  /** Recorded as updated_by; default: the operating-system user name. */
  user?: string
}

export class ReviewService {
  private readonly repo: ReviewsRepo
  private readonly datasets: DatasetService
  private readonly emit: (change: Events['reviews:changed']) => void
  private readonly user: string

  constructor(opts: ReviewServiceOptions) {
    this.repo = new ReviewsRepo(opts.db)
    this.datasets = opts.datasets
    this.emit = opts.emit ?? (() => {})
    this.user = opts.user ?? osUser()
  }

  /**
   * Set the image's review (state null: not reviewed any more, the note goes too). Throws BAD_INPUT
   * naming the field for an unknown state or a note over MAX_REVIEW_NOTE characters, NOT_FOUND for
   * an unknown image; answers the image as it now is.
   */
  set(imageId: number, state: ReviewState | null, note = ''): ImageDetail {
    checkReview(state, note)
    const detail = this.datasets.getImage(imageId)
    if (state === null) this.repo.remove(imageId)
    else this.repo.set({ imageId, state, note: note.trim(), updatedBy: this.user })
    const now = this.datasets.getImage(imageId)
    // The bindings deliver this after the caller's answer (call-order.ts).
    this.emit({ imageId, datasetId: detail.datasetId, review: now.review })
    return now
  }
}

function checkReview(state: unknown, note: unknown): void {
  if (state !== null && !REVIEW_STATES.includes(state as ReviewState)) {
    throw new AppError('BAD_INPUT', `state: must be one of ${REVIEW_STATES.join(', ')} (or null to clear), not ${JSON.stringify(state)}`)
  }
  if (typeof note !== 'string') throw new AppError('BAD_INPUT', 'note: must be text')
  if (note.length > MAX_REVIEW_NOTE) {
    throw new AppError('BAD_INPUT', `note: is ${note.length} characters long; at most ${MAX_REVIEW_NOTE} are kept`)
  }
}
