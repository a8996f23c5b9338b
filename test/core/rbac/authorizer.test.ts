// Table tests of the Authorizer's named behaviours: Delegating vs Regular, disabled, scopes (custom, exclusive, Self, MyGAL, Group), nesting, parameters.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DirectoryModel } from '../../../src/core/directory/model.ts';
import type { Recipient, RecipientTypeDetails } from '../../../src/core/directory/recipient.ts';
import { Authorizer, type Decision, type Refusal } from '../../../src/core/rbac/authorizer.ts';
import type { AssignmentScope, ManagementScope, RoleAssignment } from '../../../src/core/rbac/model.ts';
import { assignmentName, builtInRoleGroups, impersonationEntry } from '../../../src/core/rbac/roles.ts';
import { canonicalScopeFilter } from '../../../src/core/rbac/scope-filter.ts';

const stamp = '2024-01-01T00:00:00.000Z';

/** A small directory built by name; every object gets a readable, stable guid. */
class Fixture {
  readonly model = new DirectoryModel();
  readonly authorizer = new Authorizer(this.model);
  private next = 1;

  private guid(prefix: string): string {
    return `${prefix.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${String(this.next++).padStart(12, '0')}`;
  }

  recipient(name: string, typeDetails: RecipientTypeDetails, extra: Partial<Recipient> = {}): Recipient {
    const mail = typeDetails.endsWith('Mailbox') || typeDetails.startsWith('MailUniversal');
    const r: Recipient = {
      guid: this.guid('0ec1' + name.replace(/[^0-9a-f]/g, '')),
      sid: `S-1-5-21-1-2-3-${1000 + this.next}`,
      typeDetails,
      name,
      alias: name.replace(/\s/g, ''),
      displayName: name,
      distinguishedName: `CN=${name},CN=Users,DC=contoso,DC=com`,
      userPrincipalName: typeDetails.endsWith('Mailbox') || typeDetails === 'User' ? `${name}@contoso.com` : '',
      primarySmtpAddress: mail ? `${name.replace(/\s/g, '')}@contoso.com` : '',
      emailAddresses: mail ? [`SMTP:${name.replace(/\s/g, '')}@contoso.com`] : [],
      attributes: {},
      hiddenFromAddressLists: false,
      accountDisabled: false,
      managedBy: [],
      isBuiltIn: false,
      whenCreated: stamp,
      whenChanged: stamp,
      ...extra,
    };
    this.model.putRecipient(r);
    return r;
  }

  mailbox(name: string, attributes: Record<string, string> = {}, extra: Partial<Recipient> = {}): Recipient {
    return this.recipient(name, 'UserMailbox', { attributes, ...extra });
  }

  servicePrincipal(name: string): Recipient {
    return this.recipient(name, 'ServicePrincipal', { appId: `app-${name}` });
  }

  group(name: string, ...members: Recipient[]): Recipient {
    const g = this.recipient(name, 'MailUniversalSecurityGroup');
    for (const m of members) this.model.addMember(g.guid, m.guid);
    return g;
  }

  roleGroup(name: string, ...members: Recipient[]): Recipient {
    const g = this.recipient(name, 'RoleGroup');
    for (const m of members) this.model.addMember(g.guid, m.guid);
    return g;
  }

  scope(name: string, filter: string, exclusive = false): ManagementScope {
    const s: ManagementScope = {
      guid: this.guid('5c0be'),
      name,
      recipientFilter: canonicalScopeFilter(this.model, filter),
      recipientRoot: null,
      exclusive,
      whenCreated: stamp,
      whenChanged: stamp,
    };
    this.model.putScope(s);
    return s;
  }

