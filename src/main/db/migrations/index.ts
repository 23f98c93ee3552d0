// Every migration in order; a schema change adds its numbered file and appends it here.
import type { Migration } from '../migrate'
import { init } from './001-init'
import { runs } from './002-runs'
import { predictions } from './003-predictions'
import { settings } from './004-settings'
import { trimapCheck } from './005-trimap-check'
import { sslHealth } from './006-ssl-health'
import { imageReviews } from './007-image-reviews'
import { runAdmin } from './008-run-admin'
import { poolJob } from './009-pool-job'

export const MIGRATIONS: readonly Migration[] = [init, runs, predictions, settings, trimapCheck, sslHealth, imageReviews, runAdmin, poolJob]
