// One choice of a filter as the sidebar shows it: value, text, and its count (null while unknown).
export interface FacetOption<V extends string> {
  value: V
  label: string
  count: number | null
}
