// Set-Mailbox: changes a mailbox's names, addresses, custom attributes, type or password.
import { mailboxes, resolveOne } from '../../services/identity.ts';
import { setPassword, updateRecipient } from '../../services/recipients.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { attributesFrom, customAttributeParameters, requireWriteAccess } from './common.ts';

const typeFor = { Regular: 'UserMailbox', Shared: 'SharedMailbox', Room: 'RoomMailbox' } as const;

export default defineCmdlet({
  name: 'Set-Mailbox',
  synopsis: 'Changes the properties of a mailbox.',
  parameters: [
    identityParameter('MailboxIdParameter'),
    { name: 'Name', type: 'String' },
    { name: 'DisplayName', type: 'String' },
    { name: 'Alias', type: 'String' },
    { name: 'PrimarySmtpAddress', type: 'String', typeName: 'SmtpAddress' },
    { name: 'WindowsEmailAddress', type: 'String', typeName: 'SmtpAddress' },
    { name: 'EmailAddresses', type: 'MultiValued', typeName: 'ProxyAddressCollection' },
    { name: 'HiddenFromAddressListsEnabled', type: 'Boolean' },
    { name: 'Type', type: 'String', values: ['Regular', 'Shared', 'Room'] },
    { name: 'Password', type: 'String', sensitive: true, typeName: 'SecureString' },
    ...customAttributeParameters,
  ],
  async run(op, p) {
    const mailbox = resolveOne(op.model, p.string('Identity'), mailboxes);
    requireWriteAccess(op, 'Set-Mailbox', mailbox, p);
    const type = p.string('Type') as keyof typeof typeFor | undefined;
    const change = p.multiValued('EmailAddresses');
    await updateRecipient(op, mailbox, {
      name: p.string('Name'),
      displayName: p.string('DisplayName'),
      alias: p.string('Alias'),
      primarySmtpAddress: p.string('PrimarySmtpAddress') ?? p.string('WindowsEmailAddress'),
      emailAddresses: change,
      hiddenFromAddressLists: p.boolean('HiddenFromAddressListsEnabled'),
      typeDetails: type ? typeFor[type] : undefined,
      attributes: attributesFrom(p, customAttributeParameters),
    });
    const password = p.string('Password');
    if (password !== undefined) await setPassword(op, mailbox, password);
    return [];
  },
});
