import { onBeforeUnmount, ref } from 'vue'
import { promptsApi } from '@/api/ivr'
import { showError } from '@/utils/errors'

/**
 * One shared player for prompt previews: speaks text through the server's synthesizer or plays
 * a URL; starting a preview stops the previous one. `busy` is the key of what is loading.
 */
export function useAudioPreview() {
  const busy = ref<string | null>(null)
  const playing = ref<string | null>(null)
  let audio: HTMLAudioElement | null = null
  let objectUrl: string | null = null

  function stop() {
    audio?.pause()
    audio = null
    if (objectUrl) URL.revokeObjectURL(objectUrl)
    objectUrl = null
    playing.value = null
  }

  async function start(key: string, src: string) {
    audio = new Audio(src)
    audio.onended = () => {
      if (playing.value === key) playing.value = null
    }
    playing.value = key
    try {
      await audio.play()
    } catch {
      /* autoplay refused or unsupported: the user can press again */
      playing.value = null
    }
  }

  /** Speaks `text` (POST /ivr/speech-preview). */
  async function speak(key: string, text: string) {
    stop()
    if (!text.trim()) return
    busy.value = key
    try {
      const blob = await promptsApi.speechPreview(text)
      objectUrl = URL.createObjectURL(blob)
      await start(key, objectUrl)
    } catch (e) {
      showError(e)
    } finally {
      busy.value = null
    }
  }

  /** Plays a URL (a prompt's audio). */
  async function playUrl(key: string, url: string) {
    stop()
    await start(key, url)
  }

  onBeforeUnmount(stop)
  return { busy, playing, speak, playUrl, stop }
}
