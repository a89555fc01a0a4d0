/**
 * Labels as a dataset's project defines them: read as the project's label type, and for binary
 * projects whose foreground is the dark mask value (invert) flipped on the way to the editor and
 * back on the way to disk, so edited files keep the dataset's own convention.
 */
import type { Project } from '../../src-preload/project'
import type { Sample } from './dataset'
import {
  readEffectiveLabel,
  saveEditedLabel,
  type EditableLabel,
  type StoredLabel
} from './label-store'

function flipped(data: Uint8Array | Uint16Array): Uint8Array {
  return Uint8Array.from(data, (v) => (v ? 0 : 1))
}

/** Whether the project reads its binary masks inverted. */
function inverts(project: Project): boolean {
  return project.labelType === 'binary' && project.invert
}

/** The sample's effective label as the project reads it (foreground = 1, inverted if asked). */
export async function readProjectLabel(
  root: string,
  sample: Sample,
  project: Project
): Promise<StoredLabel> {
  const label = await readEffectiveLabel(root, sample, { kind: project.labelType })
  if (!inverts(project) || label.source === 'empty') return label
  return { ...label, data: flipped(label.data) }
}

/** Saves an edited label of the project's type (flipped back for an inverted binary project). */
export async function saveProjectLabel(
  root: string,
  sample: Sample,
  label: EditableLabel,
  project: Project
): Promise<string> {
  if (label.kind !== project.labelType)
    throw new Error(
      `${sample.id}: the label is ${label.kind} but the dataset's label type is now ${project.labelType}; reopen the image`
    )
  const data = inverts(project) ? flipped(label.data) : label.data
  return saveEditedLabel(root, sample, { ...label, data })
}
