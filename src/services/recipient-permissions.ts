// Use cases on recipient permissions (Exchange Online's Send As): granting, revoking, and the question sending asks, whether a mailbox may send as another recipient.
import { DeputyError } from '../core/errors.ts';
import type { DirectoryModel } from '../core/directory/model.ts';
import type { Recipient } from '../core/directory/recipient.ts';
import type { RecipientAccessRight, RecipientPermission, StoreReader } from '../store/store.ts';
import type { Operation } from './context.ts';
import { identityText, only, resolveOne } from './identity.ts';

/** What one can send as: anything with an address of its own, mailboxes and mail-enabled groups. */
export const sendAsRecipients = only('UserMailbox', 'SharedMailbox', 'RoomMailbox', 'MailUniversalSecurityGroup', 'MailUniversalDistributionGroup');
/** Who can hold a grant: security principals that sign in or contain those who do (no apps, no distribution groups). */
export const sendAsTrustees = only('UserMailbox', 'SharedMailbox', 'RoomMailbox', 'User', 'MailUniversalSecurityGroup', 'RoleGroup');

/** How Exchange Online names a trustee in Get-RecipientPermission: the UPN of a user, else its address or name. */
export function trusteeName(trustee: Recipient): string {
  return trustee.userPrincipalName || trustee.primarySmtpAddress || trustee.name;
}

/**
 * The trustee named by -Trustee. A distribution group is a recipient but not a security principal,
 * so it gets its own explanation instead of a bare "couldn't be found".
 */
export function resolveTrustee(model: DirectoryModel, identity: unknown): Recipient {
  try {
    return resolveOne(model, identity, sendAsTrustees);
  } catch (error) {
    if (!(error instanceof DeputyError) || error.code !== 'ObjectNotFound') throw error;
    const distribution = model.lookup(identityText(identity)).find((r) => r.typeDetails === 'MailUniversalDistributionGroup');
    if (distribution) {
      throw new DeputyError('InvalidArgument', `The distribution group '${distribution.name}' isn't a security principal. Grant the permission to users, mail-enabled security groups or role groups.`, {
        trustee: distribution.name,
      });
    }
    throw error;
  }
}

export async function grantRecipientPermission(op: Operation, recipient: Recipient, trustee: Recipient, accessRight: RecipientAccessRight): Promise<RecipientPermission> {
  const existing = await op.tx.listRecipientPermissions({ recipientGuid: recipient.guid, trusteeGuid: trustee.guid });
  if (existing.some((p) => p.accessRight === accessRight)) {
    // Exchange warns with this text; Deputy makes it an error so scripts can tell nothing changed.
    throw new DeputyError('AlreadyExists', `The appropriate access control entry is already present on the object "${recipient.name}" for account "${trusteeName(trustee)}".`, {
      errorId: 'AceAlreadyExists',
      identity: recipient.name,
      trustee: trusteeName(trustee),
    });
  }
  const permission: RecipientPermission = { recipientGuid: recipient.guid, trusteeGuid: trustee.guid, accessRight, createdAt: op.now };
  await op.tx.addRecipientPermission(permission);
  return permission;
}

export async function revokeRecipientPermission(op: Operation, recipient: Recipient, trustee: Recipient, accessRight: RecipientAccessRight): Promise<void> {
  const removed = await op.tx.removeRecipientPermission({ recipientGuid: recipient.guid, trusteeGuid: trustee.guid, accessRight });
  if (!removed) {
    throw new DeputyError('ObjectNotFound', `Can't remove the access control entry on the object "${recipient.name}" for account "${trusteeName(trustee)}" because the ACE doesn't exist on the object.`, {
      errorId: 'AceNotFound',
      identity: recipient.name,
      trustee: trusteeName(trustee),
    });
  }
}

/**
 * Whether `sender` holds Send As on `recipient`, directly or through any group it is in (nested).
 * Grants come from the store (the caller's transaction) so a grant or revocation counts at once;
 * memberships come from the directory model, as every other RBAC decision does.
 */
export async function holdsSendAs(reader: StoreReader, model: DirectoryModel, sender: Recipient, recipient: Recipient): Promise<boolean> {
  const grants = await reader.listRecipientPermissions({ recipientGuid: recipient.guid });
  if (!grants.length) return false;
  const principals = model.transitiveMemberOf(sender.guid);
  principals.add(sender.guid);
  return grants.some((g) => g.accessRight === 'SendAs' && principals.has(g.trusteeGuid));
}
