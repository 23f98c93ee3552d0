// How review states read in the UI (buttons, badges, the sidebar filter), in one place.
import type { ReviewState } from '../../../../shared/types/dataset'

export const REVIEW_NAMES: Record<ReviewState, string> = {
  accepted: 'Accepted',
  'needs-review': 'Needs review',
  rejected: 'Rejected',
}
