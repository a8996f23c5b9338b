// Tests for parameter binding and its error records: missing argument, unknown/ambiguous/duplicate parameters, positionals, mandatory parameters, pipeline input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScript } from '../../src/shell/index.ts';
import { FakeHost } from './fake-host.ts';

async function run(source: string) {
  const host = new FakeHost();
  const result = await runScript(source, host);
  return { ...result, host };
}

describe('binding errors', () => {
  it('reports a missing argument at the parameter token and invokes nothing', async () => {
    const source = 'New-RoleGroup -Name "Application Impersonation Group" -Roles ApplicationImpersonation -Members';
    const { errors, host } = await run(source);
    assert.deepEqual(host.invocations, []);
    assert.equal(errors.length, 1);
    const [error] = errors;
    assert.equal(error.message, "Missing an argument for parameter 'Members'. Specify a parameter of type 'SecurityPrincipalIdParameter[]' and try again.");
    assert.equal(error.command, 'New-RoleGroup');
    assert.equal(error.errorId, 'MissingArgument');
    assert.equal(error.code, 'MissingArgument');
    assert.equal(error.category, 'InvalidArgument');
    assert.equal(error.exceptionType, 'ParameterBindingException');
    assert.deepEqual(error.position, { line: 1, column: source.indexOf('-Members') + 1, offset: source.indexOf('-Members') });
    assert.equal(error.length, '-Members'.length);
    assert.equal(error.line, source);
  });

  it('reports a missing argument when another parameter follows', async () => {
    const { errors, host } = await run('New-RoleGroup -Name -Roles x');
    assert.deepEqual(host.invocations, []);
    assert.equal(errors[0].message, "Missing an argument for parameter 'Name'. Specify a parameter of type 'String' and try again.");
    assert.equal(errors[0].position?.column, 15);
  });

  it('reports a missing argument before a pipe', async () => {
    const { errors, host } = await run('Get-User -Identity | fl');
    assert.deepEqual(host.invocations, []);
    assert.equal(errors[0].errorId, 'MissingArgument');
  });

  it('reports a missing argument after -Name: with nothing following', async () => {
    const { errors } = await run('New-RoleGroup -Name:');
    assert.equal(errors[0].errorId, 'MissingArgument');
  });

  it('reports an unknown parameter', async () => {
    const { errors, host } = await run('Get-User -Bogus x');
    assert.deepEqual(host.invocations, []);
    assert.equal(errors[0].message, "A parameter cannot be found that matches parameter name 'Bogus'.");
    assert.equal(errors[0].errorId, 'NamedParameterNotFound');
    assert.equal(errors[0].code, 'ParameterNotFound');
    assert.equal(errors[0].position?.column, 10);
    assert.equal(errors[0].length, 6);
  });

  it('reports an ambiguous prefix with the possible matches', async () => {
    const { errors, host } = await run('New-RoleGroup -Name x -M y');
    assert.deepEqual(host.invocations, []);
    assert.equal(errors[0].message, "Parameter cannot be processed because the parameter name 'M' is ambiguous. Possible matches include: -Members -ManagedBy.");
    assert.equal(errors[0].code, 'ParameterBinding');
    assert.equal(errors[0].position?.column, 23);
  });

  it('reports an unknown command', async () => {
    const { errors } = await run('Get-Nothing -Identity x');
    assert.equal(
      errors[0].message,
      "The term 'Get-Nothing' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
    );
    assert.equal(errors[0].errorId, 'CommandNotFoundException');
    assert.equal(errors[0].code, 'CommandNotFound');
    assert.equal(errors[0].command, 'Get-Nothing');
    assert.equal(errors[0].length, 'Get-Nothing'.length);
  });

  it('reports a positional argument without a slot', async () => {
    const { errors, host } = await run('Get-User alice extra');
    assert.deepEqual(host.invocations, []);
    assert.equal(errors[0].message, "A positional parameter cannot be found that accepts argument 'extra'.");
    assert.equal(errors[0].code, 'ParameterBinding');
    assert.equal(errors[0].errorId, 'PositionalParameterNotFound');
    assert.equal(errors[0].position?.column, 16);
  });

  it('treats the value after a switch as a positional argument, as PowerShell does', async () => {
    const { errors, host } = await run('New-RoleGroup -Name x -Force $true');
    assert.deepEqual(host.invocations, []);
    assert.equal(errors[0].message, "A positional parameter cannot be found that accepts argument 'True'.");
    const ok = await run('New-RoleGroup -Force $true');
    assert.deepEqual(ok.host.invocations[0].parameters, { Force: true, Name: true });
  });

  it('reports a parameter given twice', async () => {
    const { errors, host } = await run('New-RoleGroup -Name a -name b');
    assert.deepEqual(host.invocations, []);
    assert.equal(errors[0].message, "Cannot bind parameter because parameter 'Name' is specified more than once.");
    assert.equal(errors[0].position?.column, 23);
  });

  it('reports missing mandatory parameters before invoking', async () => {
    const { errors, host } = await run('New-RoleGroup -Roles x');
    assert.deepEqual(host.invocations, []);
    assert.equal(errors[0].message, 'Cannot process command because of one or more missing mandatory parameters: Name.');
    assert.equal(errors[0].errorId, 'MissingMandatoryParameter');
    assert.equal(errors[0].code, 'MissingArgument');
  });

  it('lists every missing mandatory parameter', async () => {
    const { errors } = await run('Add-RoleGroupMember');
    assert.equal(errors[0].message, 'Cannot process command because of one or more missing mandatory parameters: Identity Member.');
  });

  it('binds nothing in a pipeline when a later command has a binding error', async () => {
    const { errors, host } = await run('Get-User | Set-User -Bogus');
    assert.deepEqual(host.invocations, []);
    assert.equal(errors.length, 1);
  });

  it('continues with the next statement after an error', async () => {
    const { errors, output, host } = await run('Get-User -Bogus; Write-Output after; Get-User nobody; Write-Output end');
    assert.deepEqual(output, ['after', 'end']);
    assert.equal(errors.length, 2);
    assert.equal(host.invocations.length, 1);
  });
});

