import { ElMessage, ElMessageBox } from 'element-plus'
import { ApiError } from '@/api/http'
import { i18n } from '@/i18n'

// Codes whose server message carries useful detail (which field, which rule).
const DETAILED = new Set(['validation_failed', 'weak_password', 'conflict', 'bad_request'])

/** Human text for an error: the translated code, plus the server's detail where it helps. */
export function errorText(e: unknown): string {
  const { t, te } = i18n.global
  if (e instanceof ApiError) {
    const key = `errors.${e.code}`
    const base = te(key) ? t(key) : e.serverMessage || t('errors.unknown')
    if (DETAILED.has(e.code) && e.serverMessage && e.serverMessage !== base) return `${base}：${e.serverMessage}`
    return base
  }
  if (e instanceof Error && e.message) return e.message
  return t('errors.unknown')
}

/** Shows an error toast; 401s are ignored (the global handler already redirects). */
export function showError(e: unknown) {
  if (e instanceof ApiError && e.status === 401) return
  ElMessage.error({ message: errorText(e), grouping: true })
}

export function isCancel(e: unknown): boolean {
  return e === 'cancel' || e === 'close'
}

/**
 * Confirmation box with translated buttons (ElMessageBox called as a function does not see
 * ElConfigProvider's locale). Rejects with 'cancel' / 'close' when dismissed.
 */
export function confirmAction(message: string, type: 'warning' | 'info' = 'warning') {
  const { t } = i18n.global
  return ElMessageBox.confirm(message, t('common.confirmTitle'), {
    type,
    confirmButtonText: t('common.confirm'),
    cancelButtonText: t('common.cancel'),
  })
}
