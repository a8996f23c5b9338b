// Set-DistributionGroup: changes a group's names, addresses, managers or custom attributes.
import { anyRecipient, groups, resolveOne } from '../../services/identity.ts';
import { updateRecipient } from '../../services/recipients.ts';
import { requireGroupManager } from '../../services/rbac.ts';
import { bypassManagerCheck, defineCmdlet, identityParameter } from '../define.ts';
import { attributesFrom, customAttributeParameters, requireWriteAccess } from './common.ts';

export default defineCmdlet({
  name: 'Set-DistributionGroup',
  synopsis: 'Changes the properties of a distribution group or mail-enabled security group.',
  parameters: [
    identityParameter('DistributionGroupIdParameter'),
    { name: 'Name', type: 'String' },
    { name: 'DisplayName', type: 'String' },
    { name: 'Alias', type: 'String' },
    { name: 'PrimarySmtpAddress', type: 'String', typeName: 'SmtpAddress' },
    { name: 'EmailAddresses', type: 'MultiValued', typeName: 'ProxyAddressCollection' },
    { name: 'ManagedBy', type: 'String[]', typeName: 'MultiValuedProperty' },
    { name: 'Description', type: 'String', aliases: ['Notes'] },
    { name: 'HiddenFromAddressListsEnabled', type: 'Boolean' },
    ...customAttributeParameters,
    bypassManagerCheck,
  ],
  async run(op, p) {
    const group = resolveOne(op.model, p.string('Identity'), groups);
    requireWriteAccess(op, 'Set-DistributionGroup', group, p);
    requireGroupManager(op, group, p.switch('BypassSecurityGroupManagerCheck'));
    await updateRecipient(op, group, {
      name: p.string('Name'),
      displayName: p.string('DisplayName'),
      alias: p.string('Alias'),
      primarySmtpAddress: p.string('PrimarySmtpAddress'),
      emailAddresses: p.multiValued('EmailAddresses'),
      managedBy: p.has('ManagedBy') ? p.strings('ManagedBy').map((m) => resolveOne(op.model, m, anyRecipient).guid) : undefined,
      description: p.has('Description') ? p.string('Description') ?? '' : undefined,
      hiddenFromAddressLists: p.boolean('HiddenFromAddressListsEnabled'),
      attributes: attributesFrom(p, customAttributeParameters),
    });
    return [];
  },
});
