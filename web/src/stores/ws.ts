import { defineStore } from 'pinia'
import { ref } from 'vue'
import { ApiError } from '@/api/http'

export type WsState = 'disconnected' | 'connecting' | 'connected'

export interface WsMessage<T = unknown> {
  type: string
  data: T
}

type Handler = (data: unknown, msg: WsMessage) => void

/** The server's answer to a client command: `{"type": "reply", "id", "ok", "error"?}`. */
interface WsReply {
  type: 'reply'
  id: number
  ok: boolean
  error?: { code?: string; message?: string }
}

interface PendingCommand {
  resolve: () => void
  reject: (e: unknown) => void
  timer: ReturnType<typeof setTimeout>
}

const COMMAND_TIMEOUT = 8000

const MIN_DELAY = 1000
const MAX_DELAY = 30000

/** URL of the push channel, same origin, ws/wss following the page protocol. */
export function wsUrl(loc: Location = window.location): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${proto}//${loc.host}/api/v1/ws`
}

/**
 * One WebSocket per logged-in tab. Features subscribe to message types with `on(type, fn)`.
 * Reconnects with exponential back-off (1 s doubling to 30 s, with jitter) until `stop()`.
 */
export const useWsStore = defineStore('ws', () => {
  const state = ref<WsState>('disconnected')
  const helloUser = ref<string | null>(null)
  const lastMessageAt = ref<number | null>(null)

  let socket: WebSocket | null = null
  let wanted = false
  let delay = MIN_DELAY
  let timer: ReturnType<typeof setTimeout> | null = null
  const handlers = new Map<string, Set<Handler>>()
  // Commands sent with `command()` waiting for their reply, by id.
  let nextCommandId = 1
  const pending = new Map<number, PendingCommand>()

  function settleReply(r: WsReply) {
    const p = pending.get(r.id)
    if (!p) return
    pending.delete(r.id)
    clearTimeout(p.timer)
    if (r.ok) p.resolve()
    else p.reject(new ApiError(409, r.error?.code || 'unknown', r.error?.message || ''))
  }

  function failPending() {
    for (const [id, p] of pending) {
      clearTimeout(p.timer)
      p.reject(new ApiError(0, 'network_error', 'websocket closed'))
      pending.delete(id)
    }
  }

  function dispatch(msg: WsMessage) {
    const set = handlers.get(msg.type)
    if (set) for (const h of [...set]) {
      try {
        h(msg.data, msg)
      } catch (e) {
        console.error('ws handler failed', msg.type, e)
      }
    }
    const any = handlers.get('*')
    if (any) for (const h of [...any]) h(msg.data, msg)
  }

  function open() {
    if (!wanted || socket) return
    state.value = 'connecting'
    let ws: WebSocket
    try {
      ws = new WebSocket(wsUrl())
    } catch {
      scheduleReconnect()
      return
    }
    socket = ws
    ws.onopen = () => {
      state.value = 'connected'
      delay = MIN_DELAY
    }
    ws.onmessage = (ev) => {
      lastMessageAt.value = Date.now()
      let msg: WsMessage
      try {
        msg = JSON.parse(String(ev.data)) as WsMessage
      } catch {
        return
      }
      if (!msg || typeof msg.type !== 'string') return
      if (msg.type === 'reply') settleReply(msg as unknown as WsReply)
      if (msg.type === 'hello') {
        const d = msg.data as { user?: string } | null
        helloUser.value = d?.user ?? null
      }
      dispatch(msg)
    }
    ws.onclose = () => {
      if (socket === ws) socket = null
      failPending()
      state.value = 'disconnected'
      scheduleReconnect()
    }
    ws.onerror = () => {
      // onclose follows; nothing else to do.
    }
  }

  function scheduleReconnect() {
    if (!wanted || timer) return
    const wait = Math.round(delay * (0.75 + Math.random() * 0.5))
    delay = Math.min(delay * 2, MAX_DELAY)
    timer = setTimeout(() => {
      timer = null
      open()
    }, wait)
  }

  function start() {
    wanted = true
    delay = MIN_DELAY
    open()
  }

  function stop() {
    wanted = false
    if (timer) {
      clearTimeout(timer)
      timer = null
    }
    if (socket) {
      const s = socket
      socket = null
      s.onclose = null
      s.close(1000)
    }
    failPending()
    state.value = 'disconnected'
    helloUser.value = null
  }

  /** Subscribe to a message type ('*' for all); returns the unsubscribe function. */
  function on(type: string, fn: Handler): () => void {
    let set = handlers.get(type)
    if (!set) handlers.set(type, (set = new Set()))
    set.add(fn)
    return () => {
      set.delete(fn)
    }
  }

  function send(type: string, data: unknown = {}): boolean {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type, data }))
      return true
    }
    return false
  }

  /** True while the socket is open (commands can be sent). */
  function isOpen(): boolean {
    return !!socket && socket.readyState === WebSocket.OPEN
  }

  /**
   * Sends a client command `{"type", "id", ...fields}` (docs/cti.md) and resolves on its
   * `{"type": "reply", "ok": true}`; rejects with an ApiError carrying the reply's error code,
   * on timeout, or with `network_error` when the socket is not open or closes first.
   */
  function command(type: string, fields: Record<string, unknown> = {}, timeoutMs = COMMAND_TIMEOUT): Promise<void> {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new ApiError(0, 'network_error', 'websocket not connected'))
    }
    const id = nextCommandId++
    const s = socket
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new ApiError(0, 'timeout', 'no reply'))
      }, timeoutMs)
      pending.set(id, { resolve, reject, timer })
      try {
        s.send(JSON.stringify({ ...fields, type, id }))
      } catch (e) {
        clearTimeout(timer)
        pending.delete(id)
        reject(new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e)))
      }
    })
  }

  return { state, helloUser, lastMessageAt, start, stop, on, send, isOpen, command }
})
