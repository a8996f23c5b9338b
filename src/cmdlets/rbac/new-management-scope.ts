// New-ManagementScope: creates a recipient scope from an OPATH filter (validated, stored canonical).
import { createScope } from '../../services/rbac.ts';
import { defineCmdlet } from '../define.ts';
import { scopeOutput } from '../output/rbac.ts';
import { scopePreview } from './scope-preview.ts';

export default defineCmdlet({
  name: 'New-ManagementScope',
  synopsis: 'Creates a management scope that limits role assignments to recipients matching a filter.',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, position: 0 },
    { name: 'RecipientRestrictionFilter', type: 'String', mandatory: true, typeName: 'String' },
    { name: 'RecipientRoot', type: 'String', typeName: 'OrganizationalUnitIdParameter' },
    { name: 'Exclusive', type: 'SwitchParameter' },
    { name: 'Force', type: 'SwitchParameter' },
  ],
  async run(op, p) {
    const scope = await createScope(op, {
      name: p.string('Name')!,
      filter: p.string('RecipientRestrictionFilter')!,
      recipientRoot: p.string('RecipientRoot'),
      exclusive: p.switch('Exclusive'),
    });
    return () => [scopeOutput(op.model.scopes.get(scope.guid)!, op.runtime.organization.defaultDomain, scopePreview(op, op.model.scopes.get(scope.guid)!))];
  },
});
