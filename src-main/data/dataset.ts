/** How a dataset folder is organised. */
export type Layout = 'dsb2018' | 'flat-pairs' | 'images-only'

/** One image with its label files, if any. */
export interface Sample {
  id: string
  imagePath: string
  /** One label image (flat pairs): binary, class-index or instance-id. */
  maskPath?: string
  /** One file per object (DSB2018), in file-name order. */
  instanceMaskPaths?: string[]
}

/** Something wrong with one file or sample; the rest of the dataset still loads. */
export interface DatasetProblem {
  sample?: string
  file: string
  reason: string
}

/** Result of {@link scanDataset}: the detected layout, usable samples and problems found. */
export interface DatasetScan {
  root: string
  layout: Layout
  samples: Sample[]
  problems: DatasetProblem[]
  /** Remarks about how the folder was read (e.g. a nested root was used). */
  notes: string[]
}

export {
  IMAGE_DIR_NAMES,
  IMAGE_EXTENSIONS,
  MASK_DIR_NAMES,
  MASK_SUFFIXES,
  fileStem,
  isImageFile,
  scanDataset
} from './scan'
export { describeDataset } from './describe'
export type { DatasetDescription, MaskKind } from './describe'
