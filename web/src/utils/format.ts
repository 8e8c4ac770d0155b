const pad = (n: number) => String(n).padStart(2, '0')

/** ISO-8601 (UTC) → local "YYYY-MM-DD HH:mm:ss"; empty for null. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  )
}

/** Date → ISO-8601 UTC without milliseconds, as the API expects. */
export function toIsoUtc(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Seconds → "mm:ss" ("h:mm:ss" from one hour); empty for null / negative. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return ''
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`
}

/** Whole seconds between two ISO-8601 times; null if either is missing or unparsable. */
export function secondsBetween(from: string | null | undefined, to: string | null | undefined): number | null {
  if (!from || !to) return null
  const a = new Date(from).getTime()
  const b = new Date(to).getTime()
  if (Number.isNaN(a) || Number.isNaN(b) || b < a) return null
  return (b - a) / 1000
}

/** Byte count → "812 B", "1.4 KB", "3.2 MB". */
export function formatBytes(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n) || n < 0) return ''
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`
}

/** Local [00:00:00 today, 23:59:59 today] for date-time range pickers. */
export function todayRange(): [Date, Date] {
  const start = new Date()
  start.setHours(0, 0, 0, 0)
  const end = new Date(start)
  end.setHours(23, 59, 59, 0)
  return [start, end]
}

/**
 * A picker range → the API's from (inclusive) / to (exclusive). The picker's end is the last
 * second the user wants included, so one second is added to it.
 */
export function rangeQuery(range: [Date, Date] | null | undefined): { from?: string; to?: string } {
  if (!range) return {}
  return { from: toIsoUtc(range[0]), to: toIsoUtc(new Date(range[1].getTime() + 1000)) }
}
