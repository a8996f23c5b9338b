// Tests for the shell's syntax: commands and arguments, strings, typographic quotes and dashes, arrays, hashtables, script blocks, comments, continuation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScript, ShellSession } from '../../src/shell/index.ts';
import { FakeHost } from './fake-host.ts';

async function run(source: string, host = new FakeHost()) {
  const result = await runScript(source, host);
  return { ...result, host };
}

/** Runs a script and returns its output, failing on any error record. */
async function output(source: string): Promise<unknown[]> {
  const result = await run(source);
  assert.deepEqual(result.errors.map((error) => error.message), []);
  return result.output;
}

describe('commands and arguments', () => {
  it('passes named parameters by canonical name, case-insensitively', async () => {
    const { host, errors } = await run('new-rolegroup -name Sales -ROLES ApplicationImpersonation');
    assert.deepEqual(errors, []);
    assert.deepEqual(host.invocations, [{ name: 'New-RoleGroup', parameters: { Name: 'Sales', Roles: 'ApplicationImpersonation' } }]);
  });

  it('accepts -Name:value and switches with -Switch:$false', async () => {
    const { host } = await run('New-RoleGroup -Name:Sales -Force:$false -Description:"a b"');
    assert.deepEqual(host.invocations[0].parameters, { Name: 'Sales', Force: false, Description: 'a b' });
  });

  it('binds a bare switch to true', async () => {
    const { host } = await run('New-RoleGroup Sales -Force');
    assert.deepEqual(host.invocations[0].parameters, { Name: 'Sales', Force: true });
  });

  it('binds positional arguments by ParameterSpec.position', async () => {
    const { host } = await run('Add-RoleGroupMember "Org Admins" -Member bob');
    assert.deepEqual(host.invocations[0].parameters, { Identity: 'Org Admins', Member: 'bob' });
  });

  it('resolves unique prefixes and aliases of parameter names', async () => {
    const { host } = await run('New-RoleGroup -Na Sales -Rol A -Desc d');
    assert.deepEqual(host.invocations[0].parameters, { Name: 'Sales', Roles: 'A', Description: 'd' });
  });

  it('resolves parameter aliases, also by prefix and with a colon', async () => {
    const { host } = await run('New-RoleGroup x -notes a; New-RoleGroup y -Not:b');
    assert.deepEqual(host.invocations.map((invocation) => invocation.parameters), [
      { Name: 'x', Description: 'a' },
      { Name: 'y', Description: 'b' },
    ]);
  });

  it('keeps bare words as strings: addresses, wildcards, distinguished names', async () => {
    assert.deepEqual(await output('Write-Output svc@contoso.com Sales* CN=x'), ['svc@contoso.com', 'Sales*', 'CN=x']);
  });

  it('makes an array of comma-separated arguments, as PowerShell does', async () => {
    const { host } = await run('New-RoleGroup -Name x -Members CN=x,OU=y -Roles a, b ,c');
    assert.deepEqual(host.invocations[0].parameters, { Name: 'x', Members: ['CN=x', 'OU=y'], Roles: ['a', 'b', 'c'] });
  });

  it('parses numbers, with size suffixes, in argument mode', async () => {
    assert.deepEqual(await output('Write-Output 42 -7 1.5 10KB 2GB 0x10 1.2.3'), [42, -7, 1.5, 10240, 2 * 1024 ** 3, 16, '1.2.3']);
  });

  it('passes $true, $false and $null', async () => {
    const { host } = await run('New-RoleGroup -Name $null -Description $true -Roles $false');
    assert.deepEqual(host.invocations[0].parameters, { Name: null, Description: true, Roles: false });
  });

  it('expands variables inside a bare word', async () => {
    assert.deepEqual(await output('$user = "svc"; Write-Output $user@contoso.com'), ['svc@contoso.com']);
  });

  it('takes member access on a variable argument', async () => {
    assert.deepEqual(await output('$u = Get-User alice; Write-Output $u.Department $u.MemberOf[1]'), ['Sales', 'Managers']);
  });

  it('runs a command named by the call operator', async () => {
    assert.deepEqual(await output("& 'Write-Output' hi"), ['hi']);
  });
});

