// New-DistributionGroup: creates a distribution group, or a mail-enabled security group with -Type Security.
import { anyRecipient, resolveOne } from '../../services/identity.ts';
import { addMember, createRecipient } from '../../services/recipients.ts';
import { defineCmdlet } from '../define.ts';
import { groupOutput } from '../output/recipients.ts';

export default defineCmdlet({
  name: 'New-DistributionGroup',
  synopsis: 'Creates a distribution group or (-Type Security) a mail-enabled security group.',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, position: 0 },
    { name: 'DisplayName', type: 'String' },
    { name: 'Alias', type: 'String' },
    { name: 'PrimarySmtpAddress', type: 'String', typeName: 'SmtpAddress' },
    { name: 'Type', type: 'String', values: ['Distribution', 'Security'], typeName: 'GroupType' },
    { name: 'Members', type: 'String[]', typeName: 'RecipientWithAdUserGroupIdParameter[]' },
    { name: 'ManagedBy', type: 'String[]', typeName: 'MultiValuedProperty' },
    { name: 'Description', type: 'String', aliases: ['Notes'] },
  ],
  async run(op, p) {
    const managedBy = p.has('ManagedBy') ? p.strings('ManagedBy').map((m) => resolveOne(op.model, m, anyRecipient).guid) : [op.caller.guid];
    const group = await createRecipient(op, {
      typeDetails: p.string('Type') === 'Security' ? 'MailUniversalSecurityGroup' : 'MailUniversalDistributionGroup',
      name: p.string('Name')!,
      displayName: p.string('DisplayName'),
      alias: p.string('Alias'),
      primarySmtpAddress: p.string('PrimarySmtpAddress'),
      description: p.string('Description') ?? '',
      managedBy,
    });
    for (const m of p.strings('Members')) {
      await addMember(op, group, resolveOne(op.model, m, anyRecipient));
    }
    return () => [groupOutput(op.model, op.model.get(group.guid)!)];
  },
});
