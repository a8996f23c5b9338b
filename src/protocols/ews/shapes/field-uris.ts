// The item properties Deputy knows by FieldURI, and how a requested shape (BaseShape,
// AdditionalProperties, IncludeMimeContent, BodyType) is read from a request.
import type { ItemField } from '../../../core/mailbox/query.ts';
import type { ExtendedProperty } from '../../../core/mailbox/model.ts';
import { DeputyError } from '../../../core/errors.ts';
import { childIn, childrenIn, parseBoolean, type XmlIn } from './xml-node.ts';

/** FieldURI → the query field it filters and sorts on (only indexed fields can be). */
export const queryableFields: Record<string, ItemField> = {
  'item:Subject': 'subject',
  'item:ItemClass': 'itemClass',
  'item:DateTimeReceived': 'receivedAt',
  'item:DateTimeSent': 'sentAt',
  'item:DateTimeCreated': 'createdAt',
  'item:LastModifiedTime': 'modifiedAt',
  'item:Size': 'size',
  'item:Importance': 'importance',
  'item:HasAttachments': 'hasAttachments',
  'item:IsDraft': 'isDraft',
  'item:Categories': 'categories',
  'item:ConversationId': 'conversationId',
  'item:Preview': 'preview',
  'message:IsRead': 'isRead',
  'message:From': 'from',
  'message:Sender': 'from',
  'message:ToRecipients': 'to',
  'message:CcRecipients': 'cc',
  'message:InternetMessageId': 'internetMessageId',
  'message:ConversationTopic': 'subject',
};

/** An ExtendedFieldURI: an extended property's identification without its value. */
export type ExtendedFieldRef = Omit<ExtendedProperty, 'value'>;

export interface ItemShape {
  base: 'IdOnly' | 'Default' | 'AllProperties';
  fields: Set<string>;
  extended: ExtendedFieldRef[];
  includeMime: boolean;
  bodyType: 'Best' | 'HTML' | 'Text';
}

export function readExtendedFieldUri(el: XmlIn): ExtendedFieldRef {
  const a = el.attrs;
  const ref: ExtendedFieldRef = { propertyType: a.PropertyType ?? 'String' };
  if (a.PropertyTag !== undefined) ref.propertyTag = a.PropertyTag;
  if (a.PropertySetId !== undefined) ref.propertySetId = a.PropertySetId;
  if (a.DistinguishedPropertySetId !== undefined) ref.distinguishedPropertySetId = a.DistinguishedPropertySetId;
  if (a.PropertyName !== undefined) ref.propertyName = a.PropertyName;
  if (a.PropertyId !== undefined) ref.propertyId = Number(a.PropertyId);
  if (ref.propertyTag === undefined && ref.propertyName === undefined && ref.propertyId === undefined) {
    throw new DeputyError('InvalidArgument', 'An ExtendedFieldURI needs PropertyTag, PropertyName or PropertyId.', { ewsCode: 'ErrorInvalidExtendedProperty' });
  }
  return ref;
}

/**
 * The number a PropertyTag names. PropertyTagType is hex with a 0x prefix (0xe23) or decimal
 * (3619); NaN for anything else.
 */
export function propertyTagNumber(tag: string): number {
  const t = tag.trim();
  if (/^0x[0-9a-f]{1,4}$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^\d{1,5}$/.test(t) && Number(t) <= 0xffff) return Number(t);
  return NaN;
}

/** Same property? Tags compare numerically (0xe23 = 0x0E23 = 3619), but are echoed as the client wrote them. */
export function sameExtendedProperty(a: ExtendedFieldRef, b: ExtendedFieldRef): boolean {
  if (a.propertyTag !== undefined || b.propertyTag !== undefined) {
    return a.propertyTag !== undefined && b.propertyTag !== undefined && propertyTagNumber(a.propertyTag) === propertyTagNumber(b.propertyTag);
  }
  const set = (r: ExtendedFieldRef) => (r.distinguishedPropertySetId ?? r.propertySetId ?? '').toLowerCase();
  return set(a) === set(b) && (a.propertyName ?? a.propertyId) === (b.propertyName ?? b.propertyId);
}

export function readItemShape(shapeEl: XmlIn | undefined): ItemShape {
  const base = (childIn(shapeEl, 'BaseShape')?.text.trim() ?? 'Default') as ItemShape['base'];
  if (!['IdOnly', 'Default', 'AllProperties'].includes(base)) throw new DeputyError('InvalidArgument', `Unknown BaseShape '${base}'.`, { ewsCode: 'ErrorInvalidRequest' });
  const shape: ItemShape = {
    base,
    fields: new Set(),
    extended: [],
    includeMime: parseBoolean(childIn(shapeEl, 'IncludeMimeContent')?.text) ?? false,
    bodyType: (childIn(shapeEl, 'BodyType')?.text.trim() as ItemShape['bodyType']) || 'Best',
  };
  const additional = childIn(shapeEl, 'AdditionalProperties');
  for (const f of childrenIn(additional, 'FieldURI')) shape.fields.add(f.attrs.FieldURI);
  for (const f of childrenIn(additional, 'ExtendedFieldURI')) shape.extended.push(readExtendedFieldUri(f));
  if (shape.fields.has('item:MimeContent')) shape.includeMime = true;
  return shape;
}
