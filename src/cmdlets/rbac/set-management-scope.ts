// Set-ManagementScope: renames a scope or changes its filter or root (its kind never changes).
import { objectNotFound } from '../../core/errors.ts';
import { updateScope } from '../../services/rbac.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { scopeOutput } from '../output/rbac.ts';
import { scopePreview } from './scope-preview.ts';

export default defineCmdlet({
  name: 'Set-ManagementScope',
  synopsis: 'Changes the name, filter or root of a management scope.',
  parameters: [
    identityParameter('ManagementScopeIdParameter'),
    { name: 'Name', type: 'String' },
    { name: 'RecipientRestrictionFilter', type: 'String' },
    { name: 'RecipientRoot', type: 'String', typeName: 'OrganizationalUnitIdParameter' },
    { name: 'Force', type: 'SwitchParameter' },
  ],
  async run(op, p) {
    const identity = p.string('Identity')!;
    const scope = op.model.findScope(identity);
    if (!scope) throw objectNotFound(identity);
    const updated = await updateScope(op, scope, {
      name: p.string('Name'),
      filter: p.string('RecipientRestrictionFilter'),
      recipientRoot: p.has('RecipientRoot') ? p.string('RecipientRoot') ?? null : undefined,
    });
    return () => {
      const current = op.model.scopes.get(updated.guid)!;
      return [scopeOutput(current, op.runtime.organization.defaultDomain, scopePreview(op, current))];
    };
  },
});
