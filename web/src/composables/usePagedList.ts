// The list plumbing every paged screen repeats: filters being edited vs. filters applied (paging
// and live refreshes keep using the last search), page / page size, loading spinner, a quiet
// mode for background refreshes, and cancelling a request overtaken by a newer one.
import { onBeforeUnmount, reactive, ref, type Ref, type UnwrapRef } from 'vue'
import type { Paged } from '@/api/types'
import { showError } from '@/utils/errors'

export interface PageQuery {
  page: number
  page_size: number
}

export interface PagedListOptions<T, F extends object> {
  /** Fresh filter values (also what "reset" restores). */
  filters: () => F
  /** Fetches one page for the applied filters. */
  fetch: (filters: F, page: PageQuery, signal: AbortSignal) => Promise<Paged<T>>
  pageSize?: number
  /** Load on creation (default true); otherwise call `load()` yourself. */
  immediate?: boolean
}

export function usePagedList<T, F extends object>(opts: PagedListOptions<T, F>) {
  const filters = reactive(opts.filters()) as UnwrapRef<F>
  /** A copy of the filters of the last search. */
  let applied: F = copy(opts.filters())
  const page = ref(1)
  const pageSize = ref(opts.pageSize ?? 20)
  const rows = ref<T[]>([]) as Ref<T[]>
  const total = ref(0)
  const loading = ref(false)
  const error = ref<unknown>(null)
  let abort: AbortController | null = null

  /** `quiet`: background refresh — no spinner, no toast. */
  async function load(quiet = false) {
    abort?.abort()
    const ctl = new AbortController()
    abort = ctl
    if (!quiet) loading.value = true
    try {
      const res = await opts.fetch(applied, { page: page.value, page_size: pageSize.value }, ctl.signal)
      if (abort !== ctl) return
      rows.value = res?.items ?? []
      total.value = res?.total ?? 0
      error.value = null
      // The last page emptied (rows handled elsewhere): step back.
      if (!rows.value.length && page.value > 1 && total.value > 0) {
        page.value = Math.max(1, Math.ceil(total.value / pageSize.value))
        return load(quiet)
      }
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return
      error.value = e
      if (!quiet) showError(e)
    } finally {
      if (abort === ctl) loading.value = false
    }
  }

  /** Applies the edited filters and shows their first page. */
  function search() {
    applied = copy(filters as F)
    page.value = 1
    return load()
  }

  function reset() {
    Object.assign(filters as object, opts.filters())
    return search()
  }

  /**
   * Narrows the last search by some filters (a click in another table) without applying the
   * other filters being edited, and shows the first page.
   */
  function refine(patch: Partial<F>) {
    Object.assign(filters as object, patch)
    applied = { ...applied, ...copy(patch) }
    page.value = 1
    return load()
  }

  /** Bind to el-pagination: `@current-change="onPage"`, `@size-change="onSize"`. */
  function onPage() {
    return load()
  }
  function onSize() {
    page.value = 1
    return load()
  }

  /** The filters of the last search (live refreshes decide from them whether to reload). */
  function appliedFilters(): Readonly<F> {
    return applied
  }

  onBeforeUnmount(() => abort?.abort())
  if (opts.immediate !== false) load()

  return {
    filters,
    page,
    pageSize,
    rows,
    total,
    loading,
    error,
    load,
    search,
    reset,
    refine,
    onPage,
    onSize,
    appliedFilters,
  }
}

/** Copies one level deep, so that arrays (date ranges) are not shared with the form. */
function copy<F extends object>(f: F): F {
  const out = { ...f } as Record<string, unknown>
  for (const [k, v] of Object.entries(out)) if (Array.isArray(v)) out[k] = [...v]
  return out as F
}
