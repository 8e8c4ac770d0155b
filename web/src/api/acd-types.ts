// Types of the CTI / ACD API (docs/cti.md): agents, call control, queues, not-ready reasons,
// wallboard, supervision, missed calls and the screen pop. Field names follow the contract.
import type { Paged } from './types'

/** logged_out 签出 · ready 示闲 · not_ready 示忙 · ringing 振铃 · talking 通话 · wrap_up 话后处理 */
export type AgentState = 'logged_out' | 'ready' | 'not_ready' | 'ringing' | 'talking' | 'wrap_up'
export const AGENT_STATES: AgentState[] = ['ready', 'not_ready', 'ringing', 'talking', 'wrap_up', 'logged_out']

/** The states an agent (or a supervisor for them) may ask for. */
export type RequestedState = 'ready' | 'not_ready' | 'logged_out'

/**
 * A state asked for during a call or wrap-up, applied when wrap-up ends. The contract shows only
 * `null`; the UI accepts `{state, reason}` or a bare state string.
 */
export type AfterCall = { state: RequestedState; reason?: string } | RequestedState | null

export interface AgentCall {
  uuid: string
  /** '' for calls that are not queue calls (reason `direct` / `outbound`). */
  queue: string
  /** Masked unless the viewer has calls.numbers. */
  caller: string
  since: string
  /** A callback the caller asked for in the queue: the agent's phone rings first. */
  callback?: boolean
  /** The citizen's number for a callback offer (masked as other numbers). */
  number?: string
}

export interface Agent {
  user_id: number
  username: string
  display_name: string
  extension: string
  org_unit_id: number | null
  state: AgentState
  /**
   * The not-ready reason ('' otherwise); `no_answer` after an unanswered offer. In `talking`,
   * `direct` (a call to the extension or an internal call) or `outbound` (the agent's own dial).
   */
  reason: string
  /** When the current state began (ISO-8601 UTC). */
  since: string
  after_call: AfterCall
  call: AgentCall | null
  answered: number
  talk_seconds: number
  queues: string[]
}

export type TransferTargetKind = 'queue' | 'ivr'

/** A transfer destination offered by the server: `queue:<name>`, `ivr:<flow>` or `ivr:<flow>#<node>`. */
export interface TransferTarget {
  kind: TransferTargetKind
  target: string
  /** Display name from the server. */
  label: string
}

/** GET /agents/me: the agent plus the enabled not-ready reasons and the transfer targets. */
export interface AgentMe extends Agent {
  reasons: string[]
  /** Absent from older servers: the bar then offers the agent's own queues. */
  transfer_targets?: TransferTarget[]
}

export type CallAction =
  | 'answer'
  | 'hangup'
  | 'hold'
  | 'unhold'
  | 'mute'
  | 'unmute'
  | 'transfer'
  | 'consult'
  | 'complete_transfer'
  | 'cancel_consult'
  | 'conference'
  | 'dtmf'
  | 'dial'
  | 'end_wrap_up'

export interface CallActionBody {
  target?: string
  digits?: string
  number?: string
}

// ---- queues ---------------------------------------------------------------------------------

export type QueueStrategy = 'longest_idle' | 'round_robin' | 'fewest_calls' | 'least_talk_time' | 'ring_all' | 'skills'
export const QUEUE_STRATEGIES: QueueStrategy[] = [
  'longest_idle',
  'round_robin',
  'fewest_calls',
  'least_talk_time',
  'ring_all',
  'skills',
]
export type OverflowType = 'none' | 'queue' | 'message' | 'callback'
export const OVERFLOW_TYPES: OverflowType[] = ['none', 'queue', 'message', 'callback']

export interface QueueMember {
  user_id: number
  username: string
  display_name: string
  /** 梯队: tier 1 is offered first; the next tier joins after tier_wait_seconds. */
  tier: number
  /** 技能等级 (used by the `skills` strategy). */
  level: number
}

export interface QueueMemberInput {
  user_id: number
  tier: number
  level: number
}

