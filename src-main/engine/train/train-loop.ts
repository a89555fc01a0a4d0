import type { BackendReport } from '../../../src-preload/job-events'
import { batchTensors, logitsToClassTensor, makeBatch } from './batches'
import { saveCheckpoint, type CheckpointState } from './checkpoint'
import type { RunConfig } from '../config'
import { computeLoss, type LossOptions } from './losses'
import { accumulate, createConfusion, scores } from '../metrics'
import { saveBestModel } from './best-model'
import { setLearningRate } from './optimizer'
import { Prng } from '../prng'
import { writePreview } from './previews'
import { appendLog, runPaths } from '../run-store'
import { randomPatches, tilePatches } from './samples'
import { afterEpoch, lrForEpoch } from './lr-schedule'
import { tf } from '../backend/tf'
import type { loadSplit } from './train-setup'
import type { TrainCallbacks, TrainSummary } from './train-types'
import { validate } from './validation'
import { fuseBatchNormRelu } from '../models'

/** Run epochs from the checkpoint state to `config.epochs`, saving log rows, best model and last/. */
export async function runEpochs(
  config: RunConfig,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  start: CheckpointState,
  data: Awaited<ReturnType<typeof loadSplit>>,
  lossOpts: LossOptions,
  backend: BackendReport,
  cb: TrainCallbacks
): Promise<TrainSummary> {
  const paths = runPaths(config.out)
  fuseBatchNormRelu(model)
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const valRefs = tilePatches(data.val, config.size, config.valTiles ?? 0)
  const perImage = config.patches
  const stepsPerEpoch = Math.ceil((data.train.length * perImage) / config.batch)
  let state = { ...start }
  let stopped = false
  let earlyStopped = false
  let lastValIou: number | null = null
  let stepSeconds = 0
  let stepsTimed = 0
  let valSeconds = 0
  const summary = (): TrainSummary => ({
    out: config.out,
    backend,
    epochs: state.epoch,
    stopped,
    earlyStopped,
    bestEpoch: state.schedule.bestEpoch,
    bestValIou: state.bestValIou,
    bestValDice: state.bestValDice,
    lastValIou,
    seconds: state.seconds,
    trainImages: data.train.length,
    valImages: data.val.length
  })
  for (let epoch = state.epoch + 1; epoch <= config.epochs; epoch++) {
    if (cb.shouldStop?.()) {
      stopped = true
      break
    }
    const partial = state.partial
    const epochPrng = state.prng
    const t0 = performance.now() - (partial?.seconds ?? 0) * 1000
    let rng = new Prng(epochPrng)
    const lr = lrForEpoch(config, state.schedule, epoch)
    setLearningRate(optimizer, lr)
    const refs = rng.shuffle(
      randomPatches(data.train, config.size, perImage, rng, config.objectPatches)
    )
    const conf = createConfusion(config.classes)
    let lossSum = partial?.lossSum ?? 0
    let seen = partial?.seen ?? 0
    let step = partial?.step ?? 0
    if (partial) {
      rng = new Prng(partial.prng)
      conf.counts.set(partial.confusion)
    }
    for (; step < stepsPerEpoch; step++) {
      await new Promise((resolve) => setImmediate(resolve))
      if (cb.shouldStop?.()) {
        stopped = true
        break
      }
      const ts = performance.now()
      const chunk = refs.slice(step * config.batch, (step + 1) * config.batch)
      const hb = makeBatch(data.train, chunk, config.size, config.classes, config.augment, rng)
      const { cost, pred } = trainStep(model, optimizer, vars, hb, lossOpts)
      const loss = cost.dataSync()[0]
      const classes = pred.dataSync() as Int32Array
      cost.dispose()
      pred.dispose()
      if (!Number.isFinite(loss))
        throw new Error(`loss became ${loss} at epoch ${epoch} step ${step + 1}; try a lower --lr`)
      accumulate(conf, classes, hb.y, lossOpts.ignoreIndex ?? -1)
      lossSum += loss * hb.n
      seen += hb.n
      const dt = (performance.now() - ts) / 1000
      stepSeconds += dt
      stepsTimed++
      const s = scores(
        createConfusionFrom(classes, hb.y, config.classes, lossOpts.ignoreIndex ?? -1)
      )
      const remaining = (config.epochs - epoch) * stepsPerEpoch + (stepsPerEpoch - step - 1)
      cb.onStep?.({
        epoch,
        step: step + 1,
        steps: stepsPerEpoch,
        loss,
        iou: s.mainIou,
        dice: s.mainDice,
        lr,
        imagesPerSec: seen / ((performance.now() - t0) / 1000),
        etaSeconds:
          remaining * (stepSeconds / stepsTimed) + (config.epochs - epoch + 1) * valSeconds
      })
    }
    if (stopped) {
      const elapsed = (performance.now() - t0) / 1000
      state = {
        ...state,
        partial: {
          step,
          prng: rng.state(),
          lossSum,
          seen,
          confusion: Array.from(conf.counts),
          seconds: elapsed
        },
        seconds: state.seconds + elapsed - (partial?.seconds ?? 0),
        savedAt: new Date().toISOString()
      }
      await saveCheckpoint(paths.last, model, optimizer, state)
      break
    }
    const tv = performance.now()
    // Inference needs no activations kept for a backward pass: twice the batch, half the calls.
    const valBatch = config.batch * 2
    const val = data.val.length
      ? validate(model, data.val, valRefs, config.size, valBatch, lossOpts, config.previews)
      : null
    valSeconds = (performance.now() - tv) / 1000
    const train = scores(conf)
    const monitored = val ? val.loss : lossSum / seen
    const next = afterEpoch(config, state.schedule, epoch, monitored)
    const seconds = (performance.now() - t0) / 1000
    lastValIou = val ? val.iou : null
    const row = {
      epoch,
      lr,
      loss: lossSum / seen,
      iou: train.mainIou,
      dice: train.mainDice,
      val_loss: val?.loss ?? NaN,
      val_iou: val?.iou ?? NaN,
      val_dice: val?.dice ?? NaN,
      seconds,
      ...(config.classes > 1
        ? { val_class_iou: val?.perClassIou ?? Array<number>(config.classes).fill(NaN) }
        : {})
    }
    state = {
      epoch,
      prng: rng.state(),
      schedule: next.state,
      bestValIou: next.improved ? (val?.iou ?? train.mainIou) : state.bestValIou,
      bestValDice: next.improved ? (val?.dice ?? train.mainDice) : state.bestValDice,
      seconds: state.seconds + seconds - (partial?.seconds ?? 0),
      savedAt: new Date().toISOString()
    }
    // the checkpoint commits the epoch: a crash before it re-runs the epoch (its log row is
    // dropped on resume), a crash after it but before model/ is saved is repaired on resume
    await appendLog(config.out, row)
    await saveCheckpoint(paths.last, model, optimizer, state)
    if (next.improved) await saveBestModel(model, paths.model, state)
    const eta = (config.epochs - epoch) * seconds
    cb.onEpoch?.({
      epoch,
      epochs: config.epochs,
      lr,
      loss: row.loss,
      iou: row.iou,
      dice: row.dice,
      valLoss: val ? val.loss : null,
      valIou: val ? val.iou : null,
      valDice: val ? val.dice : null,
      seconds,
      best: next.improved,
      etaSeconds: eta,
      ...(config.classes > 1
        ? { valClassIou: (row.val_class_iou ?? []).map((v) => (Number.isNaN(v) ? null : v)) }
        : {})
    })
    if (val && val.previews.length) {
      await writePreview(paths.previews, epoch, val.previews[0], config.classes)
      cb.onPreview?.(epoch, val.previews)
    }
    if (next.stop) {
      earlyStopped = true
      cb.onLog?.(`early stop: no val loss improvement for ${config.earlyStop} epochs`)
      break
    }
  }
  return summary()
}

/** One optimisation step in a single tidy scope; returns the (kept) loss and predicted classes. */
export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  hb: ReturnType<typeof makeBatch>,
  lossOpts: LossOptions
): { cost: tf.Scalar; pred: tf.Tensor } {
  return tf.tidy(() => {
    const { xs, ys } = batchTensors(hb)
    const kept: { pred?: tf.Tensor } = {}
    const cost = optimizer.minimize(
      () => {
        const out = model.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[]
        const outs = Array.isArray(out) ? out : [out]
        kept.pred = tf.keep(logitsToClassTensor(outs[outs.length - 1], lossOpts))
        const losses = outs.map((o) => computeLoss(o, ys, lossOpts))
        return (
          losses.length === 1 ? losses[0] : tf.div(tf.addN(losses), losses.length)
        ) as tf.Scalar
      },
      true,
      vars
    ) as tf.Scalar
    if (!kept.pred) throw new Error('the training step made no prediction')
    return { cost, pred: kept.pred }
  })
}

function createConfusionFrom(
  pred: Int32Array,
  truth: ArrayLike<number>,
  classes: number,
  ignore: number
) {
  return accumulate(createConfusion(classes), pred, truth, ignore)
}