  assign(role: string, assignee: Recipient, options: { delegating?: boolean; enabled?: boolean; scope?: AssignmentScope; name?: string } = {}): RoleAssignment {
    const delegationType = options.delegating ? 'Delegating' : 'Regular';
    const a: RoleAssignment = {
      guid: this.guid('a5519'),
      name: options.name ?? assignmentName(role, assignee.name, delegationType),
      role,
      assigneeGuid: assignee.guid,
      assigneeType: assignee.typeDetails === 'RoleGroup' ? 'RoleGroup' : assignee.typeDetails === 'MailUniversalSecurityGroup' ? 'SecurityGroup' : assignee.typeDetails === 'ServicePrincipal' ? 'ServicePrincipal' : 'User',
      delegationType,
      enabled: options.enabled ?? true,
      scope: options.scope ?? { kind: 'Organization' },
      whenCreated: stamp,
      whenChanged: stamp,
    };
    this.model.putAssignment(a);
    return a;
  }

  /** The built-in role group with exactly the assignments Deputy ships. */
  builtInRoleGroup(name: string, ...members: Recipient[]): Recipient {
    const spec = builtInRoleGroups.find((g) => g.name === name);
    assert.ok(spec, `no built-in role group ${name}`);
    const group = this.roleGroup(name, ...members);
    for (const a of spec.assignments) this.assign(a.role, group, { delegating: a.delegationType === 'Delegating' });
    return group;
  }
}

function assertAllowed(d: Decision): Extract<Decision, { allowed: true }> {
  assert.ok(d.allowed, `expected allowed, got: ${d.allowed ? '' : d.reason}`);
  return d;
}

function assertDenied(d: Decision, refusal: Refusal | null, ...reasonIncludes: string[]): Extract<Decision, { allowed: false }> {
  assert.ok(!d.allowed, `expected denied, but granted by '${d.allowed ? d.grant.assignment.name : ''}'`);
  if (refusal) assert.ok(d.considered.some((c) => c.refusal === refusal), `no ${refusal} refusal in: ${d.considered.map((c) => c.refusal).join(', ')}`);
  for (const text of reasonIncludes) assert.ok(d.reason.includes(text), `reason should mention ${JSON.stringify(text)}: ${d.reason}`);
  return d;
}

describe('Organization Management and ApplicationImpersonation', () => {
  const f = new Fixture();
  const admin = f.mailbox('admin');
  const alice = f.mailbox('alice', { Department: 'Sales' });
  const om = f.builtInRoleGroup('Organization Management', admin);

  it('holds ApplicationImpersonation only as Delegating: an org admin cannot impersonate', () => {
    const d = assertDenied(f.authorizer.decide(admin.guid, impersonationEntry, alice), 'Delegating', 'Delegating', "'ApplicationImpersonation'");
    assert.deepEqual(d.considered.map((c) => c.via), [[om.guid]]);
    assert.equal(d.considered[0].assignment.name, 'ApplicationImpersonation-Organization Management-Delegating');
  });

  it('can delegate ApplicationImpersonation but does not hold it; holds Role Management', () => {
    assert.equal(f.authorizer.canDelegate(admin.guid, 'ApplicationImpersonation'), true);
    assert.equal(f.authorizer.canDelegate(admin.guid, 'applicationimpersonation'), true);
    assert.equal(f.authorizer.holdsRole(admin.guid, 'ApplicationImpersonation'), false);
    assert.equal(f.authorizer.holdsRole(admin.guid, 'Role Management'), true);
    assert.equal(f.authorizer.canDelegate(admin.guid, 'Role Management'), true);
    assert.equal(f.authorizer.canDelegate(alice.guid, 'ApplicationImpersonation'), false);
    assert.equal(f.authorizer.holdsRole(alice.guid, 'Role Management'), false);
  });

  it('may run Role Management cmdlets through the role group', () => {
    const d = assertAllowed(f.authorizer.decide(admin.guid, 'New-RoleGroup'));
    assert.equal(d.grant.role.name, 'Role Management');
    assert.deepEqual(d.grant.via, [om.guid]);
  });

  it('names the role to assign when nobody holds the entry', () => {
    assertDenied(f.authorizer.decide(alice.guid, impersonationEntry, admin), null, 'holds no role assignment', "'ApplicationImpersonation'");
    assertDenied(f.authorizer.decide(alice.guid, 'Frobnicate-Mailbox'), null, "No role contains the entry 'Frobnicate-Mailbox'");
  });
});

