import type { OrgUnit } from '@/api/types'

export interface OrgNode extends OrgUnit {
  children: OrgNode[]
}

/** Builds a sorted forest from the flat list the API returns. Orphans become roots. */
export function buildOrgTree(units: OrgUnit[]): OrgNode[] {
  const byId = new Map<number, OrgNode>()
  for (const u of units) byId.set(u.id, { ...u, children: [] })
  const roots: OrgNode[] = []
  for (const n of byId.values()) {
    const parent = n.parent_id != null ? byId.get(n.parent_id) : undefined
    if (parent && parent !== n) parent.children.push(n)
    else roots.push(n)
  }
  const sort = (list: OrgNode[]) => {
    list.sort((a, b) => a.sort_order - b.sort_order || a.id - b.id)
    list.forEach((c) => sort(c.children))
  }
  sort(roots)
  return roots
}

/** Ids of the node and all its descendants (to forbid moving a unit under itself). */
export function descendantIds(units: OrgUnit[], id: number): Set<number> {
  const out = new Set<number>([id])
  let grew = true
  while (grew) {
    grew = false
    for (const u of units) {
      if (u.parent_id != null && out.has(u.parent_id) && !out.has(u.id)) {
        out.add(u.id)
        grew = true
      }
    }
  }
  return out
}
