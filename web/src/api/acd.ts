// Client of the CTI / ACD REST API (docs/cti.md).
import { http } from './http'
import type { Items } from './types'
import type {
  Agent,
  AgentMe,
  AgentReason,
  AgentReasonInput,
  CallAction,
  CallActionBody,
  MissedCall,
  MissedPage,
  MissedQuery,
  MissedStatus,
  MonitorMode,
  MonitorSession,
  Queue,
  QueueInput,
  QueueMemberInput,
  RequestedState,
  ScreenPop,
  Wallboard,
} from './acd-types'

const seg = encodeURIComponent

export const agentsApi = {
  list: () => http.get<Items<Agent>>('/agents'),
  me: () => http.get<AgentMe>('/agents/me'),
  /** For oneself (agent.work) or, with agents.supervise, for an agent of one's team. */
  setState: (username: string, state: RequestedState, reason = '') =>
    http.put<Agent>(`/agents/${seg(username)}/state`, reason ? { state, reason } : { state }),
  /** Call control of one's own call. */
  callAction: (action: CallAction, body?: CallActionBody) =>
    http.post<unknown>(`/agents/me/call/${action}`, body ?? {}),
}

export const queuesApi = {
  list: () => http.get<Items<Queue>>('/queues'),
  get: (id: number) => http.get<Queue>(`/queues/${id}`),
  create: (q: QueueInput) => http.post<Queue>('/queues', q),
  update: (id: number, q: QueueInput) => http.put<Queue>(`/queues/${id}`, q),
  remove: (id: number) => http.del<void>(`/queues/${id}`),
  setMembers: (id: number, members: QueueMemberInput[]) => http.put<unknown>(`/queues/${id}/members`, members),
  /** IVR message nodes a message overflow can send callers to ("flow#node"). */
  messageTargets: () => http.get<Items<{ target: string; label: string }>>('/queues/message-targets'),
}

export const agentReasonsApi = {
  list: () => http.get<Items<AgentReason>>('/agent-reasons'),
  create: (r: AgentReasonInput) => http.post<AgentReason>('/agent-reasons', r),
  update: (id: number, r: AgentReasonInput) => http.put<AgentReason>(`/agent-reasons/${id}`, r),
  remove: (id: number) => http.del<void>(`/agent-reasons/${id}`),
}

export const wallboardApi = {
  get: () => http.get<Wallboard>('/wallboard'),
}

export const monitorApi = {
  start: (agent: string, mode: MonitorMode) => http.post<MonitorSession>('/monitor', { agent, mode }),
  setMode: (id: string, mode: MonitorMode) => http.put<MonitorSession | undefined>(`/monitor/${seg(id)}`, { mode }),
  stop: (id: string) => http.del<void>(`/monitor/${seg(id)}`),
}

export const missedApi = {
  list: (q: MissedQuery, signal?: AbortSignal) => http.get<MissedPage>('/missed-calls', { query: { ...q }, signal }),
  update: (id: number, status: MissedStatus, note: string) =>
    http.put<MissedCall | undefined>(`/missed-calls/${id}`, { status, note }),
  callback: (id: number) => http.post<MissedCall | undefined>(`/missed-calls/${id}/callback`, {}),
}

export const screenPopApi = {
  get: (uuid: string) => http.get<ScreenPop>(`/calls/${seg(uuid)}/screen-pop`),
}
