// Get-RoleGroup: lists role groups with their roles, assignments, members and managers.
import { resolveMany, roleGroups } from '../../services/identity.ts';
import { defineCmdlet, resultSize } from '../define.ts';
import { roleGroupOutput } from '../output/rbac.ts';
import { limit } from '../limits.ts';

export default defineCmdlet({
  name: 'Get-RoleGroup',
  synopsis: 'Shows role groups.',
  parameters: [
    { name: 'Identity', type: 'String', position: 0, fromPipeline: true, typeName: 'RoleGroupIdParameter' },
    resultSize,
  ],
  async run(op, p) {
    return limit(resolveMany(op.model, p.string('Identity'), roleGroups), p).map((g) => roleGroupOutput(op.model, g));
  },
});
