// Tests for tab completion: command names (host and built-in), parameter names after `-`, and parameter values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completeLine } from '../../src/shell/index.ts';
import { FakeHost } from './fake-host.ts';

const host = new FakeHost();

describe('completeLine', () => {
  it('completes command names case-insensitively, built-ins included', () => {
    assert.deepEqual(completeLine('get-u', host), [['Get-User'], 'get-u']);
    assert.deepEqual(completeLine('Sel', host), [['Select-Object'], 'Sel']);
    assert.deepEqual(completeLine('Get-', host), [['Get-ManagementRoleAssignment', 'Get-RoleGroup', 'Get-User'], 'Get-']);
  });

  it('completes the command after a pipe', () => {
    assert.deepEqual(completeLine('Get-User | Where', host), [['Where-Object'], 'Where']);
    assert.deepEqual(completeLine('Get-User; New-R', host), [['New-RoleGroup'], 'New-R']);
  });

  it('completes parameter names after -', () => {
    assert.deepEqual(completeLine('New-RoleGroup -M', host), [['-Members', '-ManagedBy'], '-M']);
    assert.deepEqual(completeLine('Get-User -Ident', host), [['-Identity'], '-Ident']);
    assert.deepEqual(completeLine('Select-Object -Exp', host), [['-ExpandProperty'], '-Exp']);
  });

  it('completes parameter names after a quoted argument', () => {
    assert.deepEqual(completeLine('New-RoleGroup -Name "a b" -Ro', host), [['-Roles'], '-Ro']);
  });

  it('completes allowed values of a parameter', () => {
    assert.deepEqual(completeLine('Get-User -RecipientTypeDetails Sh', host), [['SharedMailbox'], 'Sh']);
    assert.deepEqual(completeLine('Get-User -RecipientTypeDetails ', host), [['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'User'], '']);
    assert.deepEqual(completeLine('Get-User -RecipientTypeDetails:ro', host), [['-RecipientTypeDetails:RoomMailbox'], '-RecipientTypeDetails:ro']);
    assert.deepEqual(completeLine('Get-User -ErrorAction Si', host), [['SilentlyContinue'], 'Si']);
  });

  it('offers nothing for free-form values or unknown commands', () => {
    assert.deepEqual(completeLine('Get-User -Identity al', host), [[], 'al']);
    assert.deepEqual(completeLine('Nope -x', host), [[], '-x']);
  });
});
