// Sending as the acting mailbox: From is that mailbox, or a recipient it holds Send As on
// (Add-RecipientPermission); internal recipients (groups expanded) receive the message in their Inbox in
// the same transaction, external ones go to the durable outbound queue, and the sent copy is kept.
import { randomUUID } from 'node:crypto';
import { DeputyError } from '../../core/errors.ts';
import type { EmailAddress, Folder, Item } from '../../core/mailbox/model.ts';
import type { Recipient } from '../../core/directory/recipient.ts';
import { isMailbox, kindOf } from '../../core/directory/recipient.ts';
import { parseMessage, withoutBcc } from '../mail/mime.ts';
import { holdsSendAs, sendAsRecipients } from '../recipient-permissions.ts';
import type { MailboxOperation } from './context.ts';
import { mailboxFolders } from './folders.ts';
import { itemFromMime } from './items.ts';

export interface SendResult {
  sentCopy: Item | null;
  delivered: Item[];
  queuedFor: string[];
  /** The other recipient's address the message was sent as (a Send As grant allowed it); null when From is the acting mailbox. */
  sentAs: string | null;
}

function ownsAddress(mailbox: Recipient, address: string): boolean {
  const wanted = address.toLowerCase();
  return mailbox.emailAddresses.some((p) => p.replace(/^smtp:/i, '').toLowerCase() === wanted) || mailbox.primarySmtpAddress.toLowerCase() === wanted;
}

/**
 * Refuses a From that is neither the acting mailbox nor a recipient the acting mailbox holds Send As
 * on (ErrorSendAsDenied on the wire). The acting mailbox is the impersonated user: impersonation means
 * acting as that user, so the service account's own grants never count. Returns the address sent as
 * when a grant allowed it, null when From is the acting mailbox's own (or absent).
 */
export async function checkSendAs(op: MailboxOperation, from: EmailAddress | null): Promise<string | null> {
  if (!from || ownsAddress(op.mailbox, from.address)) return null;
  const prefix = 'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account';
  const { model } = op.runtime.state;
  const target = model.lookup(from.address).find((r) => sendAsRecipients(r) && ownsAddress(r, from.address));
  if (!target) {
    throw new DeputyError('AccessDenied', `${prefix}: '${from.address}' is not an address of ${op.mailbox.primarySmtpAddress} or of any recipient in this organization.`, {
      objectKind: 'SendAs',
      errorId: 'SendAsDenied',
    });
  }
  if (await holdsSendAs(op.tx, model, op.mailbox, target)) return from.address;
  const trustee = op.mailbox.userPrincipalName || op.mailbox.primarySmtpAddress;
  // Name the missing grant and the command that would add it: the fix is an admin's, not the client's.
  throw new DeputyError(
    'AccessDenied',
    `${prefix}: ${op.mailbox.primarySmtpAddress} has no Send As permission on ${from.address} (Add-RecipientPermission -Identity ${from.address} -Trustee ${trustee} -AccessRights SendAs).`,
    { objectKind: 'SendAs', errorId: 'SendAsDenied', sendAs: from.address, trustee },
  );
}

interface Destinations {
  mailboxes: Recipient[];
  external: string[];
}

/** Internal mailboxes (distribution and security groups expanded, nested) and external addresses. */
export function expandRecipients(op: MailboxOperation, addresses: string[]): Destinations {
  const { model, acceptedDomains } = op.runtime.state;
  const mailboxes = new Map<string, Recipient>();
  const external = new Set<string>();
  for (const raw of addresses) {
    const address = raw.trim();
    const domain = address.split('@')[1]?.toLowerCase() ?? '';
    const match = model.lookup(address).find((r) => r.emailAddresses.some((p) => p.replace(/^smtp:/i, '').toLowerCase() === address.toLowerCase()));
    if (!match) {
      if (acceptedDomains.includes(domain)) {
        throw new DeputyError('InvalidArgument', `The recipient '${address}' is in an accepted domain of this organization but doesn't exist.`, { objectKind: 'Recipient', errorId: 'InvalidRecipients' });
      }
      external.add(address);
      continue;
    }
    const kind = kindOf[match.typeDetails];
    if (kind === 'Group') {
      for (const guid of model.transitiveMembers(match.guid)) {
        const member = model.get(guid);
        if (member && isMailbox(member)) mailboxes.set(member.guid, member);
      }
    } else if (isMailbox(match)) {
      mailboxes.set(match.guid, match);
    } else {
      throw new DeputyError('InvalidArgument', `The recipient '${address}' has no mailbox.`, { objectKind: 'Recipient', errorId: 'InvalidRecipients' });
    }
  }
  return { mailboxes: [...mailboxes.values()], external: [...external] };
}

/**
 * Submits a complete MIME message from the acting mailbox. `saveCopyIn` keeps the sender's copy
 * (with Bcc) there, marked read; delivered and queued copies never carry Bcc.
 */
export async function sendMime(op: MailboxOperation, mime: Buffer, saveCopyIn: Folder | null): Promise<SendResult> {
  const parsed = await parseMessage(mime);
  const sentAs = await checkSendAs(op, parsed.from);
  const recipients = [...parsed.to, ...parsed.cc, ...parsed.bcc].map((a) => a.address);
  if (recipients.length === 0) throw new DeputyError('InvalidArgument', 'The message has no recipients.', { objectKind: 'Recipient', errorId: 'InvalidRecipients' });
  const destinations = expandRecipients(op, recipients);
  const publicCopy = withoutBcc(mime);
  const delivered: Item[] = [];
  for (const mailbox of destinations.mailboxes) {
    const folders = await mailboxFolders(op.tx, mailbox.guid, op.now);
    const inbox = folders.find((f) => f.distinguishedName === 'inbox')!;
    const item = await itemFromMime(op.tx, inbox, publicCopy, op.now, { isRead: false, receivedAt: op.now });
    await op.tx.putItem(item, publicCopy);
    delivered.push(item);
  }
  if (destinations.external.length) {
    await op.tx.enqueueOutbound({
      id: randomUUID(),
      mailboxGuid: op.mailbox.guid,
      // Sent as another recipient, the envelope names it too, as Exchange does for Send As.
      mailFrom: sentAs ?? op.mailbox.primarySmtpAddress,
      recipients: destinations.external,
      mime: publicCopy,
      state: 'Queued',
      attempts: 0,
      lastError: null,
      createdAt: op.now,
    });
  }
  let sentCopy: Item | null = null;
  if (saveCopyIn) {
    sentCopy = await itemFromMime(op.tx, saveCopyIn, mime, op.now, { isRead: true, receivedAt: op.now });
    await op.tx.putItem(sentCopy, mime);
  }
  return { sentCopy, delivered, queuedFor: destinations.external, sentAs };
}
