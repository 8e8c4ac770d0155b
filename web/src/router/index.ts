import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import { i18n } from '@/i18n'
import MainLayout from '@/layouts/MainLayout.vue'

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/LoginView.vue'),
    meta: { public: true, title: 'login.title' },
  },
  {
    path: '/',
    component: MainLayout,
    children: [
      { path: '', name: 'home', component: () => import('@/views/HomeView.vue'), meta: { title: 'menu.home' } },
      {
        path: 'profile',
        name: 'profile',
        component: () => import('@/views/ProfileView.vue'),
        meta: { title: 'menu.profile' },
      },
      {
        path: 'calls',
        name: 'calls',
        component: () => import('@/views/calls/CallsView.vue'),
        meta: { title: 'menu.calls', perm: 'calls.read' },
      },
      {
        path: 'recordings',
        name: 'recordings',
        component: () => import('@/views/calls/RecordingsView.vue'),
        meta: { title: 'menu.recordings', perm: 'recordings.read' },
      },
      {
        path: 'messages',
        name: 'messages',
        component: () => import('@/views/ivr/MessagesView.vue'),
        meta: { title: 'menu.messages', perm: 'messages.read' },
      },
      {
        path: 'survey',
        name: 'survey',
        component: () => import('@/views/ivr/SurveyView.vue'),
        meta: { title: 'menu.survey', perm: 'survey.read' },
      },
      {
        path: 'ivr/flows',
        name: 'ivr-flows',
        component: () => import('@/views/ivr/FlowsView.vue'),
        meta: { title: 'menu.ivrFlows', perm: 'ivr.read' },
      },
      {
        path: 'ivr/flows/:id(\\d+)',
        name: 'ivr-flow',
        component: () => import('@/views/ivr/FlowDesignerView.vue'),
        meta: { title: 'menu.ivrFlows', perm: 'ivr.read' },
      },
      {
        path: 'ivr/calendars',
        name: 'ivr-calendars',
        component: () => import('@/views/ivr/CalendarsView.vue'),
        meta: { title: 'menu.ivrCalendars', perm: 'ivr.read' },
      },
      {
        path: 'ivr/prompts',
        name: 'ivr-prompts',
        component: () => import('@/views/ivr/PromptsView.vue'),
        meta: { title: 'menu.ivrPrompts', perm: 'ivr.read' },
      },
      {
        path: 'ivr/data-sources',
        name: 'ivr-data-sources',
        component: () => import('@/views/ivr/DataSourcesView.vue'),
        meta: { title: 'menu.ivrDataSources', perm: 'ivr.read' },
      },
      {
        path: 'telephony/trunks',
        name: 'trunks',
        component: () => import('@/views/telephony/TrunksView.vue'),
        meta: { title: 'menu.trunks', perm: 'telephony.read' },
      },
      {
        path: 'telephony/routes',
        name: 'routes',
        component: () => import('@/views/telephony/RoutesView.vue'),
        meta: { title: 'menu.routes', perm: 'telephony.read' },
      },
      {
        path: 'system/users',
        name: 'users',
        component: () => import('@/views/system/UsersView.vue'),
        meta: { title: 'menu.users', perm: 'users.read' },
      },
      {
        path: 'system/roles',
        name: 'roles',
        component: () => import('@/views/system/RolesView.vue'),
        meta: { title: 'menu.roles', perm: 'roles.read' },
      },
      {
        path: 'system/org',
        name: 'org',
        component: () => import('@/views/system/OrgView.vue'),
        meta: { title: 'menu.org', perm: 'org.read' },
      },
      {
        path: 'system/sip',
        name: 'sip',
        component: () => import('@/views/system/SipView.vue'),
        meta: { title: 'menu.sip', perm: 'sip.read' },
      },
      {
        path: 'system/audit',
        name: 'audit',
        component: () => import('@/views/system/AuditView.vue'),
        meta: { title: 'menu.audit', perm: 'audit.read' },
      },
      {
        path: 'agent/workspace',
        name: 'agent-workspace',
        component: () => import('@/views/agent/WorkspaceView.vue'),
        meta: { title: 'acd.menu.workspace', perm: 'agent.work' },
      },
      {
        path: 'supervision/wallboard',
        name: 'wallboard',
        component: () => import('@/views/supervision/WallboardView.vue'),
        meta: { title: 'acd.menu.wallboard', perm: 'agents.read' },
      },
      {
        path: 'acd/missed-calls',
        name: 'missed-calls',
        component: () => import('@/views/acd/MissedCallsView.vue'),
        meta: { title: 'acd.menu.missed', perm: 'missed.read' },
      },
      {
        path: 'acd/queues',
        name: 'queues',
        component: () => import('@/views/acd/QueuesView.vue'),
        meta: { title: 'acd.menu.queues', perm: 'acd.read' },
      },
      {
        path: 'acd/reasons',
        name: 'agent-reasons',
        component: () => import('@/views/acd/AgentReasonsView.vue'),
        meta: { title: 'acd.menu.reasons', perm: 'acd.read' },
      },
      {
        path: '403',
        name: 'forbidden',
        component: () => import('@/views/ForbiddenView.vue'),
        meta: { title: 'forbidden.title' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/views/NotFoundView.vue'),
        meta: { title: 'notFound.title' },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
})

/** Only same-app absolute paths are accepted as post-login targets. */
export function safeRedirect(r: unknown): string {
  if (typeof r === 'string' && r.startsWith('/') && !r.startsWith('//') && !r.startsWith('/login')) return r
  return '/'
}

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  await auth.ensureChecked()
  if (to.meta.public) {
    if (to.name === 'login' && auth.loggedIn) return safeRedirect(to.query.redirect)
    return true
  }
  if (!auth.loggedIn) {
    return to.fullPath === '/' ? { name: 'login' } : { name: 'login', query: { redirect: to.fullPath } }
  }
  // Missing permission: MainLayout renders the 403 page in place (URL kept).
  return true
})

export function updateTitle() {
  const route = router.currentRoute.value
  const { t } = i18n.global
  const app = t('app.name')
  document.title = route.meta.title ? `${t(route.meta.title)} - ${app}` : app
}

router.afterEach(() => updateTitle())
