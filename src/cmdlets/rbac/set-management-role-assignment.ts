// Set-ManagementRoleAssignment: enables, disables or re-scopes an assignment.
import { objectNotFound } from '../../core/errors.ts';
import { findRole } from '../../core/rbac/roles.ts';
import { updateAssignment } from '../../services/rbac.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { assignmentOutput } from '../output/rbac.ts';
import { scopeFromParameters, scopeParameters } from '../scope-parameters.ts';

export default defineCmdlet({
  name: 'Set-ManagementRoleAssignment',
  synopsis: 'Enables or disables a role assignment or changes its recipient write scope.',
  parameters: [identityParameter('RoleAssignmentIdParameter'), { name: 'Enabled', type: 'Boolean' }, ...scopeParameters],
  async run(op, p) {
    const identity = p.string('Identity')!;
    const assignment = op.model.findAssignment(identity);
    if (!assignment) throw objectNotFound(identity);
    const updated = await updateAssignment(op, assignment, findRole(assignment.role)!, { enabled: p.boolean('Enabled'), scope: scopeFromParameters(op, p) });
    return () => [assignmentOutput(op.model, op.authorizer, { assignment: op.model.assignments.get(updated.guid)! }, op.runtime.organization.defaultDomain)];
  },
});