describe('typographic quotes and dashes', () => {
  it('accepts “…” quotes verbatim from a how-to', async () => {
    const { host, errors } = await run('New-RoleGroup -Name “Application Impersonation Group” -Roles ApplicationImpersonation');
    assert.deepEqual(errors, []);
    assert.deepEqual(host.invocations[0].parameters, { Name: 'Application Impersonation Group', Roles: 'ApplicationImpersonation' });
  });

  it('treats all double-quote forms as interchangeable (“…", „…”)', async () => {
    assert.deepEqual(await output('Write-Output “a" „b” "c”'), ['a', 'b', 'c']);
  });

  it('accepts ‘…’ and ‚…‛ single quotes, without expansion', async () => {
    assert.deepEqual(await output('$x = 1; Write-Output ‘$x’ ‚b‛ \'c’'), ['$x', 'b', 'c']);
  });

  it('accepts en dash, em dash and horizontal bar before parameter names', async () => {
    const { host, errors } = await run('New-RoleGroup –Name a —Roles b ―Force; New-RoleGroup c –Force:$false');
    assert.deepEqual(errors, []);
    assert.deepEqual(host.invocations[0].parameters, { Name: 'a', Roles: 'b', Force: true });
    assert.deepEqual(host.invocations[1].parameters, { Name: 'c', Force: false });
  });

  it('accepts typographic dashes as operators and in command names', async () => {
    assert.deepEqual(await output('5 – 2; 1 –eq 1'), [3, true]);
    const { errors } = await run('Get–User alice');
    assert.deepEqual(errors, []);
  });
});

describe('strings', () => {
  it("doubles '' to escape in single-quoted strings", async () => {
    assert.deepEqual(await output("'it''s'"), ["it's"]);
  });

  it('handles backtick escapes and doubled quotes in double-quoted strings', async () => {
    assert.deepEqual(await output('"a`tb`n`"q`" ""r"" `$x"'), ['a\tb\n"q" "r" $x']);
  });

  it('expands $var, ${var} and $( ) but not $var.Prop, as PowerShell does', async () => {
    assert.deepEqual(await output('$n = "Sales"; $u = Get-User bob; "[$n] ${n}x $($u.Name) $($u.MemberOf.Count + 1)"'), ['[Sales] Salesx Bob 1']);
    assert.deepEqual(await output('$u = @{Name="Bob"}; "$u.Name"'), ['Bob.Name']);
  });

  it('expands nested quotes inside sub-expressions', async () => {
    assert.deepEqual(await output('"a $("b" + "c") d"'), ['a bc d']);
  });

  it('joins arrays with spaces when expanding', async () => {
    assert.deepEqual(await output('$a = 1,2,3; "$a"'), ['1 2 3']);
  });

  it('supports here-strings', async () => {
    assert.deepEqual(await output("$x = 'v'\n@\"\nline $x\n\"@\n@'\nraw $x\n'@"), ['line v', 'raw $x']);
  });
});

describe('arrays, hashtables and script blocks', () => {
  it('builds arrays with @( ), @() and commas', async () => {
    assert.deepEqual(await output('$a = @(1, 2); $b = @(); $c = 3, 4; $a.Count; $b.Count; $c[1]'), [2, 0, 4]);
  });

  it('builds a hashtable as a plain object', async () => {
    const { host } = await run("Set-User bob -MemberOf @{Add='x';Remove='y'}");
    assert.deepEqual(host.invocations[0].parameters, { Identity: 'bob', MemberOf: { Add: 'x', Remove: 'y' } });
  });

  it('builds a multi-line hashtable with array values', async () => {
    const { host, errors } = await run("Set-User bob -MemberOf @{\n  Add = 'x', 'z'\n  Remove = \"y\"\n}");
    assert.deepEqual(errors, []);
    assert.deepEqual(host.invocations[0].parameters.MemberOf, { Add: ['x', 'z'], Remove: 'y' });
  });

  it('passes a script block to a host command as its text, braces included', async () => {
    const { host } = await run('New-RoleGroup -Name x -RecipientRestrictionFilter {Department -eq "Sales"}');
    assert.equal(host.invocations[0].parameters.RecipientRestrictionFilter, '{Department -eq "Sales"}');
  });

  it('keeps complex filter text intact', async () => {
    const filter = "{(RecipientType -eq 'UserMailbox') -and (Department -like 'Sales*')}";
    const { host, errors } = await run(`New-RoleGroup -Name x -RecipientRestrictionFilter ${filter}`);
    assert.deepEqual(errors, []);
    assert.equal(host.invocations[0].parameters.RecipientRestrictionFilter, filter);
  });
});

