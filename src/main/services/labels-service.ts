// The labels service behind 'labels:save' / 'labels:revert' / 'labels:clear': writes edited trimaps into the
// dataset's official layout atomically, keeps the release's original for revert, records provenance. Plain Node.
import { existsSync, rmSync, type Stats, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { dirname, isAbsolute, join } from 'node:path'
import { trimapDataProblem, type Events } from '../../shared/api'
import { AppError } from '../../shared/errors'
import type { Trimap } from '../../shared/trimap'
import type { ImageDetail } from '../../shared/types/dataset'
import { checkTrimap } from '../dataset/decode'
import { fileSig } from '../dataset/file-sig'
import {
  describeIoError,
  encodeTrimapPng,
  keepOriginalOnce,
  mkdirInDataset,
  originalRel,
  removeStaleTemps,
  TEMP_SUFFIX,
  TRIMAPS_DIR,
  trimapRel,
  writeFileAtomicSync,
} from '../dataset/trimap-file'
import type { LabelRow } from '../db/repositories/labels-repo'
import { Serial } from '../serial'
import type { DatasetService } from './dataset-service'

export interface LabelsServiceOptions {
  datasets: DatasetService
  emit?: (change: Events['labels:changed']) => void
  /** Recorded as updated_by; default: the operating-system user name. */
  user?: string
}

/** One image's files: absolute paths of its trimap and of the kept original. */
interface Target {
  id: number
  datasetId: number
  name: string
  rel: string
  file: string
  copy: string
  image: string
  width: number | null
  height: number | null
  brokenReason: string | null
  label: LabelRow | null
}

export class LabelsService {
  private readonly datasets: DatasetService
  private readonly emit: (change: Events['labels:changed']) => void
  private readonly user: string
  // Saves of one image run in order (autosave, then the save on leaving it): the last one wins on disk.
  private readonly saves = new Serial<number>()
  private readonly swept = new Set<string>()

  constructor(opts: LabelsServiceOptions) {
    this.datasets = opts.datasets
    this.emit = opts.emit ?? (() => {})
    this.user = opts.user ?? osUser()
  }

  /**
   * Write `trimap` as the image's label; throws BAD_INPUT (nothing written) or IO_ERROR (old file intact).
   * source: 'edited' from the editor, 'predicted' when a model's prediction is accepted.
   */
  save(imageId: number, trimap: Trimap, source: 'edited' | 'predicted' = 'edited'): Promise<ImageDetail> {
    return this.serial(imageId, () => this.saveNow(imageId, trimap, source))
  }

  /** Put the release's trimap back; NOT_FOUND when the image never had one. */
  revert(imageId: number): Promise<ImageDetail> {
    return this.serial(imageId, () => this.revertNow(imageId))
  }

  /**
   * Make the image unlabelled: its trimap file and label row go, as for an image the release gave no
   * trimap. "Clear" never loses the release's trimap: a file the app did not write is kept in the
   * originals folder first, where revert finds it; the image then counts as unlabelled everywhere
   * (browser, training) until it is labelled again or reverted.
   */
  clear(imageId: number): Promise<ImageDetail> {
    return this.serial(imageId, () => this.clearNow(imageId))
  }

  private async clearNow(imageId: number): Promise<ImageDetail> {
    const t = this.target(imageId)
    if (!t.label && !existsSync(t.file)) return this.datasets.getImage(imageId)
    const files = await this.replaceFile(t, 'clear', async () => {
      if (t.label?.source !== 'edited' && t.label?.source !== 'predicted') await keepOriginalOnce(t.file, t.copy)
      rmSync(t.file, { force: true })
    })
    this.datasets.recordTrimap(imageId, null, { ...files, problem: null })
    return this.changed(imageId)
  }

  private async saveNow(imageId: number, trimap: Trimap, source: 'edited' | 'predicted'): Promise<ImageDetail> {
    const t = this.target(imageId)
    checkFits(t, trimap)
    const png = encodeTrimapPng(trimap)
    const files = await this.replaceFile(t, 'save', async () => {
      mkdirInDataset(dirname(t.file))
      // The first overwrite of the release's file keeps a copy; an edited or predicted file is ours, never "original".
      if (t.label?.source !== 'edited' && t.label?.source !== 'predicted') await keepOriginalOnce(t.file, t.copy)
      writeFileAtomicSync(t.file, png)
    })
    const label = { source, file: t.rel, width: trimap.width, height: trimap.height, updatedBy: this.user }
    this.datasets.recordTrimap(imageId, label, { ...files, problem: null })
    return this.changed(imageId)
  }

  private async revertNow(imageId: number): Promise<ImageDetail> {
    const t = this.target(imageId)
    if (!existsSync(t.copy)) {
      // Never edited by the app: the file on disk is the release's already.
      if (t.label?.source === 'original') return this.datasets.getImage(imageId)
      const why = t.label ? ` (its ${t.label.source} trimap was made without one)` : ''
      throw new AppError('NOT_FOUND', `${t.name} has no original trimap from the release to revert to${why}`)
    }
    const files = await this.replaceFile(t, 'revert', async () => writeFileAtomicSync(t.file, await readFile(t.copy)))
    const check = await checkTrimap(t.file, t.width, t.height)
    const label = check.width === null ? null : { source: 'original' as const, file: t.rel, width: check.width, height: check.height, updatedBy: this.user }
    this.datasets.recordTrimap(imageId, label, { ...files, problem: check.problem })
    return this.changed(imageId)
  }

  private target(imageId: number): Target {
    const img = this.datasets.imageFiles(imageId)
    const label = this.datasets.label(imageId)
    // Keep the release's own file name (a .PNG stays .PNG), so one image never has two trimap files.
    const inDataset = label?.file.startsWith(`${TRIMAPS_DIR}/`) && !isAbsolute(label.file)
    const rel = inDataset ? label!.file : trimapRel(img.name)
    return {
      id: imageId,
      datasetId: img.datasetId,
      name: img.name,
      rel,
      file: join(img.root, rel),
      copy: join(img.root, originalRel(img.name)),
      image: join(img.root, img.file),
      width: img.width,
      height: img.height,
      brokenReason: img.brokenReason,
      label,
    }
  }

  /**
   * Runs `write` (which replaces or removes t.file) with file-system errors turned into IO_ERROR saying
   * what and where. Returns the new file's signature (null: no file), so re-indexing sees an unchanged
   * file, and the replaced version's, whose resized copies are then dropped.
   */
  private async replaceFile(t: Target, verb: 'save' | 'revert' | 'clear', write: () => Promise<void>): Promise<{ sig: string | null; replacedSig: string | null }> {
    const fail = (why: string, where: string): AppError =>
      new AppError('IO_ERROR', `Could not ${verb} the trimap of ${t.name}: ${why} (${where})`)
    if (!existsSync(t.image)) throw fail('the image file no longer exists', t.image)
    const old = statOrNull(t.file)
    await this.sweepOnce(dirname(t.file))
    await this.sweepOnce(dirname(t.copy))
    try {
      await write()
    } catch (err) {
      const path = (err as NodeJS.ErrnoException).path
      const where = !path ? t.file : path.endsWith(TEMP_SUFFIX) ? dirname(path) : path
      throw fail(describeIoError(err), where)
    }
    const now = statOrNull(t.file)
    // Dropped before answering: resized copies are keyed by size and mtime, which two quick saves of one size can share.
    return { sig: now ? fileSig(now) : null, replacedSig: old ? fileSig(old) : null }
  }

  /** Temp files of a killed process are removed the first time this session writes to their folder. */
  private async sweepOnce(dir: string): Promise<void> {
    if (this.swept.has(dir) || !existsSync(dir)) return
    this.swept.add(dir)
    await removeStaleTemps(dir)
  }

  // The bindings deliver this event after the call's answer (call-order.ts).
  private changed(imageId: number): ImageDetail {
    const detail = this.datasets.getImage(imageId)
    this.emit({ imageId, label: detail.label })
    return detail
  }

  private serial<T>(imageId: number, fn: () => Promise<T>): Promise<T> {
    return this.saves.run(imageId, fn)
  }
}

/** The trimap must match the image pixel for pixel and hold only class ids. */
function checkFits(t: Target, trimap: Trimap): void {
  if (t.brokenReason !== null || t.width === null || t.height === null) {
    const why = t.brokenReason ?? 'its size is unknown'
    throw new AppError('UNSUPPORTED', `${t.name} cannot be labelled until its image file is fixed: ${why}`)
  }
  if (trimap.width !== t.width || trimap.height !== t.height) {
    throw new AppError(
      'BAD_INPUT',
      `The trimap for ${t.name} is ${trimap.width}×${trimap.height} but the image is ${t.width}×${t.height}`,
    )
  }
  const problem = trimapDataProblem(trimap)
  if (problem) throw new AppError('BAD_INPUT', `The trimap for ${t.name} cannot be saved: ${problem}`)
}

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file)
  } catch {
    return null
  }
}

/** Who the app runs as: recorded as updated_by of labels and reviews. */
export function osUser(): string {
  try {
    return userInfo().username
  } catch {
    // No passwd entry (some containers): the environment is the next best witness.
    return process.env['USER'] ?? process.env['USERNAME'] ?? 'unknown'
  }
}
