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
