// Remove-ManagementRoleAssignment: removes a role assignment.
import { objectNotFound } from '../../core/errors.ts';
import { removeAssignment } from '../../services/rbac.ts';
import { defineCmdlet, identityParameter } from '../define.ts';

export default defineCmdlet({
  name: 'Remove-ManagementRoleAssignment',
  synopsis: 'Removes a role assignment.',
  parameters: [identityParameter('RoleAssignmentIdParameter')],
  async run(op, p) {
    const identity = p.string('Identity')!;
    const assignment = op.model.findAssignment(identity);
    if (!assignment) throw objectNotFound(identity);
    await removeAssignment(op, assignment);
    return [];
  },
});
