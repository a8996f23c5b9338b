// New-Mailbox: creates a user, shared or room mailbox.
import { DeputyError } from '../../core/errors.ts';
import type { RecipientTypeDetails } from '../../core/directory/recipient.ts';
import { createRecipient } from '../../services/recipients.ts';
import { defineCmdlet } from '../define.ts';
import { mailboxOutput } from '../output/recipients.ts';

export default defineCmdlet({
  name: 'New-Mailbox',
  synopsis: 'Creates a mailbox (user, -Shared or -Room).',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, position: 0 },
    { name: 'Alias', type: 'String' },
    { name: 'DisplayName', type: 'String' },
    { name: 'FirstName', type: 'String' },
    { name: 'LastName', type: 'String' },
    { name: 'PrimarySmtpAddress', type: 'String', typeName: 'SmtpAddress' },
    { name: 'MicrosoftOnlineServicesID', type: 'String', aliases: ['UserPrincipalName'], typeName: 'WindowsLiveId' },
    { name: 'Password', type: 'String', sensitive: true, typeName: 'SecureString' },
    { name: 'Shared', type: 'SwitchParameter' },
    { name: 'Room', type: 'SwitchParameter' },
  ],
  async run(op, p) {
    if (p.switch('Shared') && p.switch('Room')) throw new DeputyError('ParameterBinding', 'Parameter set cannot be resolved: -Shared and -Room can\'t be used together.', { errorId: 'AmbiguousParameterSet' });
    const typeDetails: RecipientTypeDetails = p.switch('Shared') ? 'SharedMailbox' : p.switch('Room') ? 'RoomMailbox' : 'UserMailbox';
    const attributes: Record<string, string> = {};
    if (p.string('FirstName')) attributes.FirstName = p.string('FirstName')!;
    if (p.string('LastName')) attributes.LastName = p.string('LastName')!;
    const upn = p.string('MicrosoftOnlineServicesID');
    const mailbox = await createRecipient(op, {
      typeDetails,
      name: p.string('Name')!,
      alias: p.string('Alias'),
      displayName: p.string('DisplayName'),
      primarySmtpAddress: p.string('PrimarySmtpAddress') ?? upn,
      userPrincipalName: upn,
      attributes,
      password: p.string('Password'),
    });
    return [mailboxOutput(mailbox)];
  },
});
