import { onBeforeUnmount, onMounted } from 'vue'
import { useWsStore } from '@/stores/ws'

/**
 * Calls `refresh` shortly after the server pushes a message of `type` over the real-time
 * channel, while the calling component is mounted. Bursts of messages cause one refresh.
 */
export function usePushRefresh(type: string, refresh: (data: unknown) => void, delayMs = 800) {
  const ws = useWsStore()
  let timer: ReturnType<typeof setTimeout> | null = null
  let last: unknown = null
  let off: (() => void) | null = null
  onMounted(() => {
    off = ws.on(type, (data) => {
      last = data
      if (timer) return
      timer = setTimeout(() => {
        timer = null
        refresh(last)
      }, delayMs)
    })
  })
  onBeforeUnmount(() => {
    off?.()
    if (timer) clearTimeout(timer)
  })
}