describe('host errors', () => {
  it('records a host DeputyError with its code, category and the command name position', async () => {
    const { errors } = await run('Write-Output 1; Get-User nobody');
    assert.equal(errors.length, 1);
    const [error] = errors;
    assert.equal(error.message, "The operation couldn't be performed because object 'nobody' couldn't be found on 'deputy.local'.");
    assert.equal(error.command, 'Get-User');
    assert.equal(error.code, 'ObjectNotFound');
    assert.equal(error.category, 'NotSpecified');
    assert.equal(error.exceptionType, 'ManagementObjectNotFoundException');
    assert.equal(error.errorId, 'ObjectNotFound');
    assert.deepEqual(error.position, { line: 1, column: 17, offset: 16 });
    assert.equal(error.length, 8);
  });

  it('uses details.errorId when the host gives one', async () => {
    const { errors } = await run('Get-RoleGroup Missing');
    assert.equal(errors[0].errorId, '9A2C3E7F,Microsoft.Exchange.Management.RbacTasks.GetRoleGroup');
  });

  it('abandons the rest of the pipeline after a host error', async () => {
    const { errors, output } = await run('Get-User nobody | Select-Object Name');
    assert.equal(errors.length, 1);
    assert.deepEqual(output, []);
  });

  it('suppresses the error with -ErrorAction SilentlyContinue and sets -ErrorVariable', async () => {
    const { errors, output } = await run('$u = Get-User nobody -ErrorAction SilentlyContinue -ErrorVariable problems; $null -eq $u; $problems.Count');
    assert.deepEqual(errors, []);
    assert.deepEqual(output, [true, 1]);
  });

  it('stops the whole script with -ErrorAction Stop', async () => {
    const { errors, output } = await run('Get-User nobody -ea Stop; Write-Output unreachable');
    assert.equal(errors.length, 1);
    assert.deepEqual(output, []);
  });

  it('accepts -Confirm:$false without passing it to a host that does not declare it', async () => {
    const { errors, host } = await run('New-RoleGroup -Name x -Confirm:$false -Verbose -WarningAction SilentlyContinue');
    assert.deepEqual(errors, []);
    assert.deepEqual(host.invocations[0].parameters, { Name: 'x' });
  });

  it('passes -Confirm to a host that declares it', async () => {
    const { host } = await run('Set-User bob -Confirm:$false');
    assert.deepEqual(host.invocations[0].parameters, { Identity: 'bob', Confirm: false });
  });

  it('refuses -Confirm when the host cannot confirm, rather than running unconfirmed', async () => {
    const { errors, host } = await run('New-RoleGroup -Name x -Confirm');
    assert.deepEqual(host.invocations, []);
    assert.equal(errors[0].errorId, 'ConfirmationNotSupported');
  });

  it('stores output in -OutVariable', async () => {
    const { output } = await run('Get-User -OutVariable found | Out-Null; $found.Count');
    assert.deepEqual(output, [3]);
  });
});

describe('pipeline input binding', () => {
  it("binds each input object's Identity to the fromPipeline parameter, one invocation per object", async () => {
    const { errors, host } = await run("Get-User | Where-Object Department -eq 'Sales' | Set-User -Title Lead");
    assert.deepEqual(errors, []);
    assert.deepEqual(host.invocations.slice(1), [
      { name: 'Set-User', parameters: { Title: 'Lead', Identity: 'alice' } },
      { name: 'Set-User', parameters: { Title: 'Lead', Identity: 'carol' } },
    ]);
  });

  it('binds a scalar input value itself', async () => {
    const { host } = await run("'alice', 'bob' | Set-User -Department X");
    assert.deepEqual(host.invocations.map((invocation) => invocation.parameters.Identity), ['alice', 'bob']);
  });

  it('does not require a mandatory parameter that the pipeline will provide', async () => {
    const { errors, host } = await run("'bob' | Add-RoleGroupMember -Identity 'Org Admins'");
    assert.deepEqual(errors, []);
    assert.deepEqual(host.invocations[0].parameters, { Identity: 'Org Admins', Member: 'bob' });
  });

  it('invokes nothing downstream for empty input', async () => {
    const { host, errors } = await run('@() | Set-User -Title x');
    assert.deepEqual(errors, []);
    assert.deepEqual(host.invocations, []);
  });

  it('reports input that no parameter takes', async () => {
    const { errors, host } = await run('Get-User | New-RoleGroup -Name x');
    assert.equal(host.invocations.length, 1);
    assert.match(errors[0].message, /^The input object cannot be bound to any parameters for the command/);
    assert.equal(errors[0].errorId, 'InputObjectNotBound');
  });

  it('reports input when the pipeline parameter was also given explicitly', async () => {
    const { errors } = await run("'alice' | Set-User bob -Title x");
    assert.equal(errors[0].errorId, 'InputObjectNotBound');
  });
});
