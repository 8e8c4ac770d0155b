// Client of the IVR REST API (docs/ivr_api.md). Besides JSON it sends CSV and audio bodies and
// reads WAV answers, and it keeps the details some errors carry (a flow's issues, a CSV
// import's bad lines), so it has its own small fetch wrapper next to http.ts.
import { ApiError, notifyUnauthorized } from './http'
import type { Items, Paged } from './types'
import type {
  CalendarDefinition,
  CalendarStatus,
  CsvImportResult,
  CsvLineError,
  DataSourceRecord,
  DataSourceTestResult,
  FlowGraph,
  FlowIssue,
  FlowVersion,
  IvrCalendar,
  IvrDataSource,
  IvrFlow,
  IvrPrompt,
  MessageQuery,
  MessageStatus,
  RatingQuery,
  SurveyRating,
  SurveySummary,
  ValidateResult,
  VoiceMessage,
} from './ivr-types'

/** An API error with the IVR's details: a flow's validator issues or a CSV's bad lines. */
export class IvrApiError extends ApiError {
  readonly issues: FlowIssue[]
  readonly lines: CsvLineError[]

  constructor(status: number, code: string, message: string, issues: FlowIssue[], lines: CsvLineError[]) {
    super(status, code, message)
    this.name = 'IvrApiError'
    this.issues = issues
    this.lines = lines
  }
}

type Query = Record<string, string | number | boolean | null | undefined>

interface IvrRequest {
  query?: Query
  json?: unknown
  /** A raw body (CSV text, audio file) with its content type. */
  raw?: { body: BodyInit; type: string }
  /** Read the answer as a Blob (audio) instead of JSON. */
  blob?: boolean
}

function url(path: string, query?: Query): string {
  const sp = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue
    sp.append(k, String(v))
  }
  const s = sp.toString()
  return '/api/v1' + path + (s ? '?' + s : '')
}

async function call<T>(method: string, path: string, opts: IvrRequest = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: opts.blob ? 'audio/wav, application/json' : 'application/json' }
  let body: BodyInit | undefined
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.json)
  } else if (opts.raw) {
    headers['Content-Type'] = opts.raw.type
    body = opts.raw.body
  }
  let res: Response
  try {
    res = await fetch(url(path, opts.query), { method, headers, body, credentials: 'same-origin' })
  } catch (e) {
    throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e))
  }
  if (res.ok && opts.blob) return (await res.blob()) as T
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown
  try {
    data = text ? JSON.parse(text) : undefined
  } catch {
    data = undefined
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; issues?: FlowIssue[]; lines?: CsvLineError[] } })
      ?.error
    if (res.status === 401) notifyUnauthorized()
    throw new IvrApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? '',
      Array.isArray(err?.issues) ? err.issues : [],
      Array.isArray(err?.lines) ? err.lines : [],
    )
  }
  return data as T
}

const csv = (text: string) => ({ body: text, type: 'text/csv; charset=utf-8' })

/** A flow's test version as flow objects show it; all null when it has none. */
export interface FlowTestFields {
  /** What an internal phone dials to hear it: "*77" + the flow's id. */
  test_code: string | null
  test_published_at: string | null
  test_published_by: number | null
  /** The draft changed after the test-publish. */
  test_differs: boolean | null
}

export type IvrFlowWithTest = IvrFlow & Partial<FlowTestFields>

/** The answer of a test-publish. */
export interface FlowTestPublished {
  flow_id: number
  flow_name: string
  test_code: string
  test_published_at: string
  test_published_by: number | null
  warnings?: FlowIssue[]
}

export interface FlowInput {
  name?: string
  description?: string
  draft?: FlowGraph
}

export const flowsApi = {
  list: () => call<Items<IvrFlowWithTest>>('GET', '/ivr/flows'),
  get: (id: number) => call<IvrFlowWithTest>('GET', `/ivr/flows/${id}`),
  create: (f: FlowInput) => call<IvrFlowWithTest>('POST', '/ivr/flows', { json: f }),
  update: (id: number, f: FlowInput) => call<IvrFlowWithTest>('PUT', `/ivr/flows/${id}`, { json: f }),
  remove: (id: number) => call<void>('DELETE', `/ivr/flows/${id}`),
  validate: (id: number) => call<ValidateResult>('POST', `/ivr/flows/${id}/validate`, { json: {} }),
  publish: (id: number, note: string) =>
    call<FlowVersion>('POST', `/ivr/flows/${id}/publish`, { json: note ? { note } : {} }),
  /** Validates the stored draft as publish does (IvrApiError with issues on 422) and puts it on the test line. */
  testPublish: (id: number) => call<FlowTestPublished>('POST', `/ivr/flows/${id}/test-publish`, { json: {} }),
  withdrawTest: (id: number) => call<void>('DELETE', `/ivr/flows/${id}/test-publish`),
  versions: (id: number) => call<Items<FlowVersion>>('GET', `/ivr/flows/${id}/versions`),
  version: (id: number, version: number) => call<FlowVersion>('GET', `/ivr/flows/${id}/versions/${version}`),
}

