import { defineStore } from 'pinia'
import { ref } from 'vue'

export type WsState = 'disconnected' | 'connecting' | 'connected'

export interface WsMessage<T = unknown> {
  type: string
  data: T
}

type Handler = (data: unknown, msg: WsMessage) => void

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
      if (msg.type === 'hello') {
        const d = msg.data as { user?: string } | null
        helloUser.value = d?.user ?? null
      }
      dispatch(msg)
    }
    ws.onclose = () => {
      if (socket === ws) socket = null
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

  return { state, helloUser, lastMessageAt, start, stop, on, send }
})
