// Shared set-up for the mailbox-operation end-to-end tests: a server where svc@contoso.com holds
// ApplicationImpersonation, raw SOAP as an impersonated mailbox or as the owner, readers for the
// response elements, and direct store reads to check what a request changed (or left alone).
import assert from 'node:assert/strict';
import type { Folder, Item } from '../../src/core/mailbox/model.ts';
import { decodeId } from '../../src/protocols/ews/ids.ts';
import { messagesNs, typesNs } from '../../src/protocols/ews/namespaces.ts';
import { child, children, type XmlElement } from '../../src/protocols/ews/xml/parse.ts';
import { basicAuth, ewsService, rawEws, responseCodesOf, startEwsServer, type EwsServer, type RawEwsResponse } from '../helpers/ews.ts';

export { messagesNs, typesNs };
export const T = typesNs;
export const M = messagesNs;

export interface OpsServer extends EwsServer {
  /** Raw SOAP as svc@contoso.com impersonating `mailbox` (SmtpAddress, as ews-javascript-api sends it). */
  as(mailbox: string): (body: string) => Promise<RawEwsResponse>;
  /** Raw SOAP as the mailbox's owner (Basic, no impersonation header). */
  owner(mailbox: string): (body: string) => Promise<RawEwsResponse>;
  /** ews-javascript-api as svc impersonating `mailbox`. */
  service(mailbox: string): ReturnType<typeof ewsService>;
  guidOf(address: string): string;
  folders(address: string): Promise<Folder[]>;
  folder(address: string, distinguished: string): Promise<Folder>;
  /** Every item of a folder (a distinguished name or a folder id), oldest article first. */
  items(address: string, folder: string): Promise<Item[]>;
  mime(itemId: string): Promise<string>;
}

export const impersonation = (mailbox: string) =>
  `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${mailbox}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`;

/** The demo organization with ApplicationImpersonation granted to svc@contoso.com. */
export async function startOpsServer(): Promise<OpsServer> {
  const ews = await startEwsServer();
  await ews.admin.invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com' });
  const svc = basicAuth('svc@contoso.com', ews.password);
  const store = ews.runtime.store;
  const guidOf = (address: string) => {
    const found = ews.runtime.state.model.lookup(address)[0];
    assert.ok(found, `no recipient ${address}`);
    return found.guid;
  };
  const folders = (address: string) => store.listFolders(guidOf(address));
  const folder = async (address: string, distinguished: string) => {
    const found = (await folders(address)).find((f) => f.distinguishedName === distinguished);
    assert.ok(found, `${address} has no ${distinguished}`);
    return found;
  };
  return {
    ...ews,
    as: (mailbox) => (body) => rawEws(ews.ewsUrl, svc, body, impersonation(mailbox)),
    owner: (mailbox) => (body) => rawEws(ews.ewsUrl, basicAuth(mailbox, ews.password), body),
    service: (mailbox) => ewsService({ url: ews.url, user: 'svc@contoso.com', password: ews.password, impersonate: mailbox }),
    guidOf,
    folders,
    folder,
    async items(address, folderRef) {
      // A mailbox nobody has used yet has no folders, and so no items.
      if ((await folders(address)).length === 0) return [];
      const folderId = /^[0-9a-f-]{36}$/.test(folderRef) ? folderRef : (await folder(address, folderRef)).id;
      const page = await store.queryItems({ mailboxGuid: guidOf(address), folderIds: [folderId], orderBy: [{ field: 'articleNumber', direction: 'asc' }], offset: 0, limit: 10_000 });
      return page.items;
    },
    async mime(itemId) {
      const mime = (await store.getItemMime([itemId])).get(itemId);
      assert.ok(mime, `no MIME for ${itemId}`);
      return mime.toString('utf8');
    },
  };
}

// --- reading responses --------------------------------------------------------------------------

/** Every descendant element (depth first, document order) with this namespace and local name. */
export function find(el: XmlElement | null | undefined, ns: string, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (c.ns === ns && c.local === local) out.push(c);
      walk(c);
    }
  };
  if (el) walk(el);
  return out;
}

export function first(el: XmlElement | null | undefined, ns: string, local: string): XmlElement {
  const found = find(el, ns, local)[0];
  assert.ok(found, `no ${local} in the response`);
  return found;
}

export const text = (el: XmlElement | undefined, local: string, ns = typesNs) => (el ? child(el, ns, local)?.text : undefined);

/** Asserts a 200 response whose messages have exactly these codes, and returns it. */
export function expectCodes(response: RawEwsResponse, codes: string[]): RawEwsResponse {
  assert.deepEqual(responseCodesOf(response), codes, response.body.slice(0, 2000));
  assert.equal(response.status, response.fault ? 500 : 200);
  for (const [i, m] of response.messages.entries()) assert.equal(m.responseClass, codes[i] === 'NoError' ? 'Success' : 'Error');
  return response;
}

