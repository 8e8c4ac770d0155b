import { http } from './http'
import type {
  AuditEntry,
  AuditQuery,
  Items,
  LoginResult,
  MeResult,
  OrgUnit,
  Paged,
  Permission,
  Role,
  SipBlock,
  SipRegistration,
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

export { ApiError } from './http'
export type * from './types'
