/** Error raised for any non-2xx answer, carrying the server's error code. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly serverMessage: string

  constructor(status: number, code: string, serverMessage: string) {
    super(serverMessage || code)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.serverMessage = serverMessage
  }
}

type UnauthorizedHandler = () => void
let onUnauthorized: UnauthorizedHandler | null = null

/** Called on a 401 from any request that did not opt out (see `quiet401`). */
export function setUnauthorizedHandler(h: UnauthorizedHandler) {
  onUnauthorized = h
}

/** Lets callers that used `quiet401` still report a lost session. */
export function notifyUnauthorized() {
  onUnauthorized?.()
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | null | undefined>
  body?: unknown
  /** Do not trigger the global "go to login" on 401 (login, session probe). */
  quiet401?: boolean
  signal?: AbortSignal
}

const BASE = '/api/v1'

function buildUrl(path: string, query?: RequestOptions['query']): string {
  let url = BASE + path
  if (query) {
    const sp = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      sp.append(k, String(v))
    }
    const s = sp.toString()
    if (s) url += '?' + s
  }
  return url
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: string | undefined
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e))
  }

  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | undefined)?.error
    const apiErr = new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? '')
    if (res.status === 401 && !opts.quiet401 && onUnauthorized) onUnauthorized()
    throw apiErr
  }
  return data as T
}

export const http = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
}
