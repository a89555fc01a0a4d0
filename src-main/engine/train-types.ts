import type { BackendReport } from './backend'
import type { Preview } from './validate'

/** Progress after one optimisation step. */
export interface StepInfo {
  epoch: number
  step: number
  steps: number
  loss: number
  iou: number
  dice: number
  lr: number
  imagesPerSec: number
  etaSeconds: number
}

/** Summary of one epoch (the same figures as the log.csv row). */
export interface EpochInfo {
  epoch: number
  epochs: number
  lr: number
  loss: number
  iou: number
  dice: number
  valLoss: number
  valIou: number
  valDice: number
  seconds: number
  best: boolean
  etaSeconds: number
}

/** Hooks called by {@link trainRun}; `shouldStop` is polled before every step. */
export interface TrainCallbacks {
  onStep?: (s: StepInfo) => void
  onEpoch?: (e: EpochInfo) => void
  onPreview?: (epoch: number, previews: Preview[]) => void
  onLog?: (msg: string) => void
  shouldStop?: () => boolean
}

/** What a finished (or stopped) run reports. */
export interface TrainSummary {
  out: string
  backend: BackendReport
  epochs: number
  stopped: boolean
  earlyStopped: boolean
  bestEpoch: number
  bestValIou: number
  bestValDice: number
  lastValIou: number
  seconds: number
  trainImages: number
  valImages: number
}
