/** Learning-rate schedule and early-stopping settings. */
export interface ScheduleOptions {
  schedule: 'constant' | 'cosine' | 'plateau'
  lr: number
  minLr: number
  epochs: number
  plateauPatience: number
  plateauFactor: number
  earlyStop: number
}

/** Serialisable schedule state, saved in checkpoints. */
export interface ScheduleState {
  lr: number
  best: number
  bestEpoch: number
  sinceImprove: number
  sincePlateau: number
}

/** The state before epoch 1. */
export function initialSchedule(o: ScheduleOptions): ScheduleState {
  return { lr: o.lr, best: Infinity, bestEpoch: 0, sinceImprove: 0, sincePlateau: 0 }
}

/** Learning rate for a 1-based epoch: constant, cosine from lr to minLr, or the plateau state. */
export function lrForEpoch(o: ScheduleOptions, s: ScheduleState, epoch: number): number {
  if (o.schedule === 'cosine') {
    const t = o.epochs > 1 ? (epoch - 1) / (o.epochs - 1) : 0
    return o.minLr + 0.5 * (o.lr - o.minLr) * (1 + Math.cos(Math.PI * t))
  }
  return o.schedule === 'plateau' ? s.lr : o.lr
}

/** Update after an epoch's monitored loss: best tracking, plateau reduction, early stop. */
export function afterEpoch(
  o: ScheduleOptions,
  s: ScheduleState,
  epoch: number,
  monitored: number
): { state: ScheduleState; improved: boolean; stop: boolean } {
  const improved = monitored < s.best - 1e-6
  const next: ScheduleState = improved
    ? { ...s, best: monitored, bestEpoch: epoch, sinceImprove: 0, sincePlateau: 0 }
    : { ...s, sinceImprove: s.sinceImprove + 1, sincePlateau: s.sincePlateau + 1 }
  if (o.schedule === 'plateau' && next.sincePlateau >= o.plateauPatience) {
    next.lr = Math.max(o.minLr, next.lr * o.plateauFactor)
    next.sincePlateau = 0
  }
  const stop = o.earlyStop > 0 && next.sinceImprove >= o.earlyStop
  return { state: next, improved, stop }
}
