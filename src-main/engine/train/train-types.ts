import type {
  BackendReport,
  EpochInfo,
  StepInfo,
  TrainResult
} from '../../../src-preload/job-events'
import type { Preview } from './validation'

export type { EpochInfo, StepInfo }

/** Hooks called by {@link trainRun}; `shouldStop` is polled before every step. */
export interface TrainCallbacks {
  /** The backend chosen, once, before the run is prepared. */
  onBackend?: (report: BackendReport) => void
  onStep?: (s: StepInfo) => void
  onEpoch?: (e: EpochInfo) => void
  onPreview?: (epoch: number, previews: Preview[]) => void
  onLog?: (msg: string) => void
  shouldStop?: () => boolean
}

/** What a finished (or stopped) run reports (`lastValIou` is null without validation images). */
export type TrainSummary = Omit<TrainResult, 'kind'>
