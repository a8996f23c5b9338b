// Output shape of client secrets (never the hash; the text only when just issued).
import type { Recipient } from '../../core/directory/recipient.ts';
import type { ClientSecret } from '../../store/store.ts';
import { withDisplayColumns } from '../host.ts';

export function credentialOutput(sp: Recipient, secret: ClientSecret, secretText?: string) {
  return withDisplayColumns(
    {
      ServicePrincipal: sp.displayName,
      AppId: sp.appId ?? '',
      KeyId: secret.id,
      DisplayName: secret.displayName,
      Hint: secret.hint,
      ...(secretText ? { SecretText: secretText } : {}),
      StartDateTime: secret.createdAt,
      EndDateTime: secret.expiresAt,
    },
    secretText ? ['AppId', 'KeyId', 'SecretText', 'EndDateTime'] : ['AppId', 'KeyId', 'DisplayName', 'Hint', 'EndDateTime'],
  );
}
