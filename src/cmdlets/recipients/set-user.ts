// Set-User: changes a user's directory attributes (Department, Title, …), names, UPN or password.
import { resolveOne, users } from '../../services/identity.ts';
import { setPassword, updateRecipient } from '../../services/recipients.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { attributesFrom, requireWriteAccess, userAttributeParameters } from './common.ts';

export default defineCmdlet({
  name: 'Set-User',
  synopsis: 'Changes the directory attributes of a user.',
  parameters: [
    identityParameter('UserIdParameter'),
    { name: 'Name', type: 'String' },
    { name: 'DisplayName', type: 'String' },
    { name: 'UserPrincipalName', type: 'String' },
    { name: 'AccountDisabled', type: 'Boolean' },
    { name: 'Password', type: 'String', sensitive: true, typeName: 'SecureString' },
    ...userAttributeParameters,
  ],
  async run(op, p) {
    const user = resolveOne(op.model, p.string('Identity'), users);
    requireWriteAccess(op, 'Set-User', user, p);
    await updateRecipient(op, user, {
      name: p.string('Name'),
      displayName: p.string('DisplayName'),
      userPrincipalName: p.string('UserPrincipalName'),
      accountDisabled: p.boolean('AccountDisabled'),
      attributes: attributesFrom(p, userAttributeParameters),
    });
    const password = p.string('Password');
    if (password !== undefined) await setPassword(op, user, password);
    return [];
  },
});