describe('assignment state', () => {
  const f = new Fixture();
  const svc = f.mailbox('svc');
  const bob = f.mailbox('bob');
  const off = f.assign('ApplicationImpersonation', svc, { enabled: false, name: 'Imp-Off' });

  it('a disabled assignment grants nothing, and the reason says so', () => {
    assertDenied(f.authorizer.decide(svc.guid, impersonationEntry, bob), 'Disabled', "'Imp-Off' is disabled");
  });

  it('enabling it applies to the very next decision; disabling again too', () => {
    f.model.putAssignment({ ...off, enabled: true });
    assert.equal(assertAllowed(f.authorizer.decide(svc.guid, impersonationEntry, bob)).grant.assignment.name, 'Imp-Off');
    f.model.putAssignment({ ...off, enabled: false });
    assertDenied(f.authorizer.decide(svc.guid, impersonationEntry, bob), 'Disabled');
  });

  it('a disabled Delegating assignment does not let its holder delegate', () => {
    const g = new Fixture();
    const admin = g.mailbox('admin');
    g.assign('ApplicationImpersonation', admin, { delegating: true, enabled: false });
    assert.equal(g.authorizer.canDelegate(admin.guid, 'ApplicationImpersonation'), false);
  });
});

describe('custom scopes', () => {
  const f = new Fixture();
  const svc = f.mailbox('svc');
  const alice = f.mailbox('alice', { Department: 'Sales' });
  const carol = f.mailbox('carol', { Department: 'Finance' });
  const sales = f.scope('Sales only', "Department -eq 'Sales'");
  f.assign('ApplicationImpersonation', svc, { scope: { kind: 'CustomRecipientScope', scopeGuid: sales.guid }, name: 'Imp-Sales' });

  it('allows targets matching the filter and describes the scope in the grant', () => {
    const d = assertAllowed(f.authorizer.decide(svc.guid, impersonationEntry, alice));
    assert.equal(d.grant.scope, "custom scope 'Sales only': (Department -eq 'Sales')");
  });

  it('denies targets outside it, naming the assignment and the scope', () => {
    assertDenied(f.authorizer.decide(svc.guid, impersonationEntry, carol), 'OutOfScope', 'carol@contoso.com', "'Imp-Sales'", "'Sales only'");
  });

  it('follows a filter change at once', () => {
    f.model.putScope({ ...sales, recipientFilter: canonicalScopeFilter(f.model, "Department -like 'Fin*'") });
    assertAllowed(f.authorizer.decide(svc.guid, impersonationEntry, carol));
    assertDenied(f.authorizer.decide(svc.guid, impersonationEntry, alice), 'OutOfScope');
    f.model.putScope(sales);
  });

  it('follows a change of the target’s attributes at once', () => {
    f.model.putRecipient({ ...carol, attributes: { Department: 'Sales' } });
    assertAllowed(f.authorizer.decide(svc.guid, impersonationEntry, f.model.get(carol.guid)));
    f.model.putRecipient(carol);
  });

  it('resolves MemberOfGroup to direct members of the named group', () => {
    const g = new Fixture();
    const svc2 = g.mailbox('svc2');
    const dan = g.mailbox('dan');
    const erin = g.mailbox('erin');
    const inner = g.group('inner', erin);
    g.group('vips', dan, inner);
    const vips = g.scope('VIP members', "MemberOfGroup -eq 'vips'");
    g.assign('ApplicationImpersonation', svc2, { scope: { kind: 'CustomRecipientScope', scopeGuid: vips.guid } });
    assertAllowed(g.authorizer.decide(svc2.guid, impersonationEntry, dan));
    assertDenied(g.authorizer.decide(svc2.guid, impersonationEntry, erin), 'OutOfScope');
  });
});

