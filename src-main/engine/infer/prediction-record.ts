/**
 * `prediction.json` in a predictions folder: which model made the predictions (with what it
 * is), the settings, the input, when, and with which app version; the result once it ends.
 * Written when a prediction starts (an interrupted one still says what it is) and when it ends.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { PredictOptions } from '../../../src-preload/options/predict'
import type { PredictionRecord } from '../../../src-preload/records'
import { appVersion } from '../../app-version'
import { writeFileAtomic } from '../../data/atomic-write'
import { PredictOutputError } from '../../data/export/output-check'
import { describeModel } from '../model-folder'
import type { LoadedPredictor } from './load-predictor'
import { appliedPostprocess, folderOptions, type PredictSummary } from './predict-folder'

/** The record's file name in a predictions folder. */
export const PREDICTION_FILE = 'prediction.json'

/** What a prediction is about, for its record. */
export interface PredictionStart {
  model: string
  input: string
  out: string
  /** Every prediction setting (threshold, tiles, outputs…). */
  settings: Record<string, unknown>
}

/**
 * The settings of a prediction as its record lists them: every option but model, folders and
 * backend, with the threshold, smallest object and split setting it ran with (the user's, else
 * the model's chosen ones, else the fallback).
 */
export function recordedSettings(
  o: Omit<PredictOptions, 'model' | 'backend'>,
  predictor: LoadedPredictor
): Record<string, unknown> {
  const skip = new Set(['model', 'input', 'out', 'backend'])
  // a multi-class model takes each pixel's most likely class: no threshold, objects or splitting
  if (predictor.target === 'classes')
    for (const k of ['threshold', 'minSize', 'minScore', 'split', 'h', 'seedLevel', 'instances'])
      skip.add(k)
  return {
    ...Object.fromEntries(Object.entries(o).filter(([k]) => !skip.has(k))),
    ...appliedPostprocess(predictor, folderOptions(o))
  }
}

async function write(out: string, record: PredictionRecord): Promise<void> {
  await mkdir(out, { recursive: true })
  await writeFileAtomic(join(out, PREDICTION_FILE), JSON.stringify(record, null, 2) + '\n')
}

/**
 * Throws a {@link PredictOutputError} when `out` holds the predictions of another input folder
 * (its `prediction.json` says so): they would be mixed with this input's, or overwritten.
 */
export async function assertOutputFor(input: string, out: string): Promise<void> {
  const held = await readPredictionRecord(out)
  if (held && resolve(held.input) !== resolve(input))
    throw new PredictOutputError(
      `output folder ${resolve(out)} holds the predictions of ${held.input} (its ` +
        `${PREDICTION_FILE}): choose another folder for ${resolve(input)}, or delete that one`
    )
}

/**
 * Writes the record of a prediction that starts now (refused into a folder holding another
 * input's predictions); returns it.
 */
export async function startPredictionRecord(p: PredictionStart): Promise<PredictionRecord> {
  await assertOutputFor(p.input, p.out)
  const m = await describeModel(p.model)
  const record: PredictionRecord = {
    version: 1,
    app: { name: 'UNet Studio', version: appVersion() },
    date: new Date().toISOString(),
    input: resolve(p.input),
    model: {
      path: m.path,
      name: m.name,
      dataset: m.dataset,
      createdAt: m.createdAt,
      arch: m.arch,
      labelType: m.labelType,
      invertMask: m.invertMask ?? false,
      classes: m.classes,
      channels: m.channels
    },
    settings: p.settings
  }
  await write(p.out, record)
  return record
}

/** Adds the result of the finished (or cancelled) prediction to its record. */
export async function finishPredictionRecord(
  out: string,
  record: PredictionRecord,
  s: PredictSummary
): Promise<void> {
  const { images, done, skipped, failed, objects, cancelled } = s
  await write(out, {
    ...record,
    finishedAt: new Date().toISOString(),
    result: { images, done, skipped, failed, objects, cancelled }
  })
}

/** The record of a predictions folder, or null when it has none (or an unreadable one). */
export async function readPredictionRecord(out: string): Promise<PredictionRecord | null> {
  const file = join(out, PREDICTION_FILE)
  if (!existsSync(file)) return null
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as PredictionRecord
    return record.version === 1 && typeof record.input === 'string' ? record : null
  } catch {
    return null
  }
}
