// GetFolder: several folders per request, each failing on its own (ErrorFolderNotFound) without
// failing the others.
import { foldersForRead } from '../../../services/mailbox/folders.ts';
import { recordRead } from './read-audit.ts';
import { folderNode, readFolderShape } from '../shapes/folder.ts';
import { parent } from '../shapes/xml-node.ts';
import { actingMailbox, attempt, findFolder, messageChild, readFolderIds, responseMessages } from './support.ts';
import { ewsOperation } from './define.ts';

export default ewsOperation('GetFolder', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const shape = readFolderShape(messageChild(request, 'FolderShape'));
  const refs = readFolderIds(messageChild(request, 'FolderIds'));
  const folders = await foldersForRead(ctx.runtime, mailbox.guid);
  const found = refs.map((ref) => {
    try {
      return findFolder(folders, mailbox, ref);
    } catch (error) {
      return error as Error;
    }
  });
  const counts = await ctx.runtime.store.folderCounts(found.filter((f) => !(f instanceof Error)).map((f) => (f as { id: string }).id));
  const results = await Promise.all(
    found.map((f) =>
      attempt(async () => {
        if (f instanceof Error) throw f;
        return [parent('m:Folders', [folderNode(f, counts.get(f.id) ?? { total: 0, unread: 0, childFolders: 0 }, shape)])];
      }),
    ),
  );
  recordRead(ctx, mailbox, 'FolderBind', { folderIds: found.filter((f) => !(f instanceof Error)).map((f) => (f as { id: string }).id) });
  return responseMessages('GetFolder', results);
});
