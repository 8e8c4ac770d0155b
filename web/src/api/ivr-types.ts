// Types of the IVR REST API (docs/ivr_api.md): flows, calendars, prompts, data sources,
// voice messages and satisfaction ratings.

/** One thing to play: a recorded prompt by name, or text spoken by TTS. */
export type PromptItem = { text: string } | { prompt: string }

export type NodeType =
  | 'play'
  | 'menu'
  | 'collect'
  | 'time_condition'
  | 'set_variable'
  | 'data_query'
  | 'say_result'
  | 'queue'
  | 'transfer'
  | 'message'
  | 'survey'
  | 'hangup'
  | 'goto_flow'

export interface FlowPosition {
  x: number
  y: number
}

/**
 * A node of the flow graph as the server stores it (src/ivr/flow_json). Parameters depend on
 * the type; unknown fields are rejected by the server, so only the type's own fields are sent.
 */
export interface FlowNode {
  type: NodeType
  name?: string
  exits?: Record<string, string>
  max_visits?: number
  position?: FlowPosition
  // play / menu / collect / message / survey / hangup
  prompts?: PromptItem[]
  interruptible?: boolean
  // menu
  timeout_ms?: number
  max_retries?: number
  invalid_prompts?: PromptItem[]
  timeout_prompts?: PromptItem[]
  // collect
  min_length?: number
  max_length?: number
  terminator?: string
  first_digit_timeout_ms?: number
  inter_digit_timeout_ms?: number
  validate?: string
  variable?: string
  sensitive?: boolean
  attempts?: number
  retry_prompts?: PromptItem[]
  star_as?: string
  // time_condition
  calendar?: string
  // set_variable
  value?: string
  // data_query
  source?: string
  params?: Record<string, string>
  result_variable?: string
  // say_result
  text?: string
  // queue
  queue?: string
  priority?: number
  // transfer
  target?: string
  // message
  max_seconds?: number
  // goto_flow
  flow?: string
}

export interface FlowGraph {
  name?: string
  version?: number
  start?: string
  fallback?: string
  max_visits?: number
  nodes: Record<string, FlowNode>
  ui?: unknown
}

export interface IvrFlow {
  id: number
  name: string
  description: string
  published_version: number | null
  draft_updated_at: string | null
  draft_updated_by: number | null
  draft_differs: boolean
  created_at: string
  updated_at: string
  draft?: FlowGraph
}

export interface FlowIssue {
  severity: 'error' | 'warning'
  node: string
  field: string
  code: string
  message: string
}

export interface ValidateResult {
  ok: boolean
  errors: FlowIssue[]
  warnings: FlowIssue[]
}

export interface FlowVersion {
  id: number
  flow_id: number
  flow_name: string
  version: number
  published_by: number | null
  published_at: string
  note: string
  graph?: FlowGraph
  warnings?: FlowIssue[]
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'

export interface CalendarException {
  date: string
  type: 'holiday' | 'workday'
  name?: string
  hours?: string[]
}

export interface CalendarDefinition {
  utc_offset?: string
  weekly: Partial<Record<Weekday, string[]>>
  makeup_hours?: string[]
  exceptions?: CalendarException[]
}

export interface IvrCalendar {
  id: number
  name: string
  description: string
  definition: CalendarDefinition
  created_at: string
  updated_at: string
}

export interface CalendarStatus {
  open: boolean
  next_change: string | null
  now: string
}

export interface IvrPrompt {
  id: number
  name: string
  kind: 'audio' | 'tts'
  text: string
  duration_ms: number | null
  sha256: string
  created_by: number | null
  created_at: string
  updated_at: string
  audio_url: string
}

export interface HttpSourceConfig {
  url?: string
  method?: string
  headers?: Record<string, string>
  timeout_ms?: number
  max_concurrent?: number
  fields?: Record<string, string>
  not_found?: unknown
  circuit_breaker?: Record<string, number>
  [key: string]: unknown
}

export interface IvrDataSource {
  id: number
  name: string
  kind: 'table' | 'http'
  config: Record<string, unknown>
  enabled: boolean
  records: number | null
  created_at: string
  updated_at: string
}

export interface DataSourceRecord {
  id: number
  id_number: string
  fields: Record<string, unknown>
  updated_at: string
}

export interface DataSourceTestResult {
  outcome: 'found' | 'not_found' | 'error'
  fields: Record<string, unknown>
  error_code: string
  error_detail: string
  elapsed_ms: number
}

export interface CsvImportResult {
  imported: number
  records?: number
  calendar?: IvrCalendar
}

/** A bad line of a CSV import (422 invalid_csv). */
export interface CsvLineError {
  line: number
  message: string
}

export type MessageStatus = 'new' | 'in_progress' | 'done'

export interface VoiceMessage {
  id: number
  call_id: number | null
  call_uuid: string
  caller: string
  flow: string
  duration_ms: number
  status: MessageStatus
  handled_by: number | null
  note: string
  created_at: string
  updated_at: string
  audio_url: string
}

export interface MessageQuery {
  status?: MessageStatus | ''
  from?: string
  to?: string
  page?: number
  page_size?: number
}

export type RatingValue = 'satisfied' | 'basically_satisfied' | 'dissatisfied' | 'not_rated'

export interface SurveyRating {
  id: number
  call_id: number
  agent_user_id: number | null
  agent_extension: string
  rating: RatingValue
  created_at: string
}

export interface RatingCounts {
  satisfied: number
  basically_satisfied: number
  dissatisfied: number
  not_rated: number
  rated: number
  total: number
  satisfaction_rate: number | null
}

export interface AgentRatingSummary extends RatingCounts {
  agent_user_id: number | null
  agent_extension: string
  agent_name: string
}

export interface SurveySummary {
  from: string | null
  to: string | null
  agents: AgentRatingSummary[]
  totals: RatingCounts
}

export interface RatingQuery {
  from?: string
  to?: string
  agent?: string
  page?: number
  page_size?: number
}
