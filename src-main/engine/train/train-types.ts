import type { EpochInfo, StepInfo } from '../../../src-preload/contract'
import type { BackendReport } from '../backend/init-backend'
import type { Preview } from './validation'

export type { EpochInfo, StepInfo }

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
