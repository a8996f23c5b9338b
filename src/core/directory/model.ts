// The in-memory directory: recipients, group membership, role assignments and scopes, with the
// identity index that resolves names, aliases, addresses, UPNs, GUIDs, SIDs and DNs.
import type { Recipient, RecipientKind } from './recipient.ts';
import { kindOf } from './recipient.ts';
import type { ManagementScope, RoleAssignment } from '../rbac/model.ts';

const emptySet: ReadonlySet<string> = new Set();

/** The keys under which a recipient can be named. All lower-case. */
export function identityKeys(r: Recipient): string[] {
  const keys = [r.guid, r.sid, r.name, r.alias, r.distinguishedName, r.userPrincipalName, r.primarySmtpAddress, r.displayName];
  if (r.appId) keys.push(r.appId);
  if (r.objectId) keys.push(r.objectId);
  for (const proxy of r.emailAddresses) keys.push(proxy.replace(/^smtp:/i, ''));
  return [...new Set(keys.filter((k) => k).map((k) => k.toLowerCase()))];
}

export class DirectoryModel {
  /** Bumped on every change; caches derived from the model compare against it. */
  version = 0;
  readonly recipients = new Map<string, Recipient>();
  readonly assignments = new Map<string, RoleAssignment>();
  readonly scopes = new Map<string, ManagementScope>();
  private readonly members = new Map<string, Set<string>>();
  private readonly memberOf = new Map<string, Set<string>>();
  private readonly identityIndex = new Map<string, Set<string>>();
  private readonly indexedKeys = new Map<string, string[]>();

  // --- recipients -------------------------------------------------------

  putRecipient(r: Recipient): void {
    this.unindex(r.guid);
    this.recipients.set(r.guid, r);
    const keys = identityKeys(r);
    this.indexedKeys.set(r.guid, keys);
    for (const key of keys) {
      let set = this.identityIndex.get(key);
      if (!set) this.identityIndex.set(key, (set = new Set()));
      set.add(r.guid);
    }
    this.version++;
  }

  removeRecipient(guid: string): void {
    this.unindex(guid);
    this.recipients.delete(guid);
    for (const group of [...(this.memberOf.get(guid) ?? [])]) this.removeMember(group, guid);
    for (const member of [...(this.members.get(guid) ?? [])]) this.removeMember(guid, member);
    for (const a of [...this.assignments.values()]) if (a.assigneeGuid === guid) this.assignments.delete(a.guid);
    this.version++;
  }

  private unindex(guid: string): void {
    for (const key of this.indexedKeys.get(guid) ?? []) {
      const set = this.identityIndex.get(key);
      set?.delete(guid);
      if (set?.size === 0) this.identityIndex.delete(key);
    }
    this.indexedKeys.delete(guid);
  }

  get(guid: string): Recipient | undefined {
    return this.recipients.get(guid);
  }

  /** Exact (case-insensitive) identity lookup across every identity form. */
  lookup(identity: string): Recipient[] {
    const guids = this.identityIndex.get(identity.trim().toLowerCase());
    if (!guids) return [];
    return [...guids].map((g) => this.recipients.get(g)!).filter(Boolean);
  }

  recipientsOfKind(kind: RecipientKind): Recipient[] {
    return [...this.recipients.values()].filter((r) => kindOf[r.typeDetails] === kind);
  }

  // --- membership -------------------------------------------------------

  addMember(groupGuid: string, memberGuid: string): void {
    let m = this.members.get(groupGuid);
    if (!m) this.members.set(groupGuid, (m = new Set()));
    m.add(memberGuid);
    let of = this.memberOf.get(memberGuid);
    if (!of) this.memberOf.set(memberGuid, (of = new Set()));
    of.add(groupGuid);
    this.version++;
  }

  removeMember(groupGuid: string, memberGuid: string): void {
    this.members.get(groupGuid)?.delete(memberGuid);
    this.memberOf.get(memberGuid)?.delete(groupGuid);
    this.version++;
  }

  /** Replaces a group's direct members (used when reloading a group from the store). */
  setMembers(groupGuid: string, memberGuids: readonly string[]): void {
    for (const member of [...(this.members.get(groupGuid) ?? [])]) this.removeMember(groupGuid, member);
    for (const member of memberGuids) this.addMember(groupGuid, member);
    this.version++;
  }

  directMembers(groupGuid: string): ReadonlySet<string> {
    return this.members.get(groupGuid) ?? emptySet;
  }

  directMemberOf(memberGuid: string): ReadonlySet<string> {
    return this.memberOf.get(memberGuid) ?? emptySet;
  }

  /** Every group reached by following membership upwards (nested groups), excluding the start. */
  transitiveMemberOf(memberGuid: string): Set<string> {
    const seen = new Set<string>();
    const queue = [...this.directMemberOf(memberGuid)];
    while (queue.length) {
      const g = queue.pop()!;
      if (seen.has(g)) continue;
      seen.add(g);
      queue.push(...this.directMemberOf(g));
    }
    return seen;
  }

  /** Every non-group recipient reached by following membership downwards. */
  transitiveMembers(groupGuid: string): Set<string> {
    const result = new Set<string>();
    const seenGroups = new Set<string>([groupGuid]);
    const queue = [...this.directMembers(groupGuid)];
    while (queue.length) {
      const m = queue.pop()!;
      const r = this.recipients.get(m);
      if (r && (kindOf[r.typeDetails] === 'Group' || kindOf[r.typeDetails] === 'RoleGroup')) {
        if (seenGroups.has(m)) continue;
        seenGroups.add(m);
        queue.push(...this.directMembers(m));
      } else {
        result.add(m);
      }
    }
    return result;
  }

  // --- RBAC objects -----------------------------------------------------

  putAssignment(a: RoleAssignment): void {
    this.assignments.set(a.guid, a);
    this.version++;
  }

  removeAssignment(guid: string): void {
    this.assignments.delete(guid);
    this.version++;
  }

  putScope(s: ManagementScope): void {
    this.scopes.set(s.guid, s);
    this.version++;
  }

  removeScope(guid: string): void {
    this.scopes.delete(guid);
    this.version++;
  }

  findAssignment(identity: string): RoleAssignment | undefined {
    const key = identity.trim().toLowerCase();
    for (const a of this.assignments.values()) if (a.guid === key || a.name.toLowerCase() === key) return a;
    return undefined;
  }

  findScope(identity: string): ManagementScope | undefined {
    const key = identity.trim().toLowerCase();
    for (const s of this.scopes.values()) if (s.guid === key || s.name.toLowerCase() === key) return s;
    return undefined;
  }
}
