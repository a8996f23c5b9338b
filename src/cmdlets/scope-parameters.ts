// The recipient write scope parameters shared by New-RoleGroup and the assignment cmdlets,
// turned into one AssignmentScope (they are mutually exclusive, as in Exchange).
import { DeputyError, objectNotFound } from '../core/errors.ts';
import type { AssignmentScope } from '../core/rbac/model.ts';
import type { Operation } from '../services/context.ts';
import { groups, resolveOne } from '../services/identity.ts';
import type { ParameterSpec } from './host.ts';
import type { BoundParameters } from './binding.ts';

export const scopeParameters: readonly ParameterSpec[] = [
  { name: 'CustomRecipientWriteScope', type: 'String', typeName: 'ManagementScopeIdParameter' },
  { name: 'ExclusiveRecipientWriteScope', type: 'String', typeName: 'ManagementScopeIdParameter' },
  { name: 'RecipientRelativeWriteScope', type: 'String', values: ['None', 'Organization', 'MyGAL', 'Self'], typeName: 'RecipientWriteScopeType' },
  { name: 'RecipientGroupScope', type: 'String', typeName: 'GroupIdParameter' },
];

/** The scope the parameters name, or undefined when none was given. */
export function scopeFromParameters(op: Operation, p: BoundParameters): AssignmentScope | undefined {
  const given = scopeParameters.filter((s) => p.has(s.name)).map((s) => s.name);
  if (given.length > 1) {
    throw new DeputyError('ParameterBinding', `Parameter set cannot be resolved using the specified named parameters: ${given.map((g) => `-${g}`).join(' and ')} can't be used together. An assignment has one recipient write scope.`, { errorId: 'AmbiguousParameterSet' });
  }
  const custom = p.string('CustomRecipientWriteScope');
  if (custom !== undefined) {
    const scope = op.model.findScope(custom);
    if (!scope) throw objectNotFound(custom);
    if (scope.exclusive) throw new DeputyError('InvalidArgument', `The management scope '${scope.name}' is exclusive. Use -ExclusiveRecipientWriteScope to assign it.`);
    return { kind: 'CustomRecipientScope', scopeGuid: scope.guid };
  }
  const exclusive = p.string('ExclusiveRecipientWriteScope');
  if (exclusive !== undefined) {
    const scope = op.model.findScope(exclusive);
    if (!scope) throw objectNotFound(exclusive);
    if (!scope.exclusive) throw new DeputyError('InvalidArgument', `The management scope '${scope.name}' isn't exclusive. Use -CustomRecipientWriteScope to assign it.`);
    return { kind: 'ExclusiveRecipientScope', scopeGuid: scope.guid };
  }
  const relative = p.string('RecipientRelativeWriteScope');
  if (relative !== undefined) return { kind: relative as 'None' | 'Organization' | 'MyGAL' | 'Self' };
  const group = p.string('RecipientGroupScope');
  if (group !== undefined) {
    const g = resolveOne(op.model, group, (r) => groups(r) || r.typeDetails === 'RoleGroup');
    return { kind: 'Group', groupGuid: g.guid };
  }
  return undefined;
}
