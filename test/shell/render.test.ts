// Tests for renderOutput (PowerShell's default views) and renderError (PowerShell 5.1 error text).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withDisplayColumns } from '../../src/cmdlets/host.ts';
import { renderError, renderOutput, runScript, type ShellErrorRecord } from '../../src/shell/index.ts';
import { FakeHost } from './fake-host.ts';

describe('renderOutput', () => {
  it('prints strings and numbers one per line, booleans as True/False, nothing for $null', () => {
    assert.equal(renderOutput(['a', 1, 2.5, true, false, null, 'b']), 'a\n1\n2.5\nTrue\nFalse\nb');
  });

  it('shows objects with display columns as a table of those columns', () => {
    const groups = [
      withDisplayColumns({ Name: 'Org Admins', Members: ['alice', 'bob'], Description: 'x', Guid: 'g1', Extra: 1 }, ['Name', 'Members']),
      withDisplayColumns({ Name: 'Help Desk', Members: [], Description: 'y', Guid: 'g2', Extra: 2 }, ['Name', 'Members']),
    ];
    assert.equal(renderOutput(groups), 'Name       Members\n----       -------\nOrg Admins {alice, bob}\nHelp Desk  {}');
  });

  it('shows objects with at most four properties as a table', () => {
    assert.equal(renderOutput([{ Name: 'a', Enabled: true, Size: null }]), 'Name Enabled Size\n---- ------- ----\na    True');
  });

  it('shows objects with more than four properties as a list', () => {
    assert.equal(renderOutput([{ A: 1, Bb: 'x', C: [1, 2], D: null, Eeeee: false }]), 'A     : 1\nBb    : x\nC     : {1, 2}\nD     :\nEeeee : False');
  });

  it('shows at most four items of a collection, as $FormatEnumerationLimit does', () => {
    assert.equal(renderOutput([{ Members: ['a', 'b', 'c', 'd', 'e'] }]), 'Members\n-------\n{a, b, c, d...}');
  });

  it('truncates tables to 120 columns with ...', () => {
    const long = 'x'.repeat(200);
    const lines = renderOutput([{ Name: 'n', Value: long }]).split('\n');
    assert.ok(lines.every((line) => line.length <= 120));
    assert.ok(lines[2].endsWith('...'));
  });

  it('separates object blocks from other output with a blank line', () => {
    assert.equal(renderOutput(['before', { A: 1 }, 'after']), 'before\n\nA\n-\n1\n\nafter');
  });

  it('prints formatter strings as they are', async () => {
    const result = await runScript('Get-User bob | fl Name', new FakeHost());
    assert.equal(renderOutput(result.output), 'Name : Bob');
  });
});

describe('renderError', () => {
  it('renders a binding error as PowerShell 5.1 does', async () => {
    const source = 'New-RoleGroup -Name "Application Impersonation Group" -Roles ApplicationImpersonation -Members';
    const { errors } = await runScript(source, new FakeHost());
    assert.equal(
      renderError(errors[0]),
      [
        "New-RoleGroup : Missing an argument for parameter 'Members'. Specify a parameter of type 'SecurityPrincipalIdParameter[]' and try again.",
        'At line:1 char:87',
        `+ ${source}`,
        `+ ${' '.repeat(86)}~~~~~~~~`,
        '    + CategoryInfo          : InvalidArgument: (:) [New-RoleGroup], ParameterBindingException',
        '    + FullyQualifiedErrorId : MissingArgument,New-RoleGroup',
      ].join('\n'),
    );
  });

  it('renders an unknown command with the name as the target', async () => {
    const { errors } = await runScript('Get-Foo', new FakeHost());
    assert.equal(
      renderError(errors[0]),
      [
        "Get-Foo : The term 'Get-Foo' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
        'At line:1 char:1',
        '+ Get-Foo',
        '+ ~~~~~~~',
        '    + CategoryInfo          : ObjectNotFound: (Get-Foo:String) [], CommandNotFoundException',
        '    + FullyQualifiedErrorId : CommandNotFoundException',
      ].join('\n'),
    );
  });

  it('renders a host error under the command name on the right line', async () => {
    const { errors } = await runScript('$x = 1\n  Get-User nobody', new FakeHost());
    assert.equal(
      renderError(errors[0]),
      [
        "Get-User : The operation couldn't be performed because object 'nobody' couldn't be found on 'deputy.local'.",
        'At line:2 char:3',
        '+   Get-User nobody',
        '+   ~~~~~~~~',
        '    + CategoryInfo          : NotSpecified: (:) [Get-User], ManagementObjectNotFoundException',
        '    + FullyQualifiedErrorId : ObjectNotFound,Get-User',
      ].join('\n'),
    );
  });

  it('renders a parse error location first, without a command', async () => {
    const { errors } = await runScript("Write-Output 'abc", new FakeHost());
    assert.equal(
      renderError(errors[0]),
      [
        'At line:1 char:14',
        "+ Write-Output 'abc",
        '+              ~~~~',
        "The string is missing the terminator: '.",
        '    + CategoryInfo          : ParserError: (:) [], ParseException',
        '    + FullyQualifiedErrorId : TerminatorExpectedAtEndOfString',
      ].join('\n'),
    );
  });

  it('renders a record without position', () => {
    const record: ShellErrorRecord = { message: 'Boom.', category: 'NotSpecified', exceptionType: 'InternalServerException', errorId: 'Internal', code: 'Internal' };
    assert.equal(renderError(record), 'Boom.\n    + CategoryInfo          : NotSpecified: (:) [], InternalServerException\n    + FullyQualifiedErrorId : Internal');
  });
});
