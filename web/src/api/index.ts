import { http } from './http'
import type {
  AuditEntry,
  AuditQuery,
  CallDetail,
  CallQuery,
  CallRecord,
  InboundRoute,
  InboundRouteInput,
  Items,
  LoginResult,
  MeResult,
  OrgUnit,
  OutboundRule,
  OutboundRuleInput,
  Paged,
  Permission,
  RecordingItem,
  RecordingQuery,
  Role,
  SipBlock,
  SipRegistration,
  Trunk,
  TrunkInput,
  TrunkRegistration,
  User,
  UserCreate,
  UserPatch,
  UserQuery,
} from './types'

export const authApi = {
  login: (username: string, password: string) =>
    http.post<LoginResult>('/auth/login', { username, password }, { quiet401: true }),
  logout: () => http.post<void>('/auth/logout', undefined, { quiet401: true }),
  me: () => http.get<MeResult>('/auth/me', { quiet401: true }),
  changePassword: (old_password: string, new_password: string) =>
    http.post<void>('/auth/password', { old_password, new_password }),
}

export const usersApi = {
  list: (q: UserQuery) => http.get<Paged<User>>('/users', { query: { ...q } }),
  get: (id: number) => http.get<User>(`/users/${id}`),
  create: (u: UserCreate) => http.post<User>('/users', u),
  update: (id: number, patch: UserPatch) => http.patch<User>(`/users/${id}`, patch),
  resetPassword: (id: number, password: string) => http.post<void>(`/users/${id}/password`, { password }),
  unlock: (id: number) => http.post<void>(`/users/${id}/unlock`),
}

export const rolesApi = {
  list: () => http.get<Items<Role>>('/roles'),
  create: (r: Pick<Role, 'code' | 'name' | 'description' | 'permissions'>) => http.post<Role>('/roles', r),
  update: (id: number, r: Partial<Pick<Role, 'name' | 'description' | 'permissions'>>) =>
    http.patch<Role>(`/roles/${id}`, r),
  remove: (id: number) => http.del<void>(`/roles/${id}`),
  permissions: () => http.get<Items<Permission>>('/permissions'),
}

export const orgApi = {
  list: () => http.get<Items<OrgUnit>>('/org-units'),
  create: (u: Pick<OrgUnit, 'parent_id' | 'name' | 'kind'> & { sort_order?: number }) =>
    http.post<OrgUnit>('/org-units', u),
  update: (id: number, u: Partial<Pick<OrgUnit, 'parent_id' | 'name' | 'kind' | 'sort_order'>>) =>
    http.patch<OrgUnit>(`/org-units/${id}`, u),
  remove: (id: number) => http.del<void>(`/org-units/${id}`),
}

export const auditApi = {
  list: (q: AuditQuery) => http.get<Paged<AuditEntry>>('/audit', { query: { ...q } }),
}

export const sipApi = {
  registrations: () => http.get<Paged<SipRegistration>>('/sip/registrations'),
  setPassword: (userId: number, password: string) =>
    http.put<void>(`/users/${userId}/sip-password`, { password }),
  blocks: () => http.get<Paged<SipBlock>>('/sip/blocks'),
  unblock: (address: string) => http.del<void>(`/sip/blocks/${encodeURIComponent(address)}`),
}

export const trunksApi = {
  list: () => http.get<Items<Trunk>>('/trunks'),
  registrations: () => http.get<Items<TrunkRegistration>>('/trunks/registrations'),
  create: (tr: TrunkInput) => http.post<Trunk>('/trunks', tr),
  update: (id: number, tr: TrunkInput) => http.put<Trunk>(`/trunks/${id}`, tr),
  remove: (id: number) => http.del<void>(`/trunks/${id}`),
}

export const inboundRoutesApi = {
  list: () => http.get<Items<InboundRoute>>('/inbound-routes'),
  create: (r: InboundRouteInput) => http.post<InboundRoute>('/inbound-routes', r),
  update: (id: number, r: InboundRouteInput) => http.put<InboundRoute>(`/inbound-routes/${id}`, r),
  remove: (id: number) => http.del<void>(`/inbound-routes/${id}`),
}

export const outboundRulesApi = {
  list: () => http.get<Items<OutboundRule>>('/outbound-rules'),
  create: (r: OutboundRuleInput) => http.post<OutboundRule>('/outbound-rules', r),
  update: (id: number, r: OutboundRuleInput) => http.put<OutboundRule>(`/outbound-rules/${id}`, r),
  remove: (id: number) => http.del<void>(`/outbound-rules/${id}`),
}

export const callsApi = {
  list: (q: CallQuery, signal?: AbortSignal) => http.get<Paged<CallRecord>>('/calls', { query: { ...q }, signal }),
  get: (id: number, signal?: AbortSignal) => http.get<CallDetail>(`/calls/${id}`, { signal }),
}

export const recordingsApi = {
  list: (q: RecordingQuery) => http.get<Paged<RecordingItem>>('/recordings', { query: { ...q } }),
  /**
   * URL of the audio (HTTP Range supported). Every fetch is audited by the server, so use it
   * only as the src of an <audio preload="none"> the user starts.
   */
  audioUrl: (id: number) => `/api/v1/recordings/${id}/audio`,
}

export { ApiError } from './http'
export type * from './types'
