// Recipient permissions (Send As grants) as functions over a Kysely connection that KyselyStore and its transactions delegate to.
import type { Kysely } from 'kysely';
import { DeputyError, objectNotFound } from '../core/errors.ts';
import type { Database } from './schema.ts';
import {
  recipientAccessRights,
  type RecipientAccessRight,
  type RecipientPermission,
  type RecipientPermissionFilter,
} from './store.ts';

/** Records a 'recipient' change for a guid; the transaction's own change-log writer, so rows look the same as every other write's. */
export type RecordRecipientChange = (guid: string) => Promise<void>;

function checkAccessRight(accessRight: string): RecipientAccessRight {
  const known = recipientAccessRights.find((r) => r === accessRight);
  if (!known) {
    throw new DeputyError('InvalidArgument', `'${accessRight}' is not a recipient access right (${recipientAccessRights.join(', ')}).`, { accessRight });
  }
  return known;
}

function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

async function requireRecipient(db: Kysely<Database>, guid: string): Promise<void> {
  const row = await db.selectFrom('recipients').select('guid').where('guid', '=', guid).executeTakeFirst();
  if (!row) throw objectNotFound(guid);
}

export async function listRecipientPermissions(db: Kysely<Database>, filter: RecipientPermissionFilter): Promise<RecipientPermission[]> {
  let select = db.selectFrom('recipient_permissions').selectAll();
  if (filter.recipientGuid !== undefined) select = select.where('recipient_guid', '=', filter.recipientGuid);
  if (filter.trusteeGuid !== undefined) select = select.where('trustee_guid', '=', filter.trusteeGuid);
  const rows = await select.orderBy('recipient_guid').orderBy('trustee_guid').orderBy('access_right').execute();
  return rows.map((row) => ({
    recipientGuid: row.recipient_guid,
    trusteeGuid: row.trustee_guid,
    // Rows are only written through checkAccessRight, so this never throws on data the store wrote.
    accessRight: checkAccessRight(row.access_right),
    createdAt: row.created_at,
  }));
}

export async function addRecipientPermission(db: Kysely<Database>, permission: RecipientPermission, recordChange: RecordRecipientChange): Promise<void> {
  const accessRight = checkAccessRight(permission.accessRight);
  await requireRecipient(db, permission.recipientGuid);
  await requireRecipient(db, permission.trusteeGuid);
  let inserted: bigint;
  try {
    // DO NOTHING rather than a pre-check plus a unique-violation mapping: one statement, and the
    // same outcome on both dialects whatever the constraint is called.
    const result = await db
      .insertInto('recipient_permissions')
      .values({
        recipient_guid: permission.recipientGuid,
        trustee_guid: permission.trusteeGuid,
        access_right: accessRight,
        created_at: permission.createdAt,
      })
      .onConflict((oc) => oc.columns(['recipient_guid', 'trustee_guid', 'access_right']).doNothing())
      .executeTakeFirst();
    inserted = result.numInsertedOrUpdatedRows ?? 0n;
  } catch (error) {
    if (isForeignKeyViolation(error)) throw objectNotFound(`${permission.recipientGuid}/${permission.trusteeGuid}`);
    throw error;
  }
  if (inserted === 0n) {
    throw new DeputyError('AlreadyExists', `The ${accessRight} permission of '${permission.trusteeGuid}' on '${permission.recipientGuid}' already exists.`, {
      recipientGuid: permission.recipientGuid,
      trusteeGuid: permission.trusteeGuid,
      accessRight,
    });
  }
  await recordChange(permission.recipientGuid);
}

export async function removeRecipientPermission(
  db: Kysely<Database>,
  permission: Omit<RecipientPermission, 'createdAt'>,
  recordChange: RecordRecipientChange,
): Promise<boolean> {
  const result = await db
    .deleteFrom('recipient_permissions')
    .where('recipient_guid', '=', permission.recipientGuid)
    .where('trustee_guid', '=', permission.trusteeGuid)
    .where('access_right', '=', permission.accessRight)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) return false;
  await recordChange(permission.recipientGuid);
  return true;
}

/**
 * Removes every grant on or to a recipient about to be deleted (the foreign keys cascade too, but
 * explicitly, as deleteRecipient does for memberships, so the change log does not rely on cascades).
 * Returns the other recipients that lost a grant: their Send As trustees changed.
 */
export async function forgetRecipientPermissions(db: Kysely<Database>, guid: string): Promise<string[]> {
  const affected = await db
    .selectFrom('recipient_permissions')
    .select('recipient_guid')
    .distinct()
    .where('trustee_guid', '=', guid)
    .where('recipient_guid', '!=', guid)
    .orderBy('recipient_guid')
    .execute();
  await db
    .deleteFrom('recipient_permissions')
    .where((eb) => eb.or([eb('recipient_guid', '=', guid), eb('trustee_guid', '=', guid)]))
    .execute();
  return affected.map((row) => row.recipient_guid);
}
