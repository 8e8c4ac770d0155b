export type UserStatus = 'active' | 'disabled'

export interface User {
  id: number
  username: string
  display_name: string
  org_unit_id: number | null
  org_unit_name: string | null
  roles: string[]
  status: UserStatus
  extension: string | null
  locked: boolean
  last_login_at: string | null
  created_at: string
}

export interface Paged<T> {
  items: T[]
  total: number
}

export interface Items<T> {
  items: T[]
}

export interface LoginResult {
  token: string
  expires_at: string
  user: User
}

export interface MeResult {
  user: User
  permissions: string[]
}

export interface Role {
  id: number
  code: string
  name: string
  description: string
  builtin: boolean
  permissions: string[]
  user_count: number
}

export interface Permission {
  code: string
  group: string
  name_zh: string
  name_en: string
}

export type OrgKind = 'centre' | 'team' | 'department'

export interface OrgUnit {
  id: number
  parent_id: number | null
  name: string
  kind: OrgKind
  sort_order: number
  user_count: number
}

export interface AuditEntry {
  id: number
  at: string
  actor_id: number | null
  actor_username: string | null
  source_ip: string
  action: string
  target_type: string | null
  target_id: string | null
  success: boolean
  detail: unknown
}

export interface UserQuery {
  q?: string
  org_unit_id?: number | null
  role?: string
  status?: string
  page: number
  page_size: number
}

export interface UserCreate {
  username: string
  display_name: string
  password: string
  org_unit_id: number | null
  roles: string[]
  extension?: string | null
  status?: UserStatus
}

export type UserPatch = Partial<Pick<User, 'display_name' | 'org_unit_id' | 'roles' | 'extension' | 'status'>>

export interface AuditQuery {
  actor?: string
  action?: string
  target_type?: string
  success?: string
  from?: string
  to?: string
  page: number
  page_size: number
}

/** One live SIP binding (Contact) of an extension. */
export interface SipContact {
  contact: string
  /** host:port the REGISTER came from (as seen by the server). */
  source: string
  transport: string
  behind_nat: boolean
  user_agent: string
  expires_at: string
  registered_at: string
  updated_at: string
}

/** Registration state of one user's extension. */
export interface SipRegistration {
  extension: string
  user_id: number
  username: string
  display_name: string
  has_password: boolean
  registered: boolean
  contacts: SipContact[]
}

/** A source address blocked by SIP security. */
export interface SipBlock {
  address: string
  blocked_at: string
  until: string
  /** A code (auth_failures, scanner, rate_limit) or a free-text description. */
  reason: string
}

// ---- telephony: trunks, inbound numbers, outbound rules ---------------------------------

export type TrunkKind = 'ip_peer' | 'registration'
export type TrunkTransport = 'udp' | 'tcp'

/** A carrier trunk (中继线路). The password itself is never sent to the browser. */
/** A registration trunk's state at its carrier (GET /trunks/registrations). */
export interface TrunkRegistration {
  trunk_id: number
  trunk_name: string
  state: 'registering' | 'registered' | 'failed' | 'unregistered'
  last_status: number
  last_error: string
  registered_at: string | null
  expires_at: string | null
  next_attempt_at: string | null
  failures: number
}

export interface Trunk {
  id: number
  name: string
  kind: TrunkKind
  enabled: boolean
  /** ip_peer: source addresses (IP or CIDR) the carrier sends from. */
  addresses: string[]
  /** "host:port" where outbound calls (and, for registration, REGISTERs) go. */
  proxy: string
  transport: TrunkTransport
  /** Public numbers (DIDs) delivered by this trunk. */
  numbers: string[]
  caller_id: string
  max_channels: number
  username: string
  has_password: boolean
  register_expires: number
  created_at: string
  updated_at: string
}

/** Body of POST / PUT /trunks. On PUT an omitted or empty password keeps the stored one. */
export type TrunkInput = Omit<Trunk, 'id' | 'has_password' | 'created_at' | 'updated_at'> & { password?: string }

export type DestinationType = 'extension' | 'ivr' | 'queue'

/** Where calls to a public number (DID) go. */
export interface InboundRoute {
  id: number
  number: string
  destination_type: DestinationType
  destination: string
  record: boolean
  enabled: boolean
  description: string
  created_at: string
  updated_at: string
}

export type InboundRouteInput = Omit<InboundRoute, 'id' | 'created_at' | 'updated_at'>

/** Which dialled numbers may leave through which trunk; lower priority first. */
export interface OutboundRule {
  id: number
  name: string
  pattern: string
  trunk_id: number
  trunk_name: string
  strip_digits: number
  prepend: string
  priority: number
  enabled: boolean
  created_at?: string
  updated_at?: string
}

export type OutboundRuleInput = Omit<OutboundRule, 'id' | 'trunk_name' | 'created_at' | 'updated_at'>

// ---- call records and recordings ----------------------------------------------------------

export type CallDirection = 'inbound' | 'internal' | 'outbound'
export type CallDisposition =
  | 'answered'
  | 'no_answer'
  | 'busy'
  | 'cancelled'
  | 'rejected'
  | 'failed'
  | 'blocked'
  | 'active'
export type HangupSide = 'caller' | 'callee' | 'system' | ''

/** Media quality measured at the end of the call; null where not measured. */
export interface CallQuality {
  caller_loss_percent: number | null
  caller_jitter_ms: number | null
  callee_loss_percent: number | null
  callee_jitter_ms: number | null
}

/** A call record (话单). Numbers are masked by the server unless the role has calls.numbers. */
export interface CallRecord {
  id: number
  uuid: string
  direction: CallDirection
  caller: string
  callee: string
  did: string
  trunk_name: string
  route: string
  answered_by: string
  offered_at: string
  ringing_at: string | null
  answered_at: string | null
  ended_at: string | null
  talk_seconds: number | null
  disposition: CallDisposition
  cause: string
  hangup_side: HangupSide
  recording_id: number | null
  quality: CallQuality | null
  numbers_masked: boolean
}

export interface CallLeg {
  role: string
  party: string
  kind: string
  contact: string
  sip_call_id: string
  started_at: string | null
  answered_at: string | null
  ended_at: string | null
  final_status: number | null
  loss_percent: number | null
  jitter_ms: number | null
}

export interface CallEvent {
  at: string
  type: string
  detail: Record<string, unknown> | null
}

export interface CallDetail extends CallRecord {
  legs: CallLeg[]
  events: CallEvent[]
}

export interface CallQuery {
  from?: string
  to?: string
  number?: string
  extension?: string
  disposition?: string
  direction?: string
  page: number
  page_size: number
}

export interface RecordingItem {
  id: number
  call_id: number
  call_uuid: string
  caller: string
  callee: string
  format: string
  mime_type: string
  started_at: string
  duration_ms: number
  bytes: number
  sha256: string
}

export interface RecordingQuery {
  from?: string
  to?: string
  number?: string
  extension?: string
  page: number
  page_size: number
}
