// The signed-in agent's CTI state for the soft phone bar and the workspace (docs/cti.md):
// loaded from GET /agents/me, then kept live by the WebSocket events agent.state (filtered to
// oneself: supervisors also receive everybody else's), agent.offered and agent.call.
// Commands go over the WebSocket when it is open (reply by id) and over REST otherwise.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { agentsApi, screenPopApi } from '@/api/acd'
import { ApiError } from '@/api/http'
import type {
  Agent,
  AgentMe,
  CallAction,
  CallActionBody,
  CallEventData,
  CallLegState,
  OfferedEvent,
  RequestedState,
  ScreenPop,
} from '@/api/acd-types'
import { useAuthStore } from './auth'
import { useWsStore } from './ws'

// ---- server clock -------------------------------------------------------------------------------
// Timers count from the server's `since`; a PC whose clock is behind would show negative or
// frozen durations. The offset is learnt from fresh server times (wallboard `at`, a state that
// has just begun) and only ever corrects towards the server.
let clockOffsetMs = 0

/** Now, on the server's clock (ms since epoch). */
export function serverNow(): number {
  return Date.now() + clockOffsetMs
}

/** Tells the clock a time the server stamped "just now". */
export function noteServerTime(iso: string | null | undefined) {
  if (!iso) return
  const t = new Date(iso).getTime()
  if (Number.isNaN(t)) return
  const offset = t - Date.now()
  // Ignore small differences (network delay); adopt larger ones either way.
  if (Math.abs(offset - clockOffsetMs) > 1500) clockOffsetMs = offset
}

/** Whole seconds since an ISO time on the server's clock; 0 for missing / future times. */
export function secondsSince(iso: string | null | undefined, now = serverNow()): number {
  if (!iso) return 0
  const t = new Date(iso).getTime()
  if (Number.isNaN(t)) return 0
  return Math.max(0, Math.floor((now - t) / 1000))
}

/** The requested state remembered during a call, whatever shape the server sends. */
export function afterCallOf(a: Pick<Agent, 'after_call'> | null | undefined): { state: RequestedState; reason: string } | null {
  const ac = a?.after_call
  if (!ac) return null
  if (typeof ac === 'string') return { state: ac, reason: '' }
  return { state: ac.state, reason: ac.reason ?? '' }
}

/** Shared 1 s ticker: components read `tick` so that timers re-render once a second. */
const tick = ref(0)
let tickTimer: ReturnType<typeof setInterval> | null = null
let tickUsers = 0
export function useTicker() {
  return {
    tick,
    start() {
      tickUsers++
      if (!tickTimer) tickTimer = setInterval(() => (tick.value = serverNow()), 1000)
      tick.value = serverNow()
    },
    stop() {
      tickUsers = Math.max(0, tickUsers - 1)
      if (!tickUsers && tickTimer) {
        clearInterval(tickTimer)
        tickTimer = null
      }
    },
  }
}

export interface Offer extends OfferedEvent {
  /** Local time the offer arrived, for the ring countdown. */
  receivedAt: number
}

