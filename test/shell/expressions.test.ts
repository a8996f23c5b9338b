// Tests for expressions: variables, member access, indexing, operators (comparison, logic, arithmetic), truthiness, method calls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScript } from '../../src/shell/index.ts';
import { FakeHost } from './fake-host.ts';

async function output(source: string): Promise<unknown[]> {
  const result = await runScript(source, new FakeHost());
  assert.deepEqual(result.errors.map((error) => error.message), []);
  return result.output;
}

describe('variables and members', () => {
  it('reads variables case-insensitively; unknown variables are $null', async () => {
    assert.deepEqual(await output('$Name = "x"; $name; $NAME; $null -eq $undefined'), ['x', 'x', true]);
  });

  it('accesses properties case-insensitively, with .Count and .Length', async () => {
    assert.deepEqual(await output('$u = Get-User alice; $u.name; $u.MemberOf.Count; $u.Name.Length; $u.Missing -eq $null'), ['Alice', 2, 5, true]);
  });

  it('enumerates members of arrays', async () => {
    assert.deepEqual(await output('$all = Get-User; $all.Name'), ['Alice', 'Bob', 'Carol']);
  });

  it('treats scalars as having Count 1 and $null as Count 0', async () => {
    assert.deepEqual(await output('$x = 5; $x.Count; $null.Count'), [1, 0]);
  });

  it('indexes arrays, strings and hashtables', async () => {
    assert.deepEqual(await output('$a = 10,20,30; $a[0]; $a[-1]; $a[5] -eq $null; "abc"[1]; $h = @{Key="v"}; $h["key"]; $a[0,2]'), [10, 30, true, 'b', 'v', 10, 30]);
  });

  it('supports += on numbers, strings and arrays', async () => {
    assert.deepEqual(await output('$n = 1; $n += 2; $n; $s = "a"; $s += "b"; $s; $a = @(); $a += "x"; $a += "y"; $a.Count'), [3, 'ab', 2]);
  });

  it('stores a single pipeline result as a scalar and several as an array', async () => {
    assert.deepEqual(await output('$one = Get-User alice; $one.Name; $many = Get-User; $many.Count'), ['Alice', 3]);
  });

  it('refuses to overwrite $true', async () => {
    const result = await runScript('$true = 1', new FakeHost());
    assert.equal(result.errors[0].message, 'Cannot overwrite variable true because it is read-only or constant.');
  });

  it('calls a few common string methods', async () => {
    assert.deepEqual(await output('"Sales".ToUpper(); " x ".Trim(); "a,b".Split(","); "abc".Contains("b"); "abc".Replace("b", "X")'), ['SALES', 'x', 'a', 'b', true, 'aXc']);
  });

  it('reports an unknown method', async () => {
    const result = await runScript('"x".Frobnicate()', new FakeHost());
    assert.equal(result.errors[0].message, "Method invocation failed because [System.String] does not contain a method named 'Frobnicate'.");
    assert.equal(result.errors[0].errorId, 'MethodNotFound');
  });
});

