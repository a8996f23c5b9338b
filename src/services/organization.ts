// Creating the organization: accepted domain, SID authority, the built-in local administrator
// and the built-in role groups with their assignments. Also opens the runtime over a store.
import { randomInt, randomUUID } from 'node:crypto';
import { DeputyError } from '../core/errors.ts';
import { builtInRoleGroups, findRole, assignmentName } from '../core/rbac/roles.ts';
import type { Store } from '../store/store.ts';
import type { Caller, Operation, Organization, Runtime } from './context.ts';
import { DirectoryState } from './directory-state.ts';
import { createRecipient } from './recipients.ts';

export const localAdministratorName = 'Administrator';
const organizationKey = 'organization';

export async function readOrganization(store: Store): Promise<Organization | undefined> {
  const raw = await store.getMeta(organizationKey);
  return raw ? (JSON.parse(raw) as Organization) : undefined;
}

/** Creates the organization once; later calls return the existing one unchanged. */
export async function initializeOrganization(store: Store, input: { domain: string; name?: string }, now = new Date()): Promise<{ organization: Organization; created: boolean }> {
  const existing = await readOrganization(store);
  if (existing) return { organization: existing, created: false };
  const domain = input.domain.trim().toLowerCase();
  if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/.test(domain)) {
    throw new DeputyError('InvalidArgument', `'${input.domain}' isn't a valid domain name.`);
  }
  const organization: Organization = {
    name: input.name ?? domain,
    defaultDomain: domain,
    sidPrefix: [0, 0, 0].map(() => randomInt(100_000_000, 4_000_000_000)).join('-'),
  };
  const state = await DirectoryState.load(store);
  state.acceptedDomains = [domain];
  const runtime: Runtime = { store, state, organization, now: () => now };
  await store.transaction(async (tx) => {
    await tx.setMeta(organizationKey, JSON.stringify(organization));
    await tx.putAcceptedDomain({ domainName: domain, isDefault: true });
    const iso = now.toISOString();
    const system: Caller = { guid: randomUUID(), name: 'Deputy setup', protocol: 'Local', clientAddress: null, requestId: null };
    const op: Operation = { runtime, tx, caller: system, model: state.model, authorizer: state.authorizer, now: iso };
    const admin = await createRecipient(op, {
      typeDetails: 'User',
      name: localAdministratorName,
      userPrincipalName: `administrator@${domain}`,
      displayName: 'Deputy local administrator',
      isBuiltIn: true,
      hiddenFromAddressLists: true,
      rid: 500,
    });
    const groups = new Map<string, string>();
    for (const spec of builtInRoleGroups) {
      const group = await createRecipient(op, { typeDetails: 'RoleGroup', name: spec.name, description: spec.description, isBuiltIn: true });
      groups.set(spec.name, group.guid);
      for (const a of spec.assignments) {
        if (!findRole(a.role)) throw new Error(`built-in role group refers to unknown role ${a.role}`);
        await tx.putAssignment({
          guid: randomUUID(),
          name: assignmentName(a.role, spec.name, a.delegationType),
          role: a.role,
          assigneeGuid: group.guid,
          assigneeType: 'RoleGroup',
          delegationType: a.delegationType,
          enabled: true,
          scope: { kind: 'Organization' },
          whenCreated: iso,
          whenChanged: iso,
        });
      }
    }
    // As in Exchange, Organization Management manages every built-in role group.
    const orgManagement = groups.get('Organization Management')!;
    for (const guid of groups.values()) {
      const group = (await tx.getRecipient(guid))!;
      await tx.putRecipient({ ...group, managedBy: [orgManagement] });
    }
    await tx.addMember(orgManagement, admin.guid);
  });
  return { organization, created: true };
}

/** Opens the runtime over an initialized store. */
export async function openRuntime(store: Store, now: () => Date = () => new Date()): Promise<Runtime> {
  const organization = await readOrganization(store);
  if (!organization) throw new DeputyError('InvalidOperation', 'This data store holds no organization yet. Run `deputy init` first.');
  return { store, state: await DirectoryState.load(store), organization, now };
}

/** The caller for local administration (`deputy exec --data`): the built-in local administrator. */
export function localAdministrator(runtime: Runtime, protocol = 'Local'): Caller {
  const admin = runtime.state.model.lookup(localAdministratorName).find((r) => r.isBuiltIn && r.typeDetails === 'User');
  if (!admin) throw new DeputyError('Internal', 'The built-in local administrator is missing from the directory.');
  return { guid: admin.guid, name: `${admin.userPrincipalName} (local administrator)`, protocol, clientAddress: null, requestId: null };
}
