// A folder as EWS returns it (t:Folder, t:CalendarFolder, …) for a FolderShape, including the
// MAPI properties DavMail asks for (counts, container class, has-subfolders).
import { DeputyError } from '../../../core/errors.ts';
import type { Folder } from '../../../core/mailbox/model.ts';
import type { FolderCounts } from '../../../store/mailbox-store.ts';
import { folderIdAttrs } from './ids.ts';
import { propertyTagNumber, readExtendedFieldUri, type ExtendedFieldRef } from './field-uris.ts';
import { childIn, childrenIn, node, parent, type XmlIn, type XmlNode } from './xml-node.ts';

export interface FolderShape {
  base: 'IdOnly' | 'Default' | 'AllProperties';
  fields: Set<string>;
  extended: ExtendedFieldRef[];
}

export function readFolderShape(shapeEl: XmlIn | undefined): FolderShape {
  const base = (childIn(shapeEl, 'BaseShape')?.text.trim() ?? 'Default') as FolderShape['base'];
  if (!['IdOnly', 'Default', 'AllProperties'].includes(base)) throw new DeputyError('InvalidArgument', `Unknown BaseShape '${base}'.`, { ewsCode: 'ErrorInvalidRequest' });
  const additional = childIn(shapeEl, 'AdditionalProperties');
  return {
    base,
    fields: new Set(childrenIn(additional, 'FieldURI').map((f) => f.attrs.FieldURI)),
    extended: childrenIn(additional, 'ExtendedFieldURI').map(readExtendedFieldUri),
  };
}

function elementFor(folderClass: string): 't:Folder' | 't:CalendarFolder' | 't:ContactsFolder' | 't:TasksFolder' {
  if (folderClass.startsWith('IPF.Appointment')) return 't:CalendarFolder';
  if (folderClass.startsWith('IPF.Contact')) return 't:ContactsFolder';
  if (folderClass.startsWith('IPF.Task')) return 't:TasksFolder';
  return 't:Folder';
}

function computed(folder: Folder, counts: FolderCounts, tag: string): { value: string } | undefined {
  switch (propertyTagNumber(tag)) {
    case 0x3613: // PR_CONTAINER_CLASS
      return folder.folderClass ? { value: folder.folderClass } : undefined;
    case 0x3602: // PR_CONTENT_COUNT
      return { value: String(counts.total) };
    case 0x3603: // PR_CONTENT_UNREAD
      return { value: String(counts.unread) };
    case 0x360a: // PR_SUBFOLDERS
      return { value: counts.childFolders > 0 ? 'true' : 'false' };
    case 0x3008: // PR_LAST_MODIFICATION_TIME
      return { value: folder.modifiedAt };
    case 0x10f3: // PR_URL_COMP_NAME
      return { value: `${folder.displayName}.EML` };
    default:
      return undefined;
  }
}

export function folderNode(folder: Folder, counts: FolderCounts, shape: FolderShape): XmlNode {
    const all = shape.base !== 'IdOnly';
  const want = (uri: string) => all || shape.fields.has(uri);
  const element = elementFor(folder.folderClass);
  const c: XmlNode[] = [node('t:FolderId', undefined, folderIdAttrs(folder))];
  if (want('folder:ParentFolderId') && folder.parentId) c.push(node('t:ParentFolderId', undefined, { Id: folderIdAttrs({ id: folder.parentId, version: 1 }).Id }));
  if (want('folder:FolderClass') && folder.folderClass) c.push(node('t:FolderClass', folder.folderClass));
  if (want('folder:DisplayName')) c.push(node('t:DisplayName', folder.displayName));
  if (want('folder:TotalCount')) c.push(node('t:TotalCount', counts.total));
  if (want('folder:ChildFolderCount')) c.push(node('t:ChildFolderCount', counts.childFolders));
  for (const ref of shape.extended) {
    const value = ref.propertyTag !== undefined ? computed(folder, counts, ref.propertyTag) : undefined;
    if (!value) continue;
    const attrs: Record<string, string> = { PropertyTag: ref.propertyTag!, PropertyType: ref.propertyType };
    c.push(parent('t:ExtendedProperty', [node('t:ExtendedFieldURI', undefined, attrs), node('t:Value', value.value)]));
  }
  if (want('folder:DistinguishedFolderId') && folder.distinguishedName && shape.fields.has('folder:DistinguishedFolderId')) c.push(node('t:DistinguishedFolderId', folder.distinguishedName));
  if ((element === 't:Folder' || element === 't:TasksFolder') && want('folder:UnreadCount')) c.push(node('t:UnreadCount', counts.unread));
  return parent(element, c);
}