describe('comparison operators', () => {
  it('compares case-insensitively by default and case-sensitively with c-prefixed operators', async () => {
    assert.deepEqual(await output("'Sales' -eq 'sales'; 'Sales' -ceq 'sales'; 'Sales' -ne 'x'; 'a' -ieq 'A'"), [true, false, true, true]);
  });

  it('converts the right side to the left side type', async () => {
    assert.deepEqual(await output("1 -eq '1'; '1.0' -eq 1; 10 -gt '9'; '10' -gt '9'; $true -eq 'false'"), [true, false, true, false, true]);
  });

  it('orders with -gt -ge -lt -le', async () => {
    assert.deepEqual(await output('2 -gt 1; 2 -ge 2; 1 -lt 2; 3 -le 2; "a" -lt "B"'), [true, true, true, false, true]);
  });

  it('matches wildcards with -like/-notlike', async () => {
    assert.deepEqual(await output("'Sales Team' -like 'sales*'; 'abc' -like 'a?c'; 'abc' -like '[ab]bc'; 'abc' -notlike '*z*'"), [true, true, true, true]);
  });

  it('matches regular expressions with -match/-notmatch and fills $Matches', async () => {
    assert.deepEqual(await output("'user42' -match '(\\d+)'; $Matches[1]; 'abc' -notmatch 'z'"), [true, '42', true]);
  });

  it('tests membership with -contains, -notcontains, -in, -notin', async () => {
    assert.deepEqual(await output("$a = 'x','Y'; $a -contains 'y'; $a -notcontains 'z'; 'x' -in $a; 'q' -notin $a"), [true, true, true, true]);
  });

  it('filters when the left side is an array', async () => {
    assert.deepEqual(await output('$r = 1,2,3,2 -eq 2; $r.Count; (1,2,3 -gt 1).Count; ("ab","cd" -like "a*")'), [2, 2, 'ab']);
  });

  it('handles $null comparisons', async () => {
    assert.deepEqual(await output('$null -eq $null; $null -eq 0; 0 -eq $null'), [true, false, false]);
  });

  it('replaces, splits and joins', async () => {
    assert.deepEqual(await output("'a-b' -replace '-', '_'; ('a,b' -split ',').Count; (1,2 -join '+')"), ['a_b', 2, '1+2']);
  });
});

describe('logical and arithmetic operators', () => {
  it('evaluates -and, -or, -not, ! and -xor', async () => {
    assert.deepEqual(await output('$true -and $false; $true -or $false; -not $true; !$false; $true -xor $true'), [false, true, false, true, false]);
  });

  it('binds -not tighter than comparison, as PowerShell does', async () => {
    assert.deepEqual(await output('-not 1 -eq 2'), [false]);
  });

  it('short-circuits -and and -or', async () => {
    const host = new FakeHost();
    const result = await runScript('$false -and (Get-User); $true -or (Get-User)', host);
    assert.deepEqual(result.output, [false, true]);
    assert.deepEqual(host.invocations, []);
  });

  it('follows precedence and parentheses', async () => {
    assert.deepEqual(await output('1 + 2 * 3; (1 + 2) * 3; 7 % 3; 10 / 4; -5 + 2; 2 - -1'), [7, 9, 1, 2.5, -3, 3]);
  });

  it('adds strings, arrays and hashtables', async () => {
    assert.deepEqual(await output("'a' + 1; (1,2 + 3).Count; $h = @{a=1} + @{b=2}; $h.b; 'ab' * 2; '1' + 1; 1 + '1'"), ['a1', 3, 2, 'abab', '11', 2]);
  });

  it('reports division by zero at the expression', async () => {
    const result = await runScript('$x = 1\n$x / 0', new FakeHost());
    assert.equal(result.errors[0].message, 'Attempted to divide by zero.');
    assert.deepEqual(result.errors[0].position, { line: 2, column: 1, offset: 7 });
    assert.equal(result.errors[0].length, 6);
  });

  it('builds ranges', async () => {
    assert.deepEqual(await output('(1..3).Count; 3..1'), [3, 3, 2, 1]);
  });
});

describe('truthiness', () => {
  it('follows PowerShell rules', async () => {
    const cases = ["''", "'0'", "'False'", '0', '1', '$null', '@()', '@(0)', '@(0,0)', '@{}', '{ }'];
    const result = await output(cases.map((value) => `!!(${value})`).join('; '));
    assert.deepEqual(result, [false, true, true, false, true, false, false, false, true, true, true]);
  });
});

describe('sub-expressions and script blocks', () => {
  it('evaluates $( ) and @( ) with statements inside', async () => {
    assert.deepEqual(await output('$($a = 2; $a * 2); @(Get-User).Count; @(Get-User alice).Count'), [4, 3, 1]);
  });

  it('produces a script block value that prints as its body', async () => {
    const result = await output('$sb = { $_.Name }; $sb');
    assert.equal(String(result[0]), ' $_.Name ');
  });
});