export function expectOk(response: RawEwsResponse, count = 1): RawEwsResponse {
  return expectCodes(response, Array(count).fill('NoError'));
}

/** The uuid behind an EWS item or folder id. */
export function uuidOf(id: string): string {
  const decoded = decodeId(id);
  assert.ok(decoded, `not a Deputy id: ${id}`);
  return decoded.uuid;
}

/** The t:ItemId of every item in the response, in order. */
export function itemIds(response: RawEwsResponse): Array<{ Id: string; ChangeKey: string }> {
  return find(response.bodyElement, typesNs, 'ItemId').map((e) => ({ Id: e.attrs.Id, ChangeKey: e.attrs.ChangeKey }));
}

export function folderIds(response: RawEwsResponse): Array<{ Id: string; ChangeKey: string }> {
  return find(response.bodyElement, typesNs, 'FolderId').map((e) => ({ Id: e.attrs.Id, ChangeKey: e.attrs.ChangeKey }));
}

export { child, children };

// --- building requests --------------------------------------------------------------------------

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const distinguished = (id: string, mailbox?: string) =>
  mailbox ? `<t:DistinguishedFolderId Id="${id}"><t:Mailbox><t:EmailAddress>${mailbox}</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>` : `<t:DistinguishedFolderId Id="${id}"/>`;

export const folderRef = (idOrName: string) => (/^[a-z]+$/.test(idOrName) ? distinguished(idOrName) : `<t:FolderId Id="${idOrName}"/>`);

const mailboxes = (element: string, list: string[] | undefined) =>
  list?.length ? `<t:${element}>${list.map((a) => `<t:Mailbox><t:EmailAddress>${a}</t:EmailAddress></t:Mailbox>`).join('')}</t:${element}>` : '';

export interface MessageFields {
  subject?: string;
  body?: string;
  bodyType?: 'Text' | 'HTML';
  importance?: 'Low' | 'Normal' | 'High';
  categories?: string[];
  extended?: string;
  attachments?: string;
  isRead?: boolean;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  from?: string;
}

/** A t:Message in the element order types.xsd requires. */
export function messageXml(m: MessageFields): string {
  return (
    '<t:Message>' +
    (m.subject !== undefined ? `<t:Subject>${esc(m.subject)}</t:Subject>` : '') +
    (m.body !== undefined ? `<t:Body BodyType="${m.bodyType ?? 'Text'}">${esc(m.body)}</t:Body>` : '') +
    (m.attachments ?? '') +
    (m.categories ? `<t:Categories>${m.categories.map((c) => `<t:String>${esc(c)}</t:String>`).join('')}</t:Categories>` : '') +
    (m.importance ? `<t:Importance>${m.importance}</t:Importance>` : '') +
    (m.extended ?? '') +
    mailboxes('ToRecipients', m.to) +
    mailboxes('CcRecipients', m.cc) +
    mailboxes('BccRecipients', m.bcc) +
    (m.isRead !== undefined ? `<t:IsRead>${m.isRead}</t:IsRead>` : '') +
    (m.from ? `<t:From><t:Mailbox><t:EmailAddress>${m.from}</t:EmailAddress></t:Mailbox></t:From>` : '') +
    '</t:Message>'
  );
}

export function createItemXml(disposition: 'SaveOnly' | 'SendOnly' | 'SendAndSaveCopy', items: string, savedIn?: string): string {
  return `<m:CreateItem MessageDisposition="${disposition}">${savedIn ? `<m:SavedItemFolderId>${folderRef(savedIn)}</m:SavedItemFolderId>` : ''}<m:Items>${items}</m:Items></m:CreateItem>`;
}

export const itemIdXml = (id: { Id: string; ChangeKey?: string }) => `<t:ItemId Id="${id.Id}"${id.ChangeKey ? ` ChangeKey="${id.ChangeKey}"` : ''}/>`;

/** An RFC 822 message for MimeContent or imports. */
export function rfc822(fields: { from?: string; to?: string; subject: string; body?: string; date?: string; messageId?: string; extra?: string }): Buffer {
  return Buffer.from(
    `From: ${fields.from ?? 'Zed External <zed@example.net>'}\r\nTo: ${fields.to ?? 'alice@contoso.com'}\r\nSubject: ${fields.subject}\r\n` +
      `Date: ${fields.date ?? 'Tue, 01 Jul 2025 10:00:00 +0000'}\r\nMessage-ID: ${fields.messageId ?? `<${Math.random().toString(36).slice(2)}@example.net>`}\r\n${fields.extra ?? ''}` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${fields.body ?? 'Hello.'}\r\n`,
  );
}