describe('statements, comments and continuation', () => {
  it('separates statements with newlines and ;', async () => {
    assert.deepEqual(await output('1; 2\n3'), [1, 2, 3]);
  });

  it('ignores line comments and block comments', async () => {
    assert.deepEqual(await output('# comment\n1 # trailing\n<# block\n spanning #> 2'), [1, 2]);
  });

  it('continues a line ending in a backtick', async () => {
    const { host, errors } = await run('New-RoleGroup `\n  -Name Sales `\n  -Force');
    assert.deepEqual(errors, []);
    assert.deepEqual(host.invocations[0].parameters, { Name: 'Sales', Force: true });
  });

  it('continues a line ending in a pipe', async () => {
    assert.deepEqual(await output('Get-User |\n  Select-Object -ExpandProperty Name'), ['Alice', 'Bob', 'Carol']);
  });

  it('outputs nothing for assignments', async () => {
    assert.deepEqual(await output('$x = 5'), []);
  });

  it('keeps variables between runs of a session', async () => {
    const session = new ShellSession(new FakeHost());
    await session.run('$Group = "Sales"');
    assert.equal(session.variables.get('Group'), 'Sales');
    assert.deepEqual((await session.run('$group')).output, ['Sales']);
    session.variables.set('preset', 7);
    assert.deepEqual((await session.run('$PRESET + 1')).output, [8]);
  });

  it('stops a script quietly at exit', async () => {
    const session = new ShellSession(new FakeHost());
    const result = await session.run('1; exit; 2');
    assert.deepEqual(result.output, [1]);
    assert.equal(session.exited, true);
  });
});

describe('parse errors', () => {
  const cases: [string, string, string][] = [
    ['Write-Output "abc', 'The string is missing the terminator: ".', 'TerminatorExpectedAtEndOfString'],
    ["Write-Output 'abc", "The string is missing the terminator: '.", 'TerminatorExpectedAtEndOfString'],
    ['Get-User | ? { $_.Name', "Missing closing '}' in statement block or type definition.", 'MissingEndCurlyBrace'],
    ['Get-User |', 'An empty pipe element is not allowed.', 'EmptyPipeElement'],
    ['Get-User | | fl', 'An empty pipe element is not allowed.', 'EmptyPipeElement'],
    ['$x = (1 + 2', "Missing closing ')' in expression.", 'MissingEndParenthesisInExpression'],
    ['1 + ', "You must provide a value expression following the '+' operator.", 'ExpectedValueExpression'],
    ['Get-User }', "Unexpected token '}' in expression or statement.", 'UnexpectedToken'],
    ['$x = @{a}', "Missing '=' operator after key in hash literal.", 'MissingEqualsInHashLiteral'],
    ['Get-User | 5', 'Expressions are only allowed as the first element of a pipeline.', 'ExpressionsMustBeFirstInPipeline'],
    ['$a $b', "Unexpected token '$b' in expression or statement.", 'UnexpectedToken'],
  ];
  for (const [source, message, errorId] of cases) {
    it(`reports ${errorId} for ${JSON.stringify(source)}`, async () => {
      const { errors, output: values, host } = await run(source);
      assert.equal(errors.length, 1);
      assert.equal(errors[0].message, message);
      assert.equal(errors[0].errorId, errorId);
      assert.equal(errors[0].code, 'ParseError');
      assert.equal(errors[0].category, 'ParserError');
      assert.deepEqual(values, []);
      assert.deepEqual(host.invocations, []);
    });
  }

  it('runs nothing at all when any part of the script fails to parse', async () => {
    const { host, output: values } = await run('Get-User\nWrite-Output 1\nWrite-Output "unterminated');
    assert.deepEqual(host.invocations, []);
    assert.deepEqual(values, []);
  });

  it('points at the unterminated string', async () => {
    const { errors } = await run('Get-User\nWrite-Output "abc');
    assert.deepEqual(errors[0].position, { line: 2, column: 14, offset: 22 });
    assert.equal(errors[0].line, 'Write-Output "abc');
  });
});
