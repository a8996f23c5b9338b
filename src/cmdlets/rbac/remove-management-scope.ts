// Remove-ManagementScope: removes a scope that no assignment uses.
import { objectNotFound } from '../../core/errors.ts';
import { removeScope } from '../../services/rbac.ts';
import { defineCmdlet, identityParameter } from '../define.ts';

export default defineCmdlet({
  name: 'Remove-ManagementScope',
  synopsis: 'Removes a management scope; fails while an assignment uses it.',
  parameters: [identityParameter('ManagementScopeIdParameter')],
  async run(op, p) {
    const identity = p.string('Identity')!;
    const scope = op.model.findScope(identity);
    if (!scope) throw objectNotFound(identity);
    await removeScope(op, scope);
    return [];
  },
});
