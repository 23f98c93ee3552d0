// The types of run configs and worker messages are derived from their zod schemas: these check (at
// type-check time, `tsc -p tsconfig.node.json`) that they keep the shapes the code relies on, and (at
// run time) that the contract's names, schemas and validators agree.
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { z } from 'zod'
import { type ArgOf, CHANNELS, isChannel } from '../../src/shared/api'
import { argSchemas, parseArg, runConfigSchema } from '../../src/shared/api-schemas'
import type { WireError } from '../../src/shared/errors'
import type {
  BackendName,
  EpochMetrics,
  FromWorker,
  PretrainMethod,
  SimclrAugment,
  SslHealth,
  ToWorker,
  TrainingData,
  TrainingJobInput,
} from '../../src/shared/training-protocol'
import { fromWorkerSchema, toWorkerSchema } from '../../src/shared/training-schemas'
import type { DataSplit, LabelBudget, RunConfig, RunKind } from '../../src/shared/types/runs'

type Msg<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>

describe('types derived from schemas', () => {
  it('RunConfig is what runConfigSchema accepts, field by field', () => {
    expectTypeOf<RunConfig>().toEqualTypeOf<z.output<typeof runConfigSchema>>()
    expectTypeOf<RunKind>().toEqualTypeOf<'pretrain' | 'finetune'>()
    expectTypeOf<RunConfig['method']>().toEqualTypeOf<PretrainMethod | 'none'>()
    expectTypeOf<LabelBudget>().toEqualTypeOf<{ mode: 'count'; count: number } | { mode: 'fraction'; fraction: number }>()
    expectTypeOf<DataSplit>().toEqualTypeOf<'official' | 'paper'>()
    expectTypeOf<RunConfig['backend']>().toEqualTypeOf<BackendName | undefined>()
    expectTypeOf<RunConfig['parentRunId']>().toEqualTypeOf<number | null | undefined>()
    expectTypeOf<RunConfig['augment']>().toEqualTypeOf<SimclrAugment | undefined>()
    expectTypeOf<RunConfig['keep']>().toEqualTypeOf<'last' | 'best' | undefined>()
    expectTypeOf<ArgOf<'runs:plan'>>().toEqualTypeOf<{ config: RunConfig }>()
  })

  it('worker messages are the schemas’ unions, with buffers, errors and the job typed', () => {
    expectTypeOf<ToWorker>().toEqualTypeOf<z.output<typeof toWorkerSchema>>()
    expectTypeOf<FromWorker>().toEqualTypeOf<z.output<typeof fromWorkerSchema>>()
    expectTypeOf<Extract<ToWorker, { type: 'start' }>['job']>().toEqualTypeOf<TrainingJobInput>()
    expectTypeOf<Extract<ToWorker, { type: 'start' }>['data']>().toEqualTypeOf<TrainingData>()
    expectTypeOf<TrainingData['images']>().toEqualTypeOf<ArrayBuffer>()
    expectTypeOf<Msg<'predicted'>['classes']>().toEqualTypeOf<ArrayBuffer>()
    expectTypeOf<Msg<'error'>['error']>().toEqualTypeOf<WireError>()
    expectTypeOf<Msg<'epoch'>['metrics']>().toEqualTypeOf<EpochMetrics | null>()
    expectTypeOf<Msg<'epoch'>['health']>().toEqualTypeOf<SslHealth | null | undefined>()
    expectTypeOf<EpochMetrics['iou']>().toEqualTypeOf<(number | null)[]>()
    expectTypeOf<FromWorker['type']>().toEqualTypeOf<
      'ready' | 'step' | 'epoch' | 'checkpoint' | 'done' | 'error' | 'backend' | 'predictReady' | 'predicted' | 'modelExported' | 'modelImported'
    >()
  })
})

describe('the contract without zod', () => {
  it('lists the same calls as the validators, in the same order', () => {
    expect(CHANNELS).toEqual(Object.keys(argSchemas))
    expect(CHANNELS.every(isChannel)).toBe(true)
    expect(isChannel('runs:nope')).toBe(false)
    expect(isChannel('toString')).toBe(false)
  })

  it('still refuses a run config with a bad field, naming it', () => {
    const config = { kind: 'finetune', datasetId: 1, method: 'none', frozenEncoder: false, skips: true, epochs: 1, batchSize: 4, imageSize: 30, simclrSize: 16, learningRate: 0.01, seed: 1 }
    expect(() => parseArg('runs:plan', { config })).toThrow('runs:plan: config.imageSize: ')
    expect(parseArg('runs:plan', { config: { ...config, imageSize: 32 } }).config.imageSize).toBe(32)
  })
})
