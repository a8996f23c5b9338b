// Tests for the shell's built-in pipeline commands: Format-List/Table, Select/Where/ForEach/Sort/Measure-Object, ConvertTo-Json, Write-*, Out-String.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScript } from '../../src/shell/index.ts';
import { FakeHost } from './fake-host.ts';

async function output(source: string): Promise<unknown[]> {
  const result = await runScript(source, new FakeHost());
  assert.deepEqual(result.errors.map((error) => error.message), []);
  return result.output;
}

async function text(source: string): Promise<string> {
  const values = await output(source);
  assert.equal(values.length, 1);
  assert.equal(typeof values[0], 'string');
  return values[0] as string;
}

describe('Format-List', () => {
  it('lists all properties by default, names padded to the longest', async () => {
    assert.equal(
      await text('Get-User alice | Format-List'),
      ['Identity   : alice', 'Name       : Alice', 'Department : Sales', 'Title      : Manager', 'Office     : Paris', 'MemberOf   : {Sales Team, Managers}'].join('\n'),
    );
  });

  it('takes a property list with wildcards, via the fl alias', async () => {
    assert.equal(await text('Get-User | fl Name, Dep*'), 'Name       : Alice\nDepartment : Sales\n\nName       : Bob\nDepartment : Engineering\n\nName       : Carol\nDepartment : sales');
  });

  it('accepts * for every property', async () => {
    assert.equal((await text('Get-User alice | fl *')).split('\n').length, 6);
  });
});

describe('Format-Table', () => {
  it('makes a table with header and dashes as long as each header', async () => {
    assert.equal(await text('Get-User | Format-Table Name, Office'), 'Name  Office\n----  ------\nAlice Paris\nBob   Berlin\nCarol Paris');
  });

  it('uses the display columns by default and accepts -AutoSize via ft', async () => {
    assert.equal(
      await text('New-RoleGroup -Name G -Roles a,b -Members x | ft -AutoSize'),
      'Name Roles  Members\n---- -----  -------\nG    {a, b} x',
    );
  });

  it('right-aligns numeric columns', async () => {
    assert.equal(await text('@{Name="a"; Size=5}, @{Name="bb"; Size=100} | ft Name, Size'), 'Name Size\n---- ----\na       5\nbb    100');
  });

  it('supports calculated columns', async () => {
    assert.equal(await text('Get-User alice | ft @{Label="Groups"; Expression={ $_.MemberOf.Count }}'), 'Groups\n------\n     2');
  });
});

describe('Select-Object', () => {
  it('selects properties into new objects, adding missing ones as $null', async () => {
    assert.deepEqual(await output('Get-User alice | Select-Object Name, Nope'), [{ Name: 'Alice', Nope: null }]);
  });

  it('expands wildcards and *', async () => {
    const [all] = (await output('Get-User bob | select *')) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(all), ['Identity', 'Name', 'Department', 'Title', 'Office', 'MemberOf']);
    assert.deepEqual(await output('Get-User bob | select *Name*, Off*'), [{ Name: 'Bob', Office: 'Berlin' }]);
  });

  it('takes -First, -Last and -Skip', async () => {
    assert.deepEqual(await output('1..5 | select -First 2'), [1, 2]);
    assert.deepEqual(await output('1..5 | select -Last 2'), [4, 5]);
    assert.deepEqual(await output('1..5 | select -Skip 3'), [4, 5]);
    assert.deepEqual(await output('1..5 | select -Skip 1 -First 2'), [2, 3]);
  });

  it('expands a property, unrolling arrays', async () => {
    assert.deepEqual(await output('Get-User | Select-Object -ExpandProperty MemberOf'), ['Sales Team', 'Managers', 'Sales Team']);
  });

  it('reports a missing property for -ExpandProperty', async () => {
    const result = await runScript('Get-User alice | select -ExpandProperty Nope', new FakeHost());
    assert.equal(result.errors[0].message, 'Property "Nope" cannot be found.');
  });

  it('removes duplicates with -Unique', async () => {
    assert.deepEqual(await output("'a','b','a' | select -Unique"), ['a', 'b']);
  });

  it('evaluates calculated properties', async () => {
    assert.deepEqual(await output('Get-User alice | select @{Name="Upper"; Expression={ $_.Name.ToUpper() }}, @{n="Dept"; e="Department"}'), [{ Upper: 'ALICE', Dept: 'Sales' }]);
  });
});

