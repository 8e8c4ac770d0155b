// Display helpers shared by the soft phone bar and the ACD screens.
import { ApiError } from '@/api/http'
import type { AgentState } from '@/api/acd-types'
import { i18n } from '@/i18n'
import { errorText } from '@/utils/errors'

/** Codes whose server message says which (reason, number, phone, rule): shown after the text. */
const DETAILED = new Set(['invalid', 'unavailable', 'forbidden'])

/**
 * Error text that knows the CTI codes (invalid_state, invalid, timeout, and for dialling
 * unavailable / forbidden) before the generic ones.
 */
export function acdErrorText(e: unknown): string {
  const { t, te } = i18n.global
  if (e instanceof ApiError) {
    const key = `acd.errors.${e.code}`
    if (te(key)) return e.serverMessage && DETAILED.has(e.code) ? `${t(key)}：${e.serverMessage}` : t(key)
  }
  return errorText(e)
}

/** State colours: one palette for the bar, the wallboard and the legend. */
export const STATE_COLORS: Record<AgentState, string> = {
  ready: '#2f9a4a',
  not_ready: '#d9822b',
  ringing: '#c62f2f',
  talking: '#1f5fbf',
  wrap_up: '#7a4fc2',
  logged_out: '#8a919f',
}

export function stateLabel(s: string | null | undefined): string {
  if (!s) return ''
  const { t, te } = i18n.global
  return te(`acd.states.${s}`) ? t(`acd.states.${s}`) : s
}

/**
 * The state as shown on the bar and the wallboard: talking on a call that did not come from a
 * queue reads 通话中·直线 / 通话中·外呼 (reason `direct` / `outbound`).
 */
export function stateText(s: string | null | undefined, reason?: string | null): string {
  const { t, te } = i18n.global
  if (s === 'talking' && reason && te(`acd.talkingKinds.${reason}`)) return t(`acd.talkingKinds.${reason}`)
  return stateLabel(s)
}

/** Not-ready reasons are free text except the system's `no_answer`. */
export function reasonLabel(r: string | null | undefined): string {
  if (!r) return ''
  const { t, te } = i18n.global
  return te(`acd.reasonCodes.${r}`) ? t(`acd.reasonCodes.${r}`) : r
}

/** A number the agent may dial: extension or phone number, optionally +, 2 to 20 digits. */
export const DIAL_RE = /^\+?\d{2,20}$/

/** A call the ACD did not route: the agent's extension or internal (direct), or their own dial. */
export function isNonQueueCall(state: string | null | undefined, reason: string | null | undefined): boolean {
  return state === 'talking' && (reason === 'direct' || reason === 'outbound')
}

/** True if the server masked the number (it then cannot be dialled from the browser). */
export function isMasked(n: string | null | undefined): boolean {
  return !!n && n.includes('*')
}
