// The Train tab's form and experiment-template choices, kept in localStorage so they survive a reload.
// What is read back is checked: a saved state that is stale or corrupt falls back to the defaults, quietly.
import { z } from 'zod'
import { PRETRAIN_METHODS } from '../../../../shared/training-protocol'
import { CPU_DEFAULTS, parseTrainForm, type TrainForm } from '../../../../shared/train-form'

/** The template fields of the Train tab (seeds per table cell, the sweep's method, counts and seeds). */
export interface TemplateChoices {
  tableSeeds: number
  sweepMethod: TrainForm['method']
  countsText: string
  sweepSeeds: number
}

export const DEFAULT_CHOICES: TemplateChoices = { tableSeeds: 3, sweepMethod: 'simclr', countsText: '10, 50, 200', sweepSeeds: 3 }

const choicesSchema = z.object({
  tableSeeds: z.number(),
  sweepMethod: z.enum([...PRETRAIN_METHODS, 'none']),
  countsText: z.string().max(2000),
  sweepSeeds: z.number(),
})

export interface SavedTraining {
  form: TrainForm
  choices: TemplateChoices
}

export const STORAGE_KEY = 'workbench.train.v1'

/** Storage as the store uses it: localStorage in the app, a stand-in in tests, none where it is blocked. */
export type KeyValue = Pick<Storage, 'getItem' | 'setItem'>

export function browserStorage(): KeyValue | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null // a browser that blocks storage throws on access
  }
}

/** The saved form and choices, each part checked on its own; what does not check out is the default. */
export function loadTraining(storage: KeyValue | null): SavedTraining {
  let raw: unknown = null
  try {
    raw = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null')
  } catch {
    raw = null
  }
  const saved = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {}
  const choices = choicesSchema.safeParse({ ...DEFAULT_CHOICES, ...(isObject(saved.choices) ? saved.choices : {}) })
  return {
    form: parseTrainForm(saved.form) ?? { ...CPU_DEFAULTS },
    choices: choices.success ? choices.data : { ...DEFAULT_CHOICES },
  }
}

export function saveTraining(storage: KeyValue | null, state: SavedTraining): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(state))
  } catch {
    // Full or blocked storage only costs the form after a reload; training goes on.
  }
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v)
