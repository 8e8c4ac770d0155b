// Display helpers shared by the call-record and recording pages.
import { i18n } from '@/i18n'

type TagType = 'success' | 'warning' | 'info' | 'danger' | 'primary'

const DISPOSITION_TAG: Record<string, TagType> = {
  answered: 'success',
  no_answer: 'warning',
  busy: 'warning',
  cancelled: 'info',
  rejected: 'danger',
  failed: 'danger',
  blocked: 'danger',
  active: 'primary',
}

export const DISPOSITIONS = ['answered', 'no_answer', 'busy', 'cancelled', 'rejected', 'failed', 'blocked', 'active'] as const
export const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const

export function dispositionTag(d: string): TagType {
  return DISPOSITION_TAG[d] ?? 'info'
}

/** Translates `calls.<group>.<code>`; unknown codes are shown as they are. */
export function codeLabel(group: string, code: string | null | undefined): string {
  if (!code) return ''
  const { t, te } = i18n.global
  const key = `calls.${group}.${code}`
  return te(key) ? t(key) : code
}

/**
 * A call's end cause for people: known codes translated with the code kept in brackets,
 * SIP answers ("sip:486 Busy Here") and unknown codes as they are.
 */
export function causeLabel(cause: string | null | undefined): string {
  if (!cause) return ''
  const { t, te } = i18n.global
  const key = `calls.causes.${cause}`
  return /^[a-z_]+$/.test(cause) && te(key) ? `${t(key)}（${cause}）` : cause
}

/** Quick picks for the time-range pickers: today, yesterday, last 7 days, this month. */
export function rangeShortcuts(): { text: string; value: () => [Date, Date] }[] {
  const { t } = i18n.global
  const dayStart = (offset: number) => {
    const d = new Date()
    d.setHours(0, 0, 0, 0)
    d.setDate(d.getDate() + offset)
    return d
  }
  const dayEnd = (offset: number) => {
    const d = dayStart(offset)
    d.setHours(23, 59, 59, 0)
    return d
  }
  const monthStart = () => {
    const d = dayStart(0)
    d.setDate(1)
    return d
  }
  return [
    { text: t('calls.shortcuts.today'), value: () => [dayStart(0), dayEnd(0)] },
    { text: t('calls.shortcuts.yesterday'), value: () => [dayStart(-1), dayEnd(-1)] },
    { text: t('calls.shortcuts.last7'), value: () => [dayStart(-6), dayEnd(0)] },
    { text: t('calls.shortcuts.thisMonth'), value: () => [monthStart(), dayEnd(0)] },
  ]
}

/** "2.5%" / "18 ms"; empty for null. */
export function formatLoss(v: number | null | undefined): string {
  return v == null ? '' : `${Number(v.toFixed(2))}%`
}
export function formatJitter(v: number | null | undefined): string {
  return v == null ? '' : `${Number(v.toFixed(1))} ms`
}

/** Colour class for a quality figure: fine, noticeable, bad. */
export function lossLevel(v: number | null | undefined): '' | 'warn' | 'bad' {
  if (v == null) return ''
  return v >= 5 ? 'bad' : v >= 1 ? 'warn' : ''
}
export function jitterLevel(v: number | null | undefined): '' | 'warn' | 'bad' {
  if (v == null) return ''
  return v >= 60 ? 'bad' : v >= 30 ? 'warn' : ''
}
