// New-ManagementRoleAssignment: assigns a role to a user, security group, role group or application.
import { DeputyError, objectNotFound } from '../../core/errors.ts';
import { findRole } from '../../core/rbac/roles.ts';
import { only, resolveOne, servicePrincipals, users } from '../../services/identity.ts';
import { createAssignment } from '../../services/rbac.ts';
import { defineCmdlet } from '../define.ts';
import { assignmentOutput } from '../output/rbac.ts';
import { scopeFromParameters, scopeParameters } from '../scope-parameters.ts';

export default defineCmdlet({
  name: 'New-ManagementRoleAssignment',
  synopsis: 'Assigns a management role to a user, security group, role group or service principal.',
  parameters: [
    { name: 'Name', type: 'String', position: 0 },
    { name: 'Role', type: 'String', mandatory: true, typeName: 'RoleIdParameter' },
    { name: 'User', type: 'String', typeName: 'UserIdParameter' },
    { name: 'SecurityGroup', type: 'String', typeName: 'SecurityGroupIdParameter' },
    { name: 'App', type: 'String', typeName: 'ServicePrincipalIdParameter' },
    { name: 'Delegating', type: 'SwitchParameter' },
    ...scopeParameters,
  ],
  async run(op, p) {
    const role = findRole(p.string('Role')!);
    if (!role) throw objectNotFound(p.string('Role')!);
    const given = ['User', 'SecurityGroup', 'App'].filter((n) => p.has(n));
    if (given.length !== 1) {
      throw new DeputyError('ParameterBinding', given.length ? `Parameter set cannot be resolved: use only one of -User, -SecurityGroup and -App.` : 'Specify who receives the role with -User, -SecurityGroup or -App.', { errorId: 'AmbiguousParameterSet' });
    }
    const assignee =
      given[0] === 'User'
        ? resolveOne(op.model, p.string('User'), users)
        : given[0] === 'SecurityGroup'
          ? resolveOne(op.model, p.string('SecurityGroup'), only('MailUniversalSecurityGroup', 'RoleGroup'))
          : resolveOne(op.model, p.string('App'), servicePrincipals);
    const assignment = await createAssignment(op, {
      name: p.string('Name'),
      role,
      assignee,
      delegating: p.switch('Delegating'),
      scope: scopeFromParameters(op, p) ?? { kind: 'Organization' },
    });
    return () => [assignmentOutput(op.model, op.authorizer, { assignment: op.model.assignments.get(assignment.guid)! }, op.runtime.organization.defaultDomain)];
  },
});
