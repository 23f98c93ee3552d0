// The files of an exported run folder: their schemas (zod), and reading them back with errors that name
// the file and what is wrong in it. Written by export-service.ts, checked again on import.
import { existsSync, statSync } from 'node:fs'
import fs from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { runConfigSchema } from '../../../shared/api-schemas'
import { AppError } from '../../../shared/errors'
import type { EpochMetrics } from '../../../shared/training-protocol'
import type { EpochRecord } from '../../../shared/types/runs'

export const EXPORT_FORMAT = 'unet-ssl-workbench/run'
export const EXPORT_VERSION = 1

const text = z.string().max(4096)
const when = z.string().max(64).nullable()

export const configFileSchema = z.object({
  format: z.literal(EXPORT_FORMAT, { error: `"format" must be "${EXPORT_FORMAT}": this is not a run exported by U-Net SSL Workbench` }),
  version: z.literal(EXPORT_VERSION),
  run: z.object({
    id: z.number().int(),
    name: text,
    kind: z.enum(['pretrain', 'finetune']),
    backend: text.nullable(),
    parentRunId: z.number().int().nullable(),
    createdAt: z.string().max(64),
    startedAt: when,
    finishedAt: when,
    /** content-hash.ts's hash of the run (absent in bundles from before it). */
    contentHash: z.string().max(100).optional(),
  }),
  config: runConfigSchema,
})
export type ConfigFile = z.infer<typeof configFileSchema>

// Loose: metrics carry more fields than the type names (pixel counts), and an import keeps them.
const epochMetricsSchema = z.looseObject({
  f1: z.number(),
  jaccard: z.number(),
  iou: z.array(z.number().nullable()),
  meanIou: z.number(),
  foregroundIou: z.number(),
  pixelAccuracy: z.number(),
})

export interface MetricsFile {
  final: EpochMetrics | null
  lastLoss: number | null
  epochs: EpochRecord[]
}

export const metricsFileSchema: z.ZodType<MetricsFile> = z.object({
  final: epochMetricsSchema.nullable(),
  lastLoss: z.number().nullable(),
  epochs: z.array(z.object({ epoch: z.number().int().min(1), loss: z.number(), seconds: z.number().min(0), metrics: epochMetricsSchema.nullable() })),
})

export const manifestFileSchema = z.object({
  dataset: z.object({ name: text, root: text.nullable(), isDemo: z.boolean() }),
  train: z.array(z.string().max(300)),
  eval: z.array(z.string().max(300)),
})
export type ManifestFile = z.infer<typeof manifestFileSchema>

const weightEntry = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().min(0)),
  dtype: z.enum(['float32', 'int32', 'bool']),
  quantization: z.undefined({ error: 'quantized weights are not supported' }).optional(),
})
export const modelFileSchema = z.object({
  format: z.literal('layers-model', { error: '"format" must be "layers-model" (a tfjs layers model)' }),
  modelTopology: z.object({
    class_name: z.string(),
    config: z.looseObject({ layers: z.array(z.looseObject({ class_name: z.string(), name: z.string().optional(), config: z.record(z.string(), z.unknown()) })) }),
  }).loose(),
  weightsManifest: z.array(z.object({ paths: z.array(z.string().regex(/^[\w.-]+$/, 'weight paths must be plain file names in the folder')).min(1), weights: z.array(weightEntry) })).min(1),
}).loose()
export type ModelFile = z.infer<typeof modelFileSchema>

/** Reads dir/file as JSON and checks it against schema; the error says which file and which field. */
export async function readJsonFile<T>(dir: string, file: string, schema: z.ZodType<T>): Promise<T> {
  const path = join(dir, file)
  if (!existsSync(path)) throw new AppError('NOT_FOUND', `${file} is missing from ${dir}`)
  let raw: unknown
  try {
    raw = JSON.parse(await fs.readFile(path, 'utf8'))
  } catch (err) {
    throw new AppError('PARSE_ERROR', `${file} in ${dir} is not valid JSON: ${(err as Error).message}`)
  }
  const res = schema.safeParse(raw)
  if (!res.success) {
    const issue = res.error.issues[0]!
    const where = issue.path.length ? `${issue.path.join('.')}: ` : ''
    throw new AppError('PARSE_ERROR', `${file} in ${dir} is not what an exported run holds: ${where}${issue.message}`)
  }
  return res.data
}

const BYTES = { float32: 4, int32: 4, bool: 1 } as const

/** Checks that the weight files exist and hold exactly the bytes model.json's manifest describes. */
export function checkWeightFiles(dir: string, model: ModelFile): string[] {
  const files: string[] = []
  let have = 0
  let need = 0
  for (const group of model.weightsManifest) {
    for (const p of group.paths) {
      const f = join(dir, p)
      if (!existsSync(f)) throw new AppError('NOT_FOUND', `${p} (named in model.json's weightsManifest) is missing from ${dir}`)
      have += statSync(f).size
      files.push(p)
    }
    for (const w of group.weights) need += w.shape.reduce((a, b) => a * b, 1) * BYTES[w.dtype]
  }
  if (have !== need) {
    throw new AppError('BAD_INPUT', `${files.join(', ')} in ${dir} hold ${have} bytes, but model.json's weightsManifest describes ${need}: the weights are truncated or belong to another model`)
  }
  return files
}
