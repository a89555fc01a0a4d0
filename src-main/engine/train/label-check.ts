/**
 * Before a run starts: do the settings fit the labels? Class-index masks trained as binary, or
 * class values the run has no output for, are named errors instead of a silently wrong model.
 */
import { trainingClasses, type Project } from '../../../src-preload/project'
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

/** What a model predicts, as the evaluation label check needs it. */
export interface ModelClasses {
  /** The model's folder, named in the error. */
  model: string
  /** 1 for binary and instance models, else the number of output classes. */
  classes: number
  ignoreIndex: number
}

/**
 * Before an evaluation scores anything: do the folder's labels fit the model? A binary model on
 * class-index masks, a class model on instance ids or binary labels, and a class model whose
 * class count differs from the folder's (its project's classes, else the mask values) are named
 * errors instead of a meaningless IoU.
 */
export async function checkEvalLabelsFit(
  m: ModelClasses,
  scan: DatasetScan,
  project: Project | null
): Promise<void> {
  const found = await detectLabels(scan)
  const folderClasses = projectClassCount(project)
  const refuse = (why: string) =>
    new Error(`${scan.root}: cannot evaluate ${m.model} on these labels: ${why}`)
  const kind = m.classes === 1 ? 'binary (1 class)' : `${m.classes}-class`
  if (m.classes === 1) {
    if (found.labelType === 'classes')
      throw refuse(`the masks hold ${found.values}, but the model is ${kind}`)
    if (folderClasses !== null && folderClasses > 2)
      throw refuse(`the folder has ${folderClasses} classes (project.json), the model is ${kind}`)
    return
  }
  if (found.labelType === 'instances')
    throw refuse(`the masks hold ${found.values}, not class indices; the model is ${kind}`)
  if (project && project.labelType !== 'classes' && m.classes > 2)
    throw refuse(`the folder's labels are ${project.labelType}, the model is ${kind}`)
  const beyond = found.valuesSeen.filter((v) => v >= m.classes && v !== m.ignoreIndex)
  if (found.labelType === 'classes' && beyond.length)
    throw refuse(`the masks hold class ${beyond.join(', ')}, the model is ${kind}`)
  const voidLast = m.ignoreIndex === m.classes - 1 && folderClasses === m.classes - 1
  if (folderClasses !== null && folderClasses !== m.classes && !voidLast)
    throw refuse(`the folder has ${folderClasses} classes (project.json), the model is ${kind}`)
}

/** The number of classes a model of this project's folder learns; null without a class project. */
function projectClassCount(project: Project | null): number | null {
  if (project?.labelType !== 'classes') return null
  try {
    return trainingClasses(project).classes
  } catch {
    return null
  }
}
