/**
 * `npm run bench [-- --json] [--steps N] [--backend NAME] [--predict-images N] [--no-peer]
 * [--profile]`: trains and runs the yardstick U-Net (same architecture and settings as
 * ../shared/bench/torch_unet_peer.py) on our engine, runs the PyTorch peer in the same run, and
 * prints a table; with `--json` one summary line last. Also merge and folder-prediction throughput.
 * `npm run bench -- --recipe [--epochs N] [--json] [--no-peer]`: N epochs (3) of the DSB2018
 * recipe through the app's training loop, then the PyTorch recipe peer with the same N.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { initBackend, type BackendName } from '../src-main/engine/backend/init-backend'
import { tf } from '../src-main/engine/backend/tf'
import { runPeer, type PeerResult } from './peer'
import { predictThroughput } from './predict-throughput'
import { formatKernelTimes, profileYardstick } from './profile'
import { recipeData, runRecipe, runRecipePeer, type RecipePeerResult } from './recipe'
import {
  DEFAULT_YARDSTICK,
  PEER_PARAMS_BASE32_DEPTH4,
  timeYardstick,
  yardstickModel
} from './yardstick'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ISBI = resolve(ROOT, '..', 'shared', 'datasets', 'isbi2012-em', 'images')

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const log = (line: string): void => void process.stderr.write(`${line}\n`)
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits

async function mergeRow(): Promise<unknown> {
  const path = join(ROOT, 'bench', 'merge.ts')
  if (!existsSync(path)) {
    log('merge: bench/merge.ts is not there, merge throughput skipped')
    return null
  }
  const mod = (await import(path)) as { benchMerge?: () => Promise<unknown> }
  if (typeof mod.benchMerge !== 'function') {
    log('merge: bench/merge.ts exports no benchMerge(), merge throughput skipped')
    return null
  }
  return mod.benchMerge()
}

const ratio = (a: number, b: number | null | undefined): number | null =>
  b ? round(a / b, 2) : null

/** `--recipe`: our recipe epochs, then the peer's, side by side. */
async function recipeMain(json: boolean): Promise<void> {
  const epochs = Number(option('--epochs') ?? 3)
  const data = recipeData(ROOT)
  if (!existsSync(data)) throw new Error(`recipe data not found: ${data}`)
  const ours = await runRecipe(data, epochs, log)
  let peer: RecipePeerResult | null = null
  if (!process.argv.includes('--no-peer')) {
    log(`running the PyTorch recipe peer (${epochs} epochs) ...`)
    const run = runRecipePeer(ROOT, data, epochs)
    if ('problem' in run) log(`peer: ${run.problem}`)
    else peer = run.result
  }
  const rows: [string, string, string, string][] = [
    ['', 'ours (wasm)', peer ? `PyTorch ${peer.torch} (${peer.threads} thr)` : 'PyTorch', 'ratio'],
    [
      'seconds per epoch (median)',
      round(ours.epochS).toString(),
      String(peer?.epoch_s_median ?? '-'),
      String(ratio(ours.epochS, peer?.epoch_s_median) ?? '-')
    ],
    [
      'peak RSS (MB)',
      round(ours.rssMb, 0).toString(),
      String(peer?.peak_rss_mb ?? '-'),
      String(ratio(ours.rssMb, peer?.peak_rss_mb) ?? '-')
    ],
    [
      'validation IoU (last epoch)',
      ours.valIou === null ? '-' : round(ours.valIou, 4).toString(),
      String(peer?.val_iou ?? '-'),
      ''
    ]
  ]
  const out = rows.map(
    (r) => `${r[0].padEnd(30)}${r[1].padStart(14)}${r[2].padStart(26)}${r[3].padStart(8)}`
  )
  out.push(
    `epochs: ${ours.epochSeconds.map((s) => round(s)).join(', ')} s (ours), ${peer?.epoch_s.join(', ') ?? '-'} s (PyTorch); ${ours.trainImages} training / ${ours.valImages} validation images`
  )
  process.stdout.write(`${out.join('\n')}\n`)
  if (json) {
    const summary = {
      backend: 'wasm',
      epochs,
      recipe_epoch_s: round(ours.epochS, 2),
      peer_recipe_epoch_s: peer?.epoch_s_median ?? null,
      recipe_ratio: ratio(ours.epochS, peer?.epoch_s_median),
      recipe_rss_mb: round(ours.rssMb, 0),
      peer_recipe_rss_mb: peer?.peak_rss_mb ?? null,
      recipe_rss_ratio: ratio(ours.rssMb, peer?.peak_rss_mb),
      recipe_val_iou: ours.valIou === null ? null : round(ours.valIou, 4),
      peer_recipe_val_iou: peer?.val_iou ?? null,
      recipe_epochs_s: ours.epochSeconds.map((s) => round(s, 2)),
      peer_recipe_epochs_s: peer?.epoch_s ?? null,
      recipe_total_s: round(ours.totalS),
      peer_recipe_total_s: peer?.total_s ?? null
    }
    process.stdout.write(`${JSON.stringify(summary)}\n`)
  }
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json')
  if (process.argv.includes('--recipe')) return recipeMain(json)
  const settings = {
    ...DEFAULT_YARDSTICK,
    steps: Number(option('--steps') ?? DEFAULT_YARDSTICK.steps)
  }
  const report = await initBackend(option('--backend') as BackendName | undefined)
  log(`backend: ${report.name}${report.detail ? ` (${report.detail})` : ''}`)
  for (const s of report.skipped) log(`  skipped ${s.name}: ${s.reason}`)
  const { model, params } = yardstickModel(settings)
  const isDefault = settings.base === 32 && settings.depth === 4 && settings.channels === 3
  if (isDefault && params !== PEER_PARAMS_BASE32_DEPTH4) {
    throw new Error(
      `yardstick has ${params} parameters, PyTorch's has ${PEER_PARAMS_BASE32_DEPTH4}`
    )
  }
  log(`model: U-Net base ${settings.base} depth ${settings.depth}, ${params} parameters`)
  const ours = await timeYardstick(model, settings, log)
  // The yardstick's own peak (training and inference), before folder prediction and merge.
  const yardstickRss = process.resourceUsage().maxRSS / 1024
  if (process.argv.includes('--profile')) {
    const p = await profileYardstick(model, settings)
    log('kernels, one training step:')
    formatKernelTimes(p.train).forEach(log)
    log('kernels, one inference batch:')
    formatKernelTimes(p.infer).forEach(log)
  }
  const wasmHeap = (tf.engine().backend as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8
  const heapMb = wasmHeap ? round(wasmHeap.length / 2 ** 20, 0) : null
  model.dispose()
  let peer: PeerResult | null = null
  if (!process.argv.includes('--no-peer')) {
    log('running the PyTorch peer ...')
    const run = runPeer(ROOT, settings)
    if ('problem' in run) log(`peer: ${run.problem}`)
    else peer = run.result
    if (peer && peer.params !== params) {
      throw new Error(`parameter counts differ: ours ${params}, PyTorch ${peer.params}`)
    }
  }
  const merge = await mergeRow()
  const predictImages = Number(option('--predict-images') ?? 3)
  const predict =
    predictImages > 0 && existsSync(ISBI)
      ? await predictThroughput(ISBI, settings, predictImages)
      : null
  const rows: [string, string, string, string][] = [
    [
      '',
      `ours (${report.name})`,
      peer ? `PyTorch ${peer.torch} (${peer.threads} thr)` : 'PyTorch',
      'ratio'
    ],
    [
      'train step, batch 16 (ms)',
      round(ours.trainMs).toString(),
      String(peer?.train_step_ms ?? '-'),
      String(ratio(ours.trainMs, peer?.train_step_ms) ?? '-')
    ],
    [
      'inference, batch 16 (ms)',
      round(ours.inferMs).toString(),
      String(peer?.infer_batch_ms ?? '-'),
      String(ratio(ours.inferMs, peer?.infer_batch_ms) ?? '-')
    ],
    [
      '  via model.predict (ms)',
      round(ours.predictMs).toString(),
      '',
      String(ratio(ours.predictMs, peer?.infer_batch_ms) ?? '-')
    ]
  ]
  const out = rows.map(
    (r) => `${r[0].padEnd(28)}${r[1].padStart(16)}${r[2].padStart(26)}${r[3].padStart(8)}`
  )
  out.push(
    `peak RSS: ${round(yardstickRss, 0)} MB${heapMb === null ? '' : ` (wasm heap ${heapMb} MB)`}, PyTorch ${peer?.peak_rss_mb ?? '-'} MB, ratio ${ratio(yardstickRss, peer?.peak_rss_mb) ?? '-'}   train steps: ${ours.trainAll.map((t) => round(t, 0)).join(', ')} ms`
  )
  for (const r of predict?.rates ?? []) {
    out.push(
      `folder prediction (ISBI ${predict!.size}, largest tile ${r.tile} px): ${round(r.imagesPerSecond, 2)} images/s over ${r.images} images`
    )
  }
  if (merge !== null) out.push(`merge: ${JSON.stringify(merge)}`)
  process.stdout.write(`${out.join('\n')}\n`)
  if (json) {
    const summary = {
      backend: report.name,
      detail: report.detail ?? null,
      train_step_ms: round(ours.trainMs),
      peer_train_step_ms: peer?.train_step_ms ?? null,
      train_ratio: ratio(ours.trainMs, peer?.train_step_ms),
      infer_batch_ms: round(ours.inferMs),
      peer_infer_batch_ms: peer?.infer_batch_ms ?? null,
      infer_ratio: ratio(ours.inferMs, peer?.infer_batch_ms),
      infer_model_predict_ms: round(ours.predictMs),
      peak_rss_mb: round(yardstickRss, 0),
      peer_peak_rss_mb: peer?.peak_rss_mb ?? null,
      rss_ratio: ratio(yardstickRss, peer?.peak_rss_mb),
      wasm_heap_mb: heapMb,
      predict_images_per_s: predict ? round(predict.rates.at(-1)!.imagesPerSecond, 3) : null,
      predict_images_per_s_by_tile: predict
        ? Object.fromEntries(predict.rates.map((r) => [r.tile, round(r.imagesPerSecond, 3)]))
        : null,
      merge
    }
    process.stdout.write(`${JSON.stringify(summary)}\n`)
  }
}

main().catch((error: unknown) => {
  log(`bench failed: ${(error as Error)?.stack ?? error}`)
  process.exitCode = 1
})