describe('exclusive scopes', () => {
  const f = new Fixture();
  const helpdesk = f.mailbox('helpdesk');
  const vipAdmin = f.mailbox('vipadmin');
  const ceo = f.mailbox('ceo', { CustomAttribute1: 'VIP' });
  const bob = f.mailbox('bob');
  const app = f.servicePrincipal('app');
  const vip = f.scope('VIP', "CustomAttribute1 -eq 'VIP'", true);
  f.assign('Mail Recipients', helpdesk, { name: 'Recipients-Org' });
  f.assign('Mail Recipients', vipAdmin, { scope: { kind: 'ExclusiveRecipientScope', scopeGuid: vip.guid }, name: 'Recipients-VIP' });
  f.assign('Application Mail.Read', app, { name: 'App-Read-Org' });

  it('exclude a Regular organization-wide assignment from matching targets, naming the exclusive scope', () => {
    assertDenied(f.authorizer.decide(helpdesk.guid, 'Set-Mailbox', ceo), 'ExcludedByExclusiveScope', "exclusive scope 'VIP'", "'Recipients-Org'");
  });

  it('leave targets they do not match alone', () => {
    assertAllowed(f.authorizer.decide(helpdesk.guid, 'Set-Mailbox', bob));
  });

  it('allow the assignment that uses the exclusive scope', () => {
    const d = assertAllowed(f.authorizer.decide(vipAdmin.guid, 'Set-Mailbox', ceo));
    assert.equal(d.grant.assignment.name, 'Recipients-VIP');
    assert.match(d.grant.scope, /^exclusive scope 'VIP'/);
  });

  it('restrict the exclusive assignment to its own filter', () => {
    assertDenied(f.authorizer.decide(vipAdmin.guid, 'Set-Mailbox', bob), 'OutOfScope', "'VIP'");
  });

  it('do not restrict service principals (RBAC for Applications)', () => {
    assertAllowed(f.authorizer.decide(app.guid, 'Mail.Read', ceo));
  });

  it('apply from the moment they exist, even before any assignment uses them', () => {
    const g = new Fixture();
    const admin = g.mailbox('admin');
    const target = g.mailbox('target', { Department: 'Legal' });
    g.assign('Mail Recipients', admin);
    assertAllowed(g.authorizer.decide(admin.guid, 'Set-Mailbox', target));
    g.scope('Legal', "Department -eq 'Legal'", true);
    assertDenied(g.authorizer.decide(admin.guid, 'Set-Mailbox', target), 'ExcludedByExclusiveScope', "'Legal'");
  });

  it('do not restrict decisions without a target', () => {
    assertAllowed(f.authorizer.decide(helpdesk.guid, 'Get-Mailbox'));
  });
});

describe('relative and group scopes', () => {
  const f = new Fixture();
  const me = f.mailbox('me');
  const visible = f.mailbox('visible');
  const hidden = f.mailbox('hidden', {}, { hiddenFromAddressLists: true });
  const nested = f.mailbox('nested');
  const team = f.group('team', visible, f.group('inner', nested));
  const selfHolder = f.mailbox('selfholder');
  const galHolder = f.mailbox('galholder');
  const groupHolder = f.mailbox('groupholder');
  const noneHolder = f.mailbox('noneholder');
  f.assign('Mail Recipients', selfHolder, { scope: { kind: 'Self' } });
  f.assign('Mail Recipients', galHolder, { scope: { kind: 'MyGAL' } });
  f.assign('Mail Recipients', groupHolder, { scope: { kind: 'Group', groupGuid: team.guid }, name: 'Recipients-Team' });
  f.assign('Mail Recipients', noneHolder, { scope: { kind: 'None' } });

  const cases: Array<[label: string, holder: Recipient, target: Recipient, allowed: boolean]> = [
    ['Self allows the holder itself', selfHolder, selfHolder, true],
    ['Self denies anyone else', selfHolder, me, false],
    ['MyGAL allows a visible recipient', galHolder, visible, true],
    ['MyGAL denies a recipient hidden from address lists', galHolder, hidden, false],
    ['Group allows a direct member', groupHolder, visible, true],
    ['Group denies a member of a nested group (direct members only)', groupHolder, nested, false],
    ['Group denies the group itself', groupHolder, team, false],
    ['None denies every target', noneHolder, me, false],
  ];
  for (const [label, holder, target, allowed] of cases) {
    it(label, () => {
      const d = f.authorizer.decide(holder.guid, 'Set-Mailbox', target);
      if (allowed) assertAllowed(d);
      else assertDenied(d, 'OutOfScope', 'outside the write scope');
    });
  }

  it('describes a Group scope by the group’s name', () => {
    assertDenied(f.authorizer.decide(groupHolder.guid, 'Set-Mailbox', nested), 'OutOfScope', "direct members of group 'team'");
  });

  it('a None write scope still allows the entry when there is no target', () => {
    assertAllowed(f.authorizer.decide(noneHolder.guid, 'Get-Mailbox'));
  });
});

