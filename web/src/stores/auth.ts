import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi } from '@/api'
import { ApiError, notifyUnauthorized } from '@/api/http'
import type { User } from '@/api/types'

export const useAuthStore = defineStore('auth', () => {
  const user = ref<User | null>(null)
  const permissions = ref<string[]>([])
  /** True once we asked the server whether a session exists. */
  const checked = ref(false)
  let pending: Promise<void> | null = null

  const loggedIn = computed(() => user.value !== null)
  const permSet = computed(() => new Set(permissions.value))

  function can(perm: string | undefined | null): boolean {
    if (!perm) return true
    return permSet.value.has(perm)
  }

  async function refresh(): Promise<void> {
    try {
      const me = await authApi.me()
      user.value = me.user
      permissions.value = Array.isArray(me.permissions) ? me.permissions : []
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        const wasLoggedIn = user.value !== null
        clear()
        if (wasLoggedIn) notifyUnauthorized() // session ended while in use: back to login
      } else {
        throw e
      }
    } finally {
      checked.value = true
    }
  }

  /** Session probe done once at start-up (and re-used by the router guard). */
  function ensureChecked(): Promise<void> {
    if (checked.value) return Promise.resolve()
    if (!pending) {
      pending = refresh()
        .catch(() => {
          // Server unreachable: treat as logged out; the login page reports errors.
          clear()
          checked.value = true
        })
        .finally(() => {
          pending = null
        })
    }
    return pending
  }

  async function login(username: string, password: string): Promise<void> {
    const res = await authApi.login(username, password)
    user.value = res.user
    await refresh()
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } catch {
      /* the session is gone either way */
    }
    clear()
  }

  function clear() {
    user.value = null
    permissions.value = []
  }

  return { user, permissions, checked, loggedIn, can, refresh, ensureChecked, login, logout, clear }
})
