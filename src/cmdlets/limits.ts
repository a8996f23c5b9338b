// -ResultSize handling shared by the Get-* cmdlets (default 1000, as Exchange).
import type { BoundParameters } from './binding.ts';

export function limit<T>(items: T[], p: BoundParameters): T[] {
  const size = p.number('ResultSize') ?? 1000;
  return Number.isFinite(size) ? items.slice(0, size) : items;
}
