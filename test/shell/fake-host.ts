// A small in-memory CommandHost for the shell tests: a few commands with ParameterSpecs that record their invocations.
import { withDisplayColumns, type CommandHost, type CommandInfo } from '../../src/cmdlets/host.ts';
import { DeputyError, objectNotFound } from '../../src/core/errors.ts';

export interface Invocation {
  name: string;
  parameters: Record<string, unknown>;
}

export interface FakeUser {
  Identity: string;
  Name: string;
  Department: string;
  Title: string;
  Office: string;
  MemberOf: string[];
}

const commands: CommandInfo[] = [
  {
    name: 'New-RoleGroup',
    synopsis: 'Creates a role group.',
    parameters: [
      { name: 'Name', type: 'String', mandatory: true, position: 0 },
      { name: 'Roles', type: 'String[]', typeName: 'RoleIdParameter[]' },
      { name: 'Members', type: 'String[]', typeName: 'SecurityPrincipalIdParameter[]' },
      { name: 'ManagedBy', type: 'String[]' },
      { name: 'Description', type: 'String', aliases: ['Notes'] },
      { name: 'RecipientRestrictionFilter', type: 'String' },
      { name: 'Force', type: 'SwitchParameter' },
    ],
  },
  {
    name: 'Get-User',
    parameters: [
      { name: 'Identity', type: 'String', position: 0, fromPipeline: true },
      { name: 'Filter', type: 'String' },
      { name: 'ResultSize', type: 'Unlimited' },
      { name: 'RecipientTypeDetails', type: 'String', values: ['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'User'] },
    ],
  },
  {
    name: 'Set-User',
    parameters: [
      { name: 'Identity', type: 'String', mandatory: true, position: 0, fromPipeline: true },
      { name: 'Department', type: 'String' },
      { name: 'Title', type: 'String' },
      { name: 'MemberOf', type: 'MultiValued' },
      { name: 'Confirm', type: 'SwitchParameter' },
    ],
  },
  {
    name: 'Get-RoleGroup',
    parameters: [{ name: 'Identity', type: 'String', position: 0 }],
  },
  {
    name: 'Add-RoleGroupMember',
    parameters: [
      { name: 'Identity', type: 'String', mandatory: true, position: 0 },
      { name: 'Member', type: 'String', mandatory: true, fromPipeline: true },
      { name: 'BypassSecurityGroupManagerCheck', type: 'SwitchParameter' },
    ],
  },
  {
    name: 'Get-ManagementRoleAssignment',
    parameters: [
      { name: 'Identity', type: 'String', position: 0 },
      { name: 'Role', type: 'String' },
      { name: 'RoleAssignee', type: 'String' },
    ],
  },
];

export function users(): FakeUser[] {
  return [
    { Identity: 'alice', Name: 'Alice', Department: 'Sales', Title: 'Manager', Office: 'Paris', MemberOf: ['Sales Team', 'Managers'] },
    { Identity: 'bob', Name: 'Bob', Department: 'Engineering', Title: 'Engineer', Office: 'Berlin', MemberOf: [] },
    { Identity: 'carol', Name: 'Carol', Department: 'sales', Title: 'Associate', Office: 'Paris', MemberOf: ['Sales Team'] },
  ];
}

export class FakeHost implements CommandHost {
  readonly invocations: Invocation[] = [];

  getCommand(name: string): CommandInfo | undefined {
    return commands.find((command) => command.name.toLowerCase() === name.toLowerCase());
  }

  listCommands(): CommandInfo[] {
    return [...commands];
  }

  async invoke(name: string, parameters: Record<string, unknown>): Promise<unknown[]> {
    this.invocations.push({ name, parameters });
    switch (name) {
      case 'Get-User': {
        const all = users();
        if (parameters.Identity === undefined) return all;
        const found = all.find((user) => user.Identity.toLowerCase() === String(parameters.Identity).toLowerCase());
        if (!found) throw objectNotFound(String(parameters.Identity));
        return [found];
      }
      case 'New-RoleGroup':
        return [withDisplayColumns({ Name: parameters.Name, Roles: parameters.Roles ?? [], Members: parameters.Members ?? [], Description: parameters.Description ?? null, ManagedBy: [] }, ['Name', 'Roles', 'Members'])];
      case 'Get-RoleGroup':
        if (parameters.Identity === 'Missing') throw new DeputyError('ObjectNotFound', "The operation couldn't be performed because object 'Missing' couldn't be found on 'deputy.local'.", { errorId: '9A2C3E7F,Microsoft.Exchange.Management.RbacTasks.GetRoleGroup' });
        return [];
      case 'Get-ManagementRoleAssignment':
        return [
          { Name: 'ApplicationImpersonation-Svc', Role: 'ApplicationImpersonation', RoleAssigneeName: 'svc', RoleAssigneeType: 'User', AssignmentMethod: 'Direct', Enabled: true },
        ];
      default:
        return [];
    }
  }
}
