import { defineStore } from 'pinia'
import { ref } from 'vue'
import { orgApi, rolesApi } from '@/api'
import type { OrgUnit, Role } from '@/api/types'
import { i18n } from '@/i18n'

/** Shared look-up lists (roles, organisation units) used by several pages. */
export const useDictsStore = defineStore('dicts', () => {
  const roles = ref<Role[]>([])
  const orgUnits = ref<OrgUnit[]>([])

  async function loadRoles(): Promise<Role[]> {
    try {
      roles.value = (await rolesApi.list()).items ?? []
    } catch {
      // Without roles.read fall back to the built-in codes.
      if (roles.value.length === 0) {
        roles.value = ['admin', 'supervisor', 'team_leader', 'agent', 'department', 'auditor'].map((code, i) => ({
          id: -(i + 1),
          code,
          name: '',
          description: '',
          builtin: true,
          permissions: [],
          user_count: 0,
        }))
      }
    }
    return roles.value
  }

  async function loadOrgUnits(): Promise<OrgUnit[]> {
    try {
      orgUnits.value = (await orgApi.list()).items ?? []
    } catch {
      /* no org.read: keep what we have */
    }
    return orgUnits.value
  }

  /** Display name of a role code: built-in codes are translated, custom roles use their name. */
  function roleName(code: string): string {
    const { t, te, locale } = i18n.global
    const key = `roles.${code}`
    if (te(key)) {
      // Built-in role: the server name is Chinese; follow the UI language instead.
      if (locale.value !== 'zh-CN') return t(key)
      const r = roles.value.find((x) => x.code === code)
      return r?.name || t(key)
    }
    return roles.value.find((x) => x.code === code)?.name || code
  }

  return { roles, orgUnits, loadRoles, loadOrgUnits, roleName }
})
