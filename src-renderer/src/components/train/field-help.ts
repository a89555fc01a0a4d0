/** The help line of a form section: the focused field's label and help, kept after blur. */
import { provide, ref, type InjectionKey, type Ref } from 'vue'

/** What the help line shows. */
export interface FieldHelpText {
  label: string
  text: string
}

/** Injection key of a section's help line. */
export const FIELD_HELP: InjectionKey<Ref<FieldHelpText | null>> = Symbol('field-help')

/** Provides a help line to the fields below; returns what it shows. */
export function useFieldHelp(initial: FieldHelpText | null = null): Ref<FieldHelpText | null> {
  const help = ref<FieldHelpText | null>(initial)
  provide(FIELD_HELP, help)
  return help
}
