/// <reference types="vite/client" />

import 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** Route is reachable without a session (login page). */
    public?: boolean
    /** Permission code required to open the page. */
    perm?: string
    /** i18n key of the page title. */
    title?: string
  }
}

export {}
