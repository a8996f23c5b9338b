// New-User (Deputy's own): creates a user without a mailbox, such as a service account.
import { createRecipient } from '../../services/recipients.ts';
import { defineCmdlet } from '../define.ts';
import { userOutput } from '../output/recipients.ts';

export default defineCmdlet({
  name: 'New-User',
  synopsis: 'Creates a user without a mailbox (for example a service account).',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, position: 0 },
    { name: 'UserPrincipalName', type: 'String', mandatory: true, aliases: ['MicrosoftOnlineServicesID'] },
    { name: 'DisplayName', type: 'String' },
    { name: 'FirstName', type: 'String' },
    { name: 'LastName', type: 'String' },
    { name: 'Password', type: 'String', sensitive: true, typeName: 'SecureString' },
  ],
  async run(op, p) {
    const attributes: Record<string, string> = {};
    if (p.string('FirstName')) attributes.FirstName = p.string('FirstName')!;
    if (p.string('LastName')) attributes.LastName = p.string('LastName')!;
    const user = await createRecipient(op, {
      typeDetails: 'User',
      name: p.string('Name')!,
      userPrincipalName: p.string('UserPrincipalName'),
      alias: p.string('UserPrincipalName'),
      displayName: p.string('DisplayName'),
      attributes,
      password: p.string('Password'),
    });
    return [userOutput(user)];
  },
});
