// Scope filters as stored: MemberOfGroup is pinned to the group's GUID when the filter is saved,
// so renaming or re-creating a group under the same name never changes what a scope covers.
import { DeputyError } from '../errors.ts';
import type { DirectoryModel } from '../directory/model.ts';
import { kindOf } from '../directory/recipient.ts';
import { compileRecipientFilter, formatRecipientFilter, parseRecipientFilter, type FilterNode, type RecipientPredicate } from './opath/index.ts';

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one group an identity names, or a clear error (used when a filter is written). */
function resolveGroupStrictly(model: DirectoryModel, identity: string): string {
  const groups = model.lookup(identity).filter((r) => kindOf[r.typeDetails] === 'Group' || kindOf[r.typeDetails] === 'RoleGroup');
  if (groups.length === 1) return groups[0].guid;
  throw new DeputyError(
    'InvalidFilter',
    groups.length === 0
      ? `The MemberOfGroup value '${identity}' doesn't name a group in this organization.`
      : `The MemberOfGroup value '${identity}' names several groups (${groups.map((g) => g.name).join(', ')}); use the group's distinguished name or GUID.`,
    { group: identity },
  );
}

function pinGroups(node: FilterNode, model: DirectoryModel): FilterNode {
  switch (node.type) {
    case 'comparison':
      if (node.property !== 'MemberOfGroup' || node.value.kind !== 'string') return node;
      return { ...node, value: { kind: 'string', value: resolveGroupStrictly(model, node.value.value) } };
    case 'not':
      return { type: 'not', operand: pinGroups(node.operand, model) };
    default:
      return { type: node.type, operands: node.operands.map((n) => pinGroups(n, model)) };
  }
}

/** Validates a filter for a management scope and returns the form to store. */
export function canonicalScopeFilter(model: DirectoryModel, text: string): string {
  const canonical = formatRecipientFilter(pinGroups(parseRecipientFilter(text), model));
  compileStoredScopeFilter(canonical);
  return canonical;
}

/**
 * Compiles a stored filter. Its MemberOfGroup values are GUIDs; a group removed since then
 * simply has no members, so compiling never fails on directory changes.
 */
export function compileStoredScopeFilter(stored: string): RecipientPredicate {
  return compileRecipientFilter(parseRecipientFilter(stored), (value) => (guidPattern.test(value) ? value.toLowerCase() : undefined));
}

/** Compiles an ad-hoc filter (Get-Mailbox -Filter …) against the directory as it is now. */
export function compileRecipientQuery(model: DirectoryModel, text: string): RecipientPredicate {
  return compileRecipientFilter(parseRecipientFilter(text), (identity) => resolveGroupStrictly(model, identity));
}

/** The groups a stored filter refers to (their membership decides what the scope covers). */
export function groupsInStoredFilter(stored: string): string[] {
  return stored.match(/MemberOfGroup -(?:eq|ne) '([0-9a-f-]{36})'/gi)?.map((m) => m.slice(-37, -1).toLowerCase()) ?? [];
}
