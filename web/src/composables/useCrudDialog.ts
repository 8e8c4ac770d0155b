// The create / edit dialog every admin list repeats: a form reset from a blank or from the row,
// validation, a saving flag against double submits, the server's error shown inside the
// dialog, focus on the first field, and a confirm-then-delete helper.
import { nextTick, reactive, ref, type Ref, type UnwrapRef } from 'vue'
import { ElMessage, type FormInstance } from 'element-plus'
import { i18n } from '@/i18n'
import { confirmAction, errorText, isCancel, showError } from '@/utils/errors'

export interface CrudDialogOptions<Row, Form extends object> {
  blank: () => Form
  fromRow: (row: Row) => Form
  create: (form: Form) => Promise<unknown>
  update: (row: Row, form: Form) => Promise<unknown>
  /** After a successful save (reload the list). */
  onSaved?: (result: unknown, created: boolean) => void
  /** Turns an error into the text shown in the dialog (default: errorText). */
  errorText?: (e: unknown) => string
}

export function useCrudDialog<Row, Form extends object>(opts: CrudDialogOptions<Row, Form>) {
  const open = ref(false)
  const editing = ref<Row | null>(null) as Ref<Row | null>
  const form = reactive(opts.blank()) as UnwrapRef<Form>
  const formRef = ref<FormInstance>()
  /** Anything with focus() (an el-input ref) focused once the dialog has opened. */
  const firstField = ref<{ focus: () => void }>()
  const error = ref('')
  const saving = ref(false)
  const toText = opts.errorText ?? errorText

  function fill(f: Form) {
    // Replace, not merge: keys absent from the new value must not linger.
    const target = form as Record<string, unknown>
    for (const k of Object.keys(target)) delete target[k]
    Object.assign(target, f)
  }

  function openCreate(preset?: Partial<Form>) {
    editing.value = null
    fill({ ...opts.blank(), ...(preset ?? {}) })
    error.value = ''
    open.value = true
  }

  function openEdit(row: Row) {
    editing.value = row
    fill(opts.fromRow(row))
    error.value = ''
    open.value = true
  }

  /** Bind to el-dialog `@open`: clears stale validation messages. */
  function onOpen() {
    nextTick(() => formRef.value?.clearValidate())
  }
  /** Bind to el-dialog `@opened`: focuses the first field. */
  function onOpened() {
    firstField.value?.focus()
  }

  async function submit(): Promise<boolean> {
    if (saving.value) return false
    error.value = ''
    if (formRef.value) {
      const ok = await formRef.value.validate().catch(() => false)
      if (!ok) return false
    }
    saving.value = true
    const { t } = i18n.global
    try {
      const f = form as Form
      const created = !editing.value
      const res = editing.value ? await opts.update(editing.value, f) : await opts.create(f)
      ElMessage.success(created ? t('common.created') : t('common.saved'))
      open.value = false
      opts.onSaved?.(res, created)
      return true
    } catch (e) {
      error.value = toText(e)
      return false
    } finally {
      saving.value = false
    }
  }

  return { open, editing, form, formRef, firstField, error, saving, openCreate, openEdit, onOpen, onOpened, submit }
}

/**
 * Asks for confirmation, deletes, toasts and calls `done`. A cancelled confirmation does
 * nothing; errors are toasted through `onError` when given (to word a 409), else showError.
 */
export async function confirmRemove(
  message: string,
  remove: () => Promise<unknown>,
  done?: () => void,
  onError?: (e: unknown) => boolean,
): Promise<boolean> {
  try {
    await confirmAction(message)
    await remove()
    ElMessage.success(i18n.global.t('common.deleted'))
    done?.()
    return true
  } catch (e) {
    if (isCancel(e)) return false
    if (!onError?.(e)) showError(e)
    return false
  }
}
