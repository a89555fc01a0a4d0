/**
 * Before a run starts: do the settings fit the labels? Class-index masks trained as binary, or
 * class values the run has no output for, are named errors instead of a silently wrong model.
 */
import type { DatasetScan } from '../../data/dataset'
import { detectLabels } from '../../data/project'
import type { TrainConfig } from '../config'

/** Throws a named error when the run's classes and loss do not fit what the masks hold. */
export async function checkLabelsFit(
  cfg: Pick<TrainConfig, 'data' | 'classes' | 'loss' | 'ignoreIndex'>,
  scan: DatasetScan
): Promise<void> {
  const found = await detectLabels(scan)
  if (found.labelType === 'classes' && cfg.classes === 1) {
    const top = found.valuesSeen[found.valuesSeen.length - 1]
    throw new Error(
      `${cfg.data}: the masks hold ${found.values}, but this run is binary (loss "${cfg.loss}", ` +
        `1 class) and would merge every class into one; train it as multi-class ` +
        `(--classes ${top + 1} --loss ce, with --ignore-index for a void class)`
    )
  }
  if (cfg.classes > 1 && found.labelType === 'instances' && found.values === 'instance ids')
    throw new Error(
      `${cfg.data}: the masks hold instance ids, not class indices; a ${cfg.classes}-class run needs class-index masks`
    )
  if (cfg.classes > 1 && found.labelType === 'classes') {
    const beyond = found.valuesSeen.filter((v) => v >= cfg.classes && v !== cfg.ignoreIndex)
    if (beyond.length)
      throw new Error(
        `${cfg.data}: the masks hold class ${beyond.join(', ')}, but the run has ${cfg.classes} classes ` +
          `(0..${cfg.classes - 1}); raise --classes or make ${beyond[0]} the ignore index`
      )
  }
}