export interface Queue {
  id: number
  name: string
  display_name: string
  strategy: QueueStrategy
  tier_wait_seconds: number
  ring_timeout_seconds: number
  wrap_up_seconds: number
  max_wait_seconds: number
  max_length: number
  overflow_type: OverflowType
  overflow_target: string
  moh_prompt: string
  announce_interval_seconds: number
  announce_position: boolean
  announce_wait: boolean
  callback_key: string
  service_level_seconds: number
  service_level_target: number
  warn_wait_seconds: number
  alert_wait_seconds: number
  enabled: boolean
  members: QueueMember[]
}

export type QueueInput = Omit<Queue, 'id' | 'members'>

export interface AgentReason {
  id: number
  name: string
  sort_order: number
  enabled: boolean
}
export type AgentReasonInput = Omit<AgentReason, 'id'>

// ---- wallboard --------------------------------------------------------------------------------

export type StateCounts = Record<AgentState, number>

export interface WallboardQueue {
  name: string
  display_name: string
  waiting: number
  longest_wait_seconds: number
  answered: number
  abandoned: number
  service_level_pct: number
  within_15s_pct: number
  within_20s_pct: number
  service_level_seconds: number
  service_level_target: number
  warn_wait_seconds: number
  alert_wait_seconds: number
  breached: boolean
  agents: StateCounts
}

export interface Wallboard {
  at: string
  queues: WallboardQueue[]
  agents: Agent[]
}

// ---- supervision --------------------------------------------------------------------------------

export type MonitorMode = 'listen' | 'whisper' | 'barge'
export const MONITOR_MODES: MonitorMode[] = ['listen', 'whisper', 'barge']

export interface MonitorSession {
  id: string
  agent: string
  mode: MonitorMode
  /** `ringing` until the supervisor answers their own phone; other values shown as sent. */
  state: string
}

// ---- missed calls ---------------------------------------------------------------------------------

export type LostIn = 'ivr' | 'queue' | 'ringing' | 'callback' | 'message'
export const LOST_IN: LostIn[] = ['ivr', 'queue', 'ringing', 'callback', 'message']
export type MissedStatus = 'open' | 'in_progress' | 'called_back' | 'closed'
export const MISSED_STATUSES: MissedStatus[] = ['open', 'in_progress', 'called_back', 'closed']

export interface MissedCall {
  id: number
  /** Masked unless the viewer has calls.numbers. */
  number: string
  lost_in: LostIn
  queue: string
  wait_seconds: number
  occurred_at: string
  status: MissedStatus
  /** Who handled it last (shown as sent: a username or a name). */
  handled_by: string | number | null
  note: string
}

export interface MissedQuery {
  status?: MissedStatus | ''
  from?: string
  to?: string
  page: number
  page_size: number
}

export type MissedPage = Paged<MissedCall>

// ---- screen pop -------------------------------------------------------------------------------------

export interface ScreenPop {
  uuid: string
  caller: string
  did: string
  queue: string
  wait_seconds: number
  ivr: { flow: string; path: string[]; digits: string; outcome: string } | null
  /** Masked; present only when the caller keyed one in self-service. */
  id_number?: string | null
  previous_calls: { uuid: string; offered_at: string; disposition: string; answered_by: string }[]
  messages: { id: number; created_at: string; status: string }[]
}

// ---- WebSocket payloads ---------------------------------------------------------------------------------

export interface OfferedEvent {
  call: string
  queue: string
  caller: string
  wait_seconds: number
  ring_timeout_seconds: number
  /** A callback the caller asked for: once the agent answers, the server dials `number`. */
  callback?: boolean
  /** The citizen to call back (masked as other numbers). */
  number?: string
}

export type CallLegState = 'talking' | 'held' | 'ended'

export interface CallEventData {
  call: string
  state: CallLegState
  muted: boolean
}

export interface QueueAlertEvent {
  queue: string
  service_level_pct: number
  target: number
}