describe('Where-Object', () => {
  it('filters with a script block using $_ and $PSItem', async () => {
    assert.deepEqual(await output("Get-User | Where-Object { $_.Department -eq 'Sales' } | % Name"), ['Alice', 'Carol']);
    assert.deepEqual(await output("Get-User | where { $PSItem.Office -ne 'Paris' } | % Name"), ['Bob']);
  });

  it('supports the simplified syntax and the ? alias', async () => {
    assert.deepEqual(await output("Get-User | Where-Object Department -eq 'Sales' | % Name"), ['Alice', 'Carol']);
    assert.deepEqual(await output('Get-User | ? Name -like *o* | % Name'), ['Bob', 'Carol']);
    assert.deepEqual(await output("Get-User | ? MemberOf -contains 'Managers' | % Name"), ['Alice']);
    assert.deepEqual(await output('Get-User | ? Title -in Engineer, Manager | % Name'), ['Alice', 'Bob']);
  });

  it('filters on a property being truthy', async () => {
    assert.deepEqual(await output('Get-User | ? MemberOf | % Name'), ['Alice', 'Carol']);
  });
});

describe('ForEach-Object', () => {
  it('runs a script block per object', async () => {
    assert.deepEqual(await output('1,2,3 | ForEach-Object { $_ * 10 }'), [10, 20, 30]);
  });

  it('takes a member name with %', async () => {
    assert.deepEqual(await output('Get-User | % Name'), ['Alice', 'Bob', 'Carol']);
  });

  it('runs -Begin and -End once', async () => {
    assert.deepEqual(await output('1,2 | foreach -Begin { "b" } -Process { $_ } -End { "e" }'), ['b', 1, 2, 'e']);
  });

  it('keeps assignments made inside the block', async () => {
    assert.deepEqual(await output('$sum = 0; 1,2,3 | % { $sum += $_ }; $sum'), [6]);
  });
});

describe('Sort-Object', () => {
  it('sorts by a property, case-insensitively and stably', async () => {
    assert.deepEqual(await output('Get-User | Sort-Object Department | % Name'), ['Bob', 'Alice', 'Carol']);
  });

  it('sorts descending and by several properties', async () => {
    assert.deepEqual(await output('Get-User | sort Office, Name -Descending | % Name'), ['Carol', 'Alice', 'Bob']);
  });

  it('sorts plain values, numbers numerically', async () => {
    assert.deepEqual(await output('10, 9, 100 | sort'), [9, 10, 100]);
    assert.deepEqual(await output("'b','A','a' | sort -Unique"), ['A', 'b']);
  });
});

describe('Measure-Object', () => {
  it('counts objects', async () => {
    assert.deepEqual(await output('(Get-User | Measure-Object).Count'), [3]);
  });

  it('computes statistics of a property', async () => {
    const [measure] = (await output('@{n=1}, @{n=5}, @{n=3} | Measure-Object -Property n -Sum -Average -Maximum -Minimum')) as Record<string, unknown>[];
    assert.deepEqual(measure, { Count: 3, Average: 3, Sum: 9, Maximum: 5, Minimum: 1, Property: 'n' });
  });
});

describe('ConvertTo-Json', () => {
  it('does not wrap a single object in an array', async () => {
    assert.equal(await text('Get-User bob | ConvertTo-Json -Compress'), '{"Identity":"bob","Name":"Bob","Department":"Engineering","Title":"Engineer","Office":"Berlin","MemberOf":[]}');
  });

  it('makes an array of several objects', async () => {
    assert.equal(await text('1, "a", $true, $null | ConvertTo-Json -Compress'), '[1,"a",true,null]');
  });

  it('indents by default', async () => {
    assert.equal(await text('@{a=1; b=@("x")} | ConvertTo-Json'), '{\n  "a": 1,\n  "b": [\n    "x"\n  ]\n}');
  });

  it('converts objects deeper than -Depth (default 2) to strings', async () => {
    assert.equal(await text('@{a=@{b=@{c=@{d=1}}}} | ConvertTo-Json -Compress'), '{"a":{"b":{"c":"@{d=1}"}}}');
    assert.equal(await text('@{a=@{b=@{c=@{d=1}}}} | ConvertTo-Json -Compress -Depth 5'), '{"a":{"b":{"c":{"d":1}}}}');
  });

  it('takes -InputObject', async () => {
    assert.equal(await text('ConvertTo-Json -InputObject @(1) -Compress'), '[1]');
  });
});

describe('Write-Output, Write-Host, Out-String', () => {
  it('writes each argument with Write-Output and echo', async () => {
    assert.deepEqual(await output('Write-Output a b; echo 1,2'), ['a', 'b', 1, 2]);
  });

  it('writes Write-Host text to output but not down the pipeline', async () => {
    assert.deepEqual(await output('Write-Host hello world | ForEach-Object { "piped" }'), ['hello world']);
    assert.deepEqual(await output('Write-Host a b -Separator ","'), ['a,b']);
  });

  it('renders objects to one string with Out-String', async () => {
    assert.equal(await text('Get-User | select Name | Out-String'), 'Name\n----\nAlice\nBob\nCarol');
  });

  it('discards input with Out-Null', async () => {
    assert.deepEqual(await output('Get-User | Out-Null'), []);
  });
});