export interface CalendarInput {
  name?: string
  description?: string
  definition?: CalendarDefinition
}

export const calendarsApi = {
  list: () => call<Items<IvrCalendar>>('GET', '/ivr/calendars'),
  get: (id: number) => call<IvrCalendar>('GET', `/ivr/calendars/${id}`),
  create: (c: CalendarInput) => call<IvrCalendar>('POST', '/ivr/calendars', { json: c }),
  update: (id: number, c: CalendarInput) => call<IvrCalendar>('PUT', `/ivr/calendars/${id}`, { json: c }),
  remove: (id: number) => call<void>('DELETE', `/ivr/calendars/${id}`),
  importCsv: (id: number, text: string, replace: boolean) =>
    call<CsvImportResult>('POST', `/ivr/calendars/${id}/import`, {
      query: { replace: replace || undefined },
      raw: csv(text),
    }),
  status: (id: number) => call<CalendarStatus>('GET', `/ivr/calendars/${id}/status`),
}

export const promptsApi = {
  list: () => call<Items<IvrPrompt>>('GET', '/ivr/prompts'),
  createTts: (name: string, text: string) => call<IvrPrompt>('POST', '/ivr/prompts', { json: { name, kind: 'tts', text } }),
  upload: (name: string, file: Blob, text?: string) =>
    call<IvrPrompt>('POST', '/ivr/prompts/upload', {
      query: { name, text: text || undefined },
      raw: { body: file, type: file.type || 'application/octet-stream' },
    }),
  update: (id: number, p: { name?: string; text?: string }) => call<IvrPrompt>('PUT', `/ivr/prompts/${id}`, { json: p }),
  remove: (id: number) => call<void>('DELETE', `/ivr/prompts/${id}`),
  /** URL of a prompt's audio (WAV; TTS prompts are synthesized on first fetch). */
  audioUrl: (id: number) => `/api/v1/ivr/prompts/${id}/audio`,
  /** Speaks `text` with the server's synthesizer: a WAV blob. */
  speechPreview: (text: string) => call<Blob>('POST', '/ivr/speech-preview', { json: { text }, blob: true }),
}

export interface DataSourceInput {
  name?: string
  kind?: 'table' | 'http'
  config?: Record<string, unknown>
  enabled?: boolean
}

export const dataSourcesApi = {
  list: () => call<Items<IvrDataSource>>('GET', '/ivr/data-sources'),
  get: (id: number) => call<IvrDataSource>('GET', `/ivr/data-sources/${id}`),
  create: (d: DataSourceInput) => call<IvrDataSource>('POST', '/ivr/data-sources', { json: d }),
  update: (id: number, d: DataSourceInput) => call<IvrDataSource>('PUT', `/ivr/data-sources/${id}`, { json: d }),
  remove: (id: number) => call<void>('DELETE', `/ivr/data-sources/${id}`),
  importCsv: (id: number, text: string, replace: boolean) =>
    call<CsvImportResult>('POST', `/ivr/data-sources/${id}/import`, {
      query: { replace: replace || undefined },
      raw: csv(text),
    }),
  records: (id: number, page: number, pageSize: number) =>
    call<Paged<DataSourceRecord>>('GET', `/ivr/data-sources/${id}/records`, {
      query: { page, page_size: pageSize },
    }),
  test: (id: number, idNumber: string) =>
    call<DataSourceTestResult>('POST', `/ivr/data-sources/${id}/test`, { json: { params: { id_number: idNumber } } }),
}

export const messagesApi = {
  list: (q: MessageQuery) => call<Paged<VoiceMessage>>('GET', '/messages', { query: { ...q } }),
  get: (id: number) => call<VoiceMessage>('GET', `/messages/${id}`),
  update: (id: number, status: MessageStatus, note?: string) =>
    call<VoiceMessage>('PUT', `/messages/${id}`, { json: note === undefined ? { status } : { status, note } }),
  /** Audited on every fetch: use as the src of an <audio preload="none">. */
  audioUrl: (id: number) => `/api/v1/messages/${id}/audio`,
}

export const surveyApi = {
  ratings: (q: RatingQuery) => call<Paged<SurveyRating>>('GET', '/survey/ratings', { query: { ...q } }),
  summary: (q: { from?: string; to?: string }) => call<SurveySummary>('GET', '/survey/summary', { query: { ...q } }),
}
