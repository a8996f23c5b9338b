// Get-ManagementRoleAssignment: lists assignments; -RoleAssignee includes those held through
// groups, -GetEffectiveUsers expands group assignments to the users who hold them.
import { objectNotFound } from '../../core/errors.ts';
import type { Recipient } from '../../core/directory/recipient.ts';
import { kindOf } from '../../core/directory/recipient.ts';
import type { RoleAssignment } from '../../core/rbac/model.ts';
import { findRole } from '../../core/rbac/roles.ts';
import { anyRecipient, resolveOne, wildcardMatcher } from '../../services/identity.ts';
import { defineCmdlet, resultSize } from '../define.ts';
import { assignmentOutput, type AssignmentView } from '../output/rbac.ts';
import { limit } from '../limits.ts';

export default defineCmdlet({
  name: 'Get-ManagementRoleAssignment',
  synopsis: 'Shows role assignments, optionally for one assignee (including through groups) or expanded to effective users.',
  parameters: [
    { name: 'Identity', type: 'String', position: 0, fromPipeline: true, typeName: 'RoleAssignmentIdParameter' },
    { name: 'RoleAssignee', type: 'String', typeName: 'RoleAssigneeIdParameter' },
    { name: 'Role', type: 'String', typeName: 'RoleIdParameter' },
    { name: 'Delegating', type: 'Boolean' },
    { name: 'Enabled', type: 'Boolean' },
    { name: 'Exclusive', type: 'Boolean' },
    { name: 'RoleAssigneeType', type: 'String', values: ['User', 'SecurityGroup', 'RoleGroup', 'ServicePrincipal'] },
    { name: 'RecipientWriteScope', type: 'String', values: ['Organization', 'None', 'MyGAL', 'Self', 'CustomRecipientScope', 'ExclusiveRecipientScope', 'Group'] },
    { name: 'CustomRecipientWriteScope', type: 'String', typeName: 'ManagementScopeIdParameter' },
    { name: 'ExclusiveRecipientWriteScope', type: 'String', typeName: 'ManagementScopeIdParameter' },
    { name: 'WritableRecipient', type: 'String', typeName: 'GeneralRecipientIdParameter' },
    { name: 'AssignmentMethod', type: 'String[]', typeName: 'AssignmentMethod[]' },
    { name: 'GetEffectiveUsers', type: 'SwitchParameter' },
    resultSize,
  ],
  async run(op, p) {
    const { model, authorizer } = op;
    let views: AssignmentView[];
    const assigneeId = p.string('RoleAssignee');
    if (assigneeId !== undefined) {
      const assignee = resolveOne(model, assigneeId, anyRecipient);
      views = authorizer.effectiveAssignments(assignee.guid).map((e) => ({ assignment: e.assignment, chain: e.via.map((g) => model.get(g)?.name ?? g) }));
    } else {
      views = [...model.assignments.values()].map((assignment) => ({ assignment }));
    }
    const identity = p.string('Identity');
    if (identity) {
      const matches = wildcardMatcher(identity);
      views = views.filter((v) => matches(v.assignment.name) || v.assignment.guid === identity.toLowerCase());
      if (!identity.includes('*') && views.length === 0) throw objectNotFound(identity);
    }
    const role = p.string('Role');
    if (role !== undefined) {
      const r = findRole(role);
      if (!r) throw objectNotFound(role);
      views = views.filter((v) => v.assignment.role === r.name);
    }
    const filterBool = (name: string, test: (a: RoleAssignment) => boolean) => {
      const want = p.boolean(name);
      if (want !== undefined) views = views.filter((v) => test(v.assignment) === want);
    };
    filterBool('Delegating', (a) => a.delegationType === 'Delegating');
    filterBool('Enabled', (a) => a.enabled);
    filterBool('Exclusive', (a) => a.scope.kind === 'ExclusiveRecipientScope');
    const assigneeType = p.string('RoleAssigneeType');
    if (assigneeType) views = views.filter((v) => v.assignment.assigneeType === assigneeType);
    const writeScope = p.string('RecipientWriteScope');
    if (writeScope) views = views.filter((v) => v.assignment.scope.kind === writeScope);
    for (const name of ['CustomRecipientWriteScope', 'ExclusiveRecipientWriteScope']) {
      const scopeId = p.string(name);
      if (scopeId === undefined) continue;
      const scope = model.findScope(scopeId);
      if (!scope) throw objectNotFound(scopeId);
      views = views.filter((v) => 'scopeGuid' in v.assignment.scope && v.assignment.scope.scopeGuid === scope.guid);
    }
    const writable = p.string('WritableRecipient');
    if (writable !== undefined) {
      const target = resolveOne(model, writable, anyRecipient);
      views = views.filter((v) => authorizer.assignmentReaches(v.assignment, v.assignment.assigneeGuid, target));
    }
    const methods = p.strings('AssignmentMethod').map((m) => m.toLowerCase());
    if (methods.length) views = views.filter((v) => methods.includes(v.chain && v.chain.length ? (v.assignment.assigneeType === 'RoleGroup' ? 'rolegroup' : 'securitygroup') : 'direct'));
    if (p.switch('GetEffectiveUsers')) views = views.flatMap((v) => expandToUsers(op.model, v));
    views.sort((a, b) => a.assignment.name.localeCompare(b.assignment.name) || (a.effectiveUser?.name ?? '').localeCompare(b.effectiveUser?.name ?? ''));
    return limit(views, p).map((v) => assignmentOutput(model, authorizer, v, op.runtime.organization.defaultDomain));
  },
});

/** One row per user (or application) that effectively holds the assignment. */
function expandToUsers(model: import('../../core/directory/model.ts').DirectoryModel, view: AssignmentView): AssignmentView[] {
  const holder = model.get(view.assignment.assigneeGuid);
  if (!holder) return [];
  const kind = kindOf[holder.typeDetails];
  if (kind !== 'Group' && kind !== 'RoleGroup') return [{ ...view, effectiveUser: holder, chain: view.chain ?? [] }];
  const rows: AssignmentView[] = [];
  const walk = (group: Recipient, chain: string[], seen: Set<string>) => {
    for (const m of model.directMembers(group.guid)) {
      const member = model.get(m);
      if (!member || seen.has(m)) continue;
      const k = kindOf[member.typeDetails];
      if (k === 'Group' || k === 'RoleGroup') walk(member, [...chain, member.name], new Set([...seen, m]));
      else rows.push({ ...view, effectiveUser: member, chain });
    }
  };
  walk(holder, [holder.name], new Set([holder.guid]));
  return rows;
}
