// Use cases on applications: service principals and their client secrets (hashed; shown once).
import { randomUUID } from 'node:crypto';
import { DeputyError } from '../core/errors.ts';
import type { Recipient } from '../core/directory/recipient.ts';
import type { ClientSecret } from '../store/store.ts';
import type { Operation } from './context.ts';
import { generateClientSecret, hashSecret } from './credentials.ts';
import { createRecipient } from './recipients.ts';

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function createServicePrincipal(op: Operation, input: { displayName: string; appId?: string; objectId?: string }): Promise<Recipient> {
  const appId = (input.appId ?? randomUUID()).toLowerCase();
  const objectId = (input.objectId ?? randomUUID()).toLowerCase();
  for (const [name, value] of [['AppId', appId], ['ObjectId', objectId]]) {
    if (!guidPattern.test(value)) throw new DeputyError('InvalidArgument', `The ${name} '${value}' isn't a valid GUID.`);
  }
  const clash = [...op.model.lookup(appId), ...op.model.lookup(objectId)].find((r) => r.typeDetails === 'ServicePrincipal');
  if (clash) throw new DeputyError('AlreadyExists', `A service principal with AppId '${appId}' or ObjectId '${objectId}' already exists ('${clash.name}').`);
  return createRecipient(op, {
    typeDetails: 'ServicePrincipal',
    // The name must be unique, display names need not be.
    name: `${input.displayName.slice(0, 27)} ${appId}`.trim(),
    displayName: input.displayName,
    appId,
    objectId,
  });
}

export interface IssuedSecret {
  secret: ClientSecret;
  /** The only time the secret text exists outside the caller's hands. */
  secretText: string;
}

export async function issueClientSecret(op: Operation, sp: Recipient, input: { displayName?: string; validDays: number }): Promise<IssuedSecret> {
  if (input.validDays < 1 || input.validDays > 3650) throw new DeputyError('InvalidArgument', 'A client secret must be valid for 1 to 3650 days.');
  const existing = await op.tx.listClientSecrets(sp.guid);
  if (existing.length >= 20) throw new DeputyError('InvalidOperation', `The service principal '${sp.displayName}' already has 20 client secrets; remove one first.`);
  const secretText = generateClientSecret();
  const start = new Date(op.now);
  const secret: ClientSecret = {
    id: randomUUID(),
    servicePrincipalGuid: sp.guid,
    hint: secretText.slice(0, 3),
    secretHash: hashSecret(secretText),
    displayName: input.displayName ?? 'Client secret',
    createdAt: start.toISOString(),
    expiresAt: new Date(start.getTime() + input.validDays * 86_400_000).toISOString(),
  };
  await op.tx.addClientSecret(secret);
  return { secret, secretText };
}