export const useAgentStore = defineStore('agent', () => {
  const auth = useAuthStore()
  const ws = useWsStore()

  const me = ref<AgentMe | null>(null)
  const loaded = ref(false)
  const loadError = ref<unknown>(null)
  /** The call being offered (ringing banner); cleared when the state leaves `ringing`. */
  const offer = ref<Offer | null>(null)
  /** Leg state of the agent's call from agent.call. */
  const callState = ref<CallLegState | null>(null)
  const muted = ref(false)
  /** An attended transfer is in progress (consult succeeded, not yet completed / cancelled). */
  const consulting = ref(false)
  /** A three-way call was set up on the current call. */
  const conferenced = ref(false)
  /** Screen pop of the offered / current / last call. */
  const screenPop = ref<ScreenPop | null>(null)
  const screenPopUuid = ref<string | null>(null)
  const screenPopLoading = ref(false)
  const screenPopError = ref<unknown>(null)
  /** The screen pop's call is a callback the caller asked for (回呼 tag). */
  const screenPopCallback = ref(false)
  /** The offered call answered from the browser: the phone is being rung to pick up by itself. */
  const answering = ref<string | null>(null)
  /** Action in flight (button spinner, double-click guard). */
  const busy = ref<string | null>(null)
  /** The last not-ready reason picked (F3 re-uses it). */
  const lastReason = ref<string>(localStorage.getItem('hotline.lastReason') ?? '')

  const state = computed(() => me.value?.state ?? 'logged_out')
  const reasons = computed(() => me.value?.reasons ?? [])
  const onCall = computed(() => state.value === 'talking' && callState.value !== 'ended')
  const held = computed(() => callState.value === 'held')
  const afterCall = computed(() => afterCallOf(me.value))

  let offs: (() => void)[] = []

  function isMe(a: Pick<Agent, 'user_id' | 'username'>): boolean {
    const m = me.value
    if (m) return a.user_id === m.user_id
    return !!auth.user && a.username === auth.user.username
  }

  function applyAgent(a: Agent) {
    const prev = me.value
    const changed = !prev || prev.state !== a.state || prev.since !== a.since
    if (changed && prev) noteServerTime(a.since)
    // agent.state events carry neither the reasons nor the transfer targets: keep the loaded ones.
    me.value = { ...a, reasons: prev?.reasons ?? [], transfer_targets: prev?.transfer_targets }
    if (a.state !== 'ringing') {
      offer.value = null
      answering.value = null
    } else if (a.call && offer.value?.call !== a.call.uuid) {
      // Ringing without the offer event (page reloaded while ringing): show the banner anyway;
      // the ring timeout is unknown, so there is no countdown.
      offer.value = {
        call: a.call.uuid,
        queue: a.call.queue,
        caller: a.call.caller,
        wait_seconds: 0,
        ring_timeout_seconds: 0,
        callback: a.call.callback,
        number: a.call.number,
        receivedAt: Date.now(),
      }
    }
    if (a.state !== 'talking') {
      consulting.value = false
      conferenced.value = false
      if (a.state !== 'ringing') {
        callState.value = null
        muted.value = false
      }
    } else if (!callState.value || (prev?.call?.uuid && a.call?.uuid && prev.call.uuid !== a.call.uuid)) {
      // Talking, or straight into another call: a fresh leg, neither held nor muted.
      callState.value = 'talking'
      muted.value = false
    }
    // A call we have no screen pop for (page reloaded during a call): fetch it. Not for the
    // agent's own outbound calls: the last inbound call's pop stays for the wrap-up work.
    const uuid = a.call?.uuid
    const popWanted = a.state === 'ringing' || (a.state === 'talking' && a.reason !== 'outbound')
    if (uuid && uuid !== screenPopUuid.value && popWanted) loadScreenPop(uuid, !!a.call?.callback)
  }

  async function load() {
    try {
      const res = await agentsApi.me()
      me.value = { ...res, reasons: Array.isArray(res.reasons) ? res.reasons : [] }
      loadError.value = null
      applyAgent(res)
    } catch (e) {
      loadError.value = e
    } finally {
      loaded.value = true
    }
  }

  async function loadScreenPop(uuid: string, callback?: boolean) {
    if (uuid !== screenPopUuid.value || callback !== undefined) screenPopCallback.value = !!callback
    screenPopUuid.value = uuid
    screenPopLoading.value = true
    screenPopError.value = null
    try {
      const pop = await screenPopApi.get(uuid)
      if (screenPopUuid.value === uuid) screenPop.value = pop
    } catch (e) {
      if (screenPopUuid.value === uuid) {
        screenPop.value = null
        // A direct (non-queue) call may have no screen pop: show "no call info", not an error.
        const none =
          e instanceof ApiError && e.status === 404 && me.value?.state === 'talking' && me.value.reason === 'direct'
        screenPopError.value = none ? null : e
      }
    } finally {
      if (screenPopUuid.value === uuid) screenPopLoading.value = false
    }
  }

  /** Subscribes to the push channel and loads the state; idempotent. */
  function start() {
    if (offs.length) return
    offs = [
      ws.on('agent.state', (d) => {
        const a = d as Agent
        if (a && isMe(a)) applyAgent(a)
      }),
      ws.on('agent.offered', (d) => {
        const o = d as OfferedEvent
        if (!o?.call) return
        offer.value = { ...o, receivedAt: Date.now() }
        if (me.value && me.value.state !== 'ringing') {
          me.value = {
            ...me.value,
            state: 'ringing',
            since: new Date(serverNow()).toISOString(),
            call: {
              uuid: o.call,
              queue: o.queue,
              caller: o.caller,
              since: new Date(serverNow()).toISOString(),
              callback: o.callback,
              number: o.number,
            },
          }
        }
        consulting.value = false
        conferenced.value = false
        loadScreenPop(o.call, !!o.callback)
      }),
      // The server's word on held / muted wins over the local guesses made after each command.
      ws.on('agent.call', (d) => {
        const c = d as CallEventData
        if (!c?.state) return
        // The end of another leg (a consultation cancelled) must not end the agent's own call.
        const current = me.value?.call?.uuid
        if (c.state === 'ended' && c.call && current && c.call !== current) return
        callState.value = c.state
        muted.value = !!c.muted && c.state !== 'ended'
        if (c.state === 'ended') {
          consulting.value = false
          conferenced.value = false
        }
      }),
      // After a reconnect the state may have moved on while we were away.
      ws.on('hello', () => {
        if (loaded.value) load()
      }),
    ]
    load()
  }

  function stop() {
    offs.forEach((off) => off())
    offs = []
    me.value = null
    loaded.value = false
    offer.value = null
    callState.value = null
    muted.value = false
    consulting.value = false
    conferenced.value = false
    screenPop.value = null
    screenPopUuid.value = null
    screenPopCallback.value = false
    answering.value = null
  }

  /**
   * Runs a command over the WebSocket when open, else over REST. `idempotent` commands (state
   * requests) are retried over REST when the socket drops or no reply comes; call actions are
   * not, since the server may have carried them out already (a second dial, twice the digits).
   */
  async function run(key: string, overWs: () => Promise<void>, overRest: () => Promise<unknown>, idempotent: boolean) {
    if (busy.value) throw new ApiError(0, 'busy', '')
    busy.value = key
    try {
      if (ws.isOpen()) {
        try {
          await overWs()
          return
        } catch (e) {
          const lost = e instanceof ApiError && (e.code === 'network_error' || e.code === 'timeout')
          if (!lost || !idempotent) throw e
        }
      }
      const res = await overRest()
      if (res && typeof res === 'object' && 'state' in res && 'user_id' in res) applyAgent(res as Agent)
    } finally {
      busy.value = null
    }
  }

  function setState(s: RequestedState, reason = '') {
    if (s === 'not_ready' && reason) {
      lastReason.value = reason
      try {
        localStorage.setItem('hotline.lastReason', reason)
      } catch {
        /* ignore */
      }
    }
    const username = me.value?.username ?? auth.user?.username ?? ''
    return run(
      'state:' + s,
      () => ws.command('agent.state', { state: s, reason }),
      () => agentsApi.setState(username, s, reason),
      true,
    )
  }

  async function callAction(action: CallAction, body: CallActionBody = {}) {
    // Over the WebSocket the command carries `target`; dial / dtmf also send their own field.
    const target = body.target ?? body.number ?? body.digits ?? ''
    await run(
      'call:' + action,
      () => ws.command('agent.call', { action, target, ...body }),
      () => agentsApi.callAction(action, body),
      false,
    )
    // The phone now rings again with auto-answer; the banner waits for the state to move on.
    if (action === 'answer') answering.value = me.value?.call?.uuid ?? offer.value?.call ?? null
    // Local bookkeeping until the agent.call events say otherwise.
    if (action === 'consult') consulting.value = true
    if (action === 'complete_transfer' || action === 'cancel_consult' || action === 'transfer') consulting.value = false
    if (action === 'conference') conferenced.value = true
    if (action === 'hold') callState.value = 'held'
    if (action === 'unhold') callState.value = 'talking'
    if (action === 'mute') muted.value = true
    if (action === 'unmute') muted.value = false
  }

  return {
    me,
    loaded,
    loadError,
    offer,
    callState,
    muted,
    consulting,
    conferenced,
    screenPop,
    screenPopUuid,
    screenPopLoading,
    screenPopError,
    screenPopCallback,
    answering,
    busy,
    lastReason,
    state,
    reasons,
    onCall,
    held,
    afterCall,
    start,
    stop,
    load,
    loadScreenPop,
    setState,
    callAction,
  }
})
