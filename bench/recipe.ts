/**
 * The DSB2018 recipe (`train --size 96 --base 16 --patches 4 --batch 8 --seed 41`) for a few
 * epochs through the app's own `trainRun` (data loading, augmentation, validation, checkpoints),
 * and its PyTorch peer (`../shared/bench/torch_dsb_recipe_peer.py`) with the same epochs.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { trainRun } from '../src-main/engine/train/train-run'
import { DEFAULT_PEER_PYTHON } from './peer'

/** Where the recipe's data lives, from the repo root. */
export function recipeData(repoRoot: string): string {
  return resolve(repoRoot, '..', 'shared', 'datasets', 'dsb2018', 'stage1_train')
}

/** Our side of the recipe: seconds per epoch, peak RSS and the last validation IoU. */
export interface RecipeResult {
  epochSeconds: number[]
  /** Median seconds per epoch (the peer reports the median too). */
  epochS: number
  totalS: number
  rssMb: number
  /** Null without validation images. */
  valIou: number | null
  trainImages: number
  valImages: number
}

/** The recipe peer's JSON line (see torch_dsb_recipe_peer.py). */
export interface RecipePeerResult {
  torch: string
  threads: number
  epoch_s_median: number
  epoch_s: number[]
  total_s: number
  peak_rss_mb: number
  val_iou: number | null
  train_images: number
  val_images: number
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Runs `epochs` epochs of the recipe in this process, into a temporary run folder. */
export async function runRecipe(
  data: string,
  epochs: number,
  log: (line: string) => void
): Promise<RecipeResult> {
  const out = await mkdtemp(join(os.tmpdir(), 'unet-recipe-'))
  const t0 = performance.now()
  const epochSeconds: number[] = []
  try {
    const summary = await trainRun(
      { data, out, size: 96, base: 16, epochs, patches: 4, batch: 8, seed: 41, backend: 'wasm' },
      {
        onEpoch: (e) => {
          epochSeconds.push(e.seconds)
          log(
            `recipe epoch ${e.epoch}/${e.epochs}: ${e.seconds.toFixed(1)} s, loss ${e.loss.toFixed(3)}, val IoU ${e.valIou?.toFixed(4) ?? '-'}`
          )
        }
      }
    )
    return {
      epochSeconds,
      epochS: median(epochSeconds),
      totalS: (performance.now() - t0) / 1000,
      rssMb: process.resourceUsage().maxRSS / 1024,
      valIou: summary.lastValIou,
      trainImages: summary.trainImages,
      valImages: summary.valImages
    }
  } finally {
    await rm(out, { recursive: true, force: true })
  }
}

/** Path of the recipe peer: `<repo>/../shared/bench/torch_dsb_recipe_peer.py`. */
export function recipePeerScript(repoRoot: string): string {
  return resolve(repoRoot, '..', 'shared', 'bench', 'torch_dsb_recipe_peer.py')
}

/** Runs the recipe peer with the same epochs; its figures, or why it could not run. */
export function runRecipePeer(
  repoRoot: string,
  data: string,
  epochs: number,
  python = DEFAULT_PEER_PYTHON
): { result: RecipePeerResult } | { problem: string } {
  const script = recipePeerScript(repoRoot)
  if (!existsSync(script)) return { problem: `peer script not found: ${script}` }
  if (!existsSync(python)) return { problem: `${python} not found: apt-get install python3-torch` }
  const run = spawnSync(python, [script, data, '--epochs', String(epochs)], {
    encoding: 'utf8',
    cwd: repoRoot,
    timeout: 60 * 60_000
  })
  if (/No module named .?(torch|PIL|numpy)/.test(run.stderr ?? '')) {
    return {
      problem:
        'PyTorch, numpy or Pillow is missing for /usr/bin/python3: apt-get install python3-torch python3-numpy python3-pil'
    }
  }
  const line = (run.stdout ?? '').trim().split('\n').pop() ?? ''
  try {
    return { result: JSON.parse(line) as RecipePeerResult }
  } catch {
    return {
      problem: `recipe peer failed (exit ${run.status}): ${(run.stderr ?? '').trim().split('\n').pop()}`
    }
  }
}
