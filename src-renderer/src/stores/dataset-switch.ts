/**
 * What happens in the other stores when a dataset is opened: its project is read, and when it is
 * another dataset than before, everything that belonged to the previous one is reset (training
 * data path, charts and runs; merge, predict, evaluation and tuning results). A job still running keeps
 * its panel.
 */
import type { DatasetInfo } from '../../../src-preload/contract'
import { useEvaluateStore } from './evaluate'
import { useExportStore } from './export'
import { useMergeStore } from './merge'
import { useProjectStore } from './project'
import { useTrainingStore } from './training'
import { useTuneStore } from './tune'

/** Brings the other stores to dataset `info` (`changed`: it is not the one open before). */
export function switchDataset(info: Pick<DatasetInfo, 'root' | 'layout'>, changed: boolean): void {
  void useProjectStore().load(info.root)
  if (!changed) return
  useTrainingStore().switchDataset(info.root)
  useMergeStore().switchDataset(info.root)
  useExportStore().switchDataset(info.root)
  useEvaluateStore().switchDataset(info.root)
  useTuneStore().reset()
}