describe('groups and role groups', () => {
  const f = new Fixture();
  const user = f.mailbox('user');
  const target = f.mailbox('target');
  const team = f.group('team', user);
  const department = f.group('department', team);
  const rg = f.roleGroup('Impersonators', department);
  f.assign('ApplicationImpersonation', rg);

  it('grants through nested security groups into a role group, with the chain', () => {
    const d = assertAllowed(f.authorizer.decide(user.guid, impersonationEntry, target));
    assert.deepEqual(d.grant.via, [team.guid, department.guid, rg.guid]);
    assert.equal(d.grant.assignment.name, 'ApplicationImpersonation-Impersonators');
  });

  it('lists effective assignments with the shortest chain', () => {
    f.model.addMember(rg.guid, user.guid);
    assert.deepEqual(f.authorizer.effectiveAssignments(user.guid).map((e) => e.via), [[rg.guid]]);
    f.model.removeMember(rg.guid, user.guid);
    assert.deepEqual(f.authorizer.effectiveAssignments(user.guid).map((e) => e.via), [[team.guid, department.guid, rg.guid]]);
  });

  it('loses the grant as soon as a link of the chain is removed', () => {
    f.model.removeMember(department.guid, team.guid);
    assertDenied(f.authorizer.decide(user.guid, impersonationEntry, target), null, 'holds no role assignment');
    f.model.addMember(department.guid, team.guid);
    assertAllowed(f.authorizer.decide(user.guid, impersonationEntry, target));
  });

  it('terminates on membership cycles', () => {
    f.model.addMember(team.guid, rg.guid);
    const d = assertAllowed(f.authorizer.decide(user.guid, impersonationEntry, target));
    assert.deepEqual(d.grant.via, [team.guid, department.guid, rg.guid]);
    assert.equal(f.authorizer.effectiveAssignments(rg.guid).length, 1);
    f.model.removeMember(team.guid, rg.guid);
  });
});

describe('parameter-restricted entries', () => {
  const f = new Fixture();
  const helpdesk = f.mailbox('helpdesk');
  const alice = f.mailbox('alice');
  f.builtInRoleGroup('Help Desk', helpdesk);

  const cases: Array<[parameters: string[] | undefined, allowed: boolean]> = [
    [['Identity', 'Password'], true],
    [['identity', 'password'], true],
    [['Identity'], true],
    [undefined, true],
    [['Identity', 'DisplayName'], false],
    [['Identity', 'Password', 'HiddenFromAddressListsEnabled'], false],
  ];
  for (const [parameters, allowed] of cases) {
    it(`Reset Password allows Set-Mailbox with ${parameters?.join(', ') ?? 'no parameter list'}: ${allowed}`, () => {
      const d = f.authorizer.decide(helpdesk.guid, 'Set-Mailbox', alice, { parameters });
      if (allowed) assert.equal(assertAllowed(d).grant.role.name, 'Reset Password');
      else assertDenied(d, 'ParameterNotAllowed', "'Reset Password'", 'Identity, Password', parameters!.filter((p) => !/^(identity|password)$/i.test(p)).join(', '));
    });
  }

  it('an unrestricted entry of another role allows any parameter', () => {
    f.assign('Mail Recipients', helpdesk);
    const d = assertAllowed(f.authorizer.decide(helpdesk.guid, 'Set-Mailbox', alice, { parameters: ['Identity', 'DisplayName'] }));
    assert.equal(d.grant.role.name, 'Mail Recipients');
  });
});
