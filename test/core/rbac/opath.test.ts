// Tests for the OPATH recipient-filter parser, formatter and compiler.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DeputyError, positionAt } from '../../../src/core/errors.ts';
import {
  recipientAttributeNames,
  recipientTypeOf,
  type Recipient,
  type RecipientTypeDetails,
} from '../../../src/core/directory/recipient.ts';
import {
  compileRecipientFilter,
  formatRecipientFilter,
  parseRecipientFilter,
  recipientFilterProperties,
  type ComparisonOperator,
  type FilterNode,
  type FilterSubject,
  type FilterValue,
} from '../../../src/core/rbac/opath/index.ts';

// ---------------------------------------------------------------------------------------------
// Helpers

function makeRecipient(overrides: Partial<Recipient> = {}): Recipient {
  return {
    guid: '11111111-1111-4111-8111-111111111111',
    sid: 'S-1-5-21-1-2-3-1001',
    typeDetails: 'UserMailbox',
    name: 'alice',
    alias: 'alice',
    displayName: 'Alice Smith',
    distinguishedName: 'CN=alice,OU=Users,DC=contoso,DC=com',
    userPrincipalName: 'alice@contoso.com',
    primarySmtpAddress: 'alice@contoso.com',
    emailAddresses: ['SMTP:alice@contoso.com', 'smtp:a.smith@contoso.com', 'X500:/o=Contoso/cn=alice'],
    attributes: {},
    hiddenFromAddressLists: false,
    accountDisabled: false,
    managedBy: [],
    isBuiltIn: false,
    whenCreated: '2024-01-01T00:00:00.000Z',
    whenChanged: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const GROUPS: ReadonlyMap<string, string> = new Map([
  ['cn=sales,ou=groups,dc=contoso,dc=com', 'aaaaaaaa-0000-4000-8000-000000000001'],
  ['sales', 'aaaaaaaa-0000-4000-8000-000000000001'],
  ['sales@contoso.com', 'aaaaaaaa-0000-4000-8000-000000000001'],
  ['admins', 'aaaaaaaa-0000-4000-8000-000000000002'],
  ['aaaaaaaa-0000-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-000000000003'],
]);
const resolveGroup = (identity: string): string | undefined => GROUPS.get(identity.toLowerCase());
const SALES_GUID = 'aaaaaaaa-0000-4000-8000-000000000001';
const ADMINS_GUID = 'aaaaaaaa-0000-4000-8000-000000000002';

function evaluate(filter: string, recipient: Recipient, memberOf: readonly string[] = []): boolean {
  const predicate = compileRecipientFilter(parseRecipientFilter(filter), resolveGroup);
  return predicate({ recipient, memberOf: new Set(memberOf) });
}

const HELP = '. For a description of the filter parameter syntax see the command help.';

/** Asserts that parsing `text` fails at 1-based `position` with exactly `reason` (or a reason matching it). */
function assertFilterError(text: string, position: number, reason: string | RegExp): void {
  let error: unknown;
  try {
    parseRecipientFilter(text);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof DeputyError, `expected a DeputyError for ${JSON.stringify(text)}, got ${String(error)}`);
  assert.equal(error.code, 'InvalidFilter');
  const prefix = `Invalid filter syntax at position ${position}: `;
  assert.ok(error.message.startsWith(prefix), `message ${JSON.stringify(error.message)} should start with ${JSON.stringify(prefix)}`);
  assert.ok(error.message.endsWith(HELP), error.message);
  const actualReason = error.message.slice(prefix.length, -HELP.length);
  if (typeof reason === 'string') assert.equal(actualReason, reason);
  else assert.match(actualReason, reason);
  assert.equal(error.details.filter, text);
  assert.equal(error.details.position, position - 1);
  assert.deepEqual(error.position, positionAt(text, position - 1));
}

// ---------------------------------------------------------------------------------------------
// Parsing and canonical formatting

describe('parseRecipientFilter / formatRecipientFilter', () => {
  const table: ReadonlyArray<readonly [string, string]> = [
    // Quoting forms and braces.
    [`Department -eq 'Sales'`, `(Department -eq 'Sales')`],
    [`Department -eq "Sales"`, `(Department -eq 'Sales')`],
    [`{Department -eq "Sales"}`, `(Department -eq 'Sales')`],
    [`  {  department -EQ 'Sales' }  `, `(Department -eq 'Sales')`],
    [`Department -eq \u2018Sales\u2019`, `(Department -eq 'Sales')`],
    [`Department -eq \u201cSales\u201d`, `(Department -eq 'Sales')`],
    [`Department -eq 'O''Neil'`, `(Department -eq 'O''Neil')`],
    [`Department -eq "O""Neil"`, `(Department -eq 'O"Neil')`],
    ['Department -eq "O`"Neil"', `(Department -eq 'O"Neil')`],
    [`Department -eq "it's"`, `(Department -eq 'it''s')`],
    [`Department -eq \u201cit\u2019s\u201d`, `(Department -eq 'it\u2019\u2019s')`],
    ['Department -eq \'a`b\'', "(Department -eq 'a`b')"],
    ['Department -eq "a``b"', "(Department -eq 'a`b')"],
    ['Department -eq "a`tb"', "(Department -eq 'a\tb')"],
    [`Department -eq ''`, `(Department -eq '')`],
    // Integers, booleans, $null.
    [`CustomAttribute1 -eq 012332`, `(CustomAttribute1 -eq 012332)`],
    [`CustomAttribute1 -gt -5`, `(CustomAttribute1 -gt -5)`],
    [`HiddenFromAddressListsEnabled -eq $TRUE`, `(HiddenFromAddressListsEnabled -eq $true)`],
    [`HiddenFromAddressListsEnabled -ne $False`, `(HiddenFromAddressListsEnabled -ne $false)`],
    [`Department -eq $null`, `(Department -eq $null)`],
    [`Department -ne $NULL`, `(Department -ne $null)`],
    // Every comparison operator.
    [`Title -ne 'VP'`, `(Title -ne 'VP')`],
    [`CustomAttribute2 -lt 10`, `(CustomAttribute2 -lt 10)`],
    [`CustomAttribute2 -gt '10'`, `(CustomAttribute2 -gt '10')`],
    [`CustomAttribute2 -le 'm'`, `(CustomAttribute2 -le 'm')`],
    [`CustomAttribute2 -ge 'm'`, `(CustomAttribute2 -ge 'm')`],
    [`Title -like 'VP*'`, `(Title -like 'VP*')`],
    [`Title -NotLike 'VP*'`, `(Title -notlike 'VP*')`],
    [`Title -like '*'`, `(Title -like '*')`],
    [`Title -eq 'VP*'`, `(Title -eq 'VP*')`],
    [`Title -lt 'a*b'`, `(Title -lt 'a*b')`],
    // Logical operators and grouping.
    [`-not (Department -eq 'Sales')`, `(-not (Department -eq 'Sales'))`],
    [`-NOT Department -eq 'Sales' -and Title -eq 'x'`, `((-not (Department -eq 'Sales')) -and (Title -eq 'x'))`],
    [`-not -not Department -eq 'Sales'`, `(-not (-not (Department -eq 'Sales')))`],
    [
      `Department -eq 'a' -and Title -eq 'b' -AND City -eq 'c'`,
      `((Department -eq 'a') -and (Title -eq 'b') -and (City -eq 'c'))`,
    ],
    [`Department -eq 'a' -or Title -eq 'b' -or City -eq 'c'`, `((Department -eq 'a') -or (Title -eq 'b') -or (City -eq 'c'))`],
    [`(Department -eq 'a' -and Title -eq 'b') -or City -eq 'c'`, `(((Department -eq 'a') -and (Title -eq 'b')) -or (City -eq 'c'))`],
    [`Department -eq 'a' -and (Title -eq 'b' -or City -eq 'c')`, `((Department -eq 'a') -and ((Title -eq 'b') -or (City -eq 'c')))`],
    [`(((Department -eq 'Sales')))`, `(Department -eq 'Sales')`],
    [`(Department -eq'Sales')-and(Title -eq'VP')`, `((Department -eq 'Sales') -and (Title -eq 'VP'))`],
    ["Department -eq 'Sales'\n  -and\r\n\tTitle -eq 'VP'", `((Department -eq 'Sales') -and (Title -eq 'VP'))`],
    // The reference's example, with its leading wildcard adapted to a suffix one.
    [
      `{((City -eq "Vancouver") -and (Department -eq "Sales")) -or (Title -like "VP*")}`,
      `(((City -eq 'Vancouver') -and (Department -eq 'Sales')) -or (Title -like 'VP*'))`,
    ],
    [`RecipientType -eq 'UserMailbox'`, `(RecipientType -eq 'UserMailbox')`],
    [
      `MemberOfGroup -eq 'CN=mesga2022,OU=Fabrikam346.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=NAMPR00A001,DC=prod,DC=outlook,DC=com'`,
      `(MemberOfGroup -eq 'CN=mesga2022,OU=Fabrikam346.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=NAMPR00A001,DC=prod,DC=outlook,DC=com')`,
    ],
    // Case-insensitive property names, the C alias, typographic dashes.
    [`c -eq 'FR'`, `(C -eq 'FR')`],
    [`primarysmtpaddress -eq 'a@b.c'`, `(PrimarySmtpAddress -eq 'a@b.c')`],
    [`Department \u2013eq 'Sales' \u2014and Title \u2015eq 'VP'`, `((Department -eq 'Sales') -and (Title -eq 'VP'))`],
  ];
  for (const [input, canonical] of table) {
    it(`${JSON.stringify(input)} → ${canonical}`, () => {
      const formatted = formatRecipientFilter(parseRecipientFilter(input));
      assert.equal(formatted, canonical);
      assert.equal(formatRecipientFilter(parseRecipientFilter(formatted)), canonical, 'formatting is a fixpoint');
    });
  }

  it('builds the expected tree', () => {
    assert.deepEqual(parseRecipientFilter(`{Department -eq "Sales" -and -not Title -like 'VP*'}`), {
      type: 'and',
      operands: [
        { type: 'comparison', property: 'Department', operator: 'eq', value: { kind: 'string', value: 'Sales' } },
        {
          type: 'not',
          operand: { type: 'comparison', property: 'Title', operator: 'like', value: { kind: 'string', value: 'VP*' } },
        },
      ],
    });
    assert.deepEqual(parseRecipientFilter('CustomAttribute1 -eq 012332'), {
      type: 'comparison',
      property: 'CustomAttribute1',
      operator: 'eq',
      value: { kind: 'integer', text: '012332' },
    });
  });

  it('accepts 64 levels of parentheses and of -not', () => {
    const parens = `${'('.repeat(64)}Department -eq 'x'${')'.repeat(64)}`;
    assert.equal(formatRecipientFilter(parseRecipientFilter(parens)), `(Department -eq 'x')`);
    const nots = `${'-not '.repeat(63)}Department -eq 'x'`;
    const formatted = formatRecipientFilter(parseRecipientFilter(nots));
    assert.equal(formatRecipientFilter(parseRecipientFilter(formatted)), formatted);
  });

  it('accepts a filter of exactly the maximum length', () => {
    const base = `Department -eq ''`;
    const text = `Department -eq '${'x'.repeat(4096 - base.length)}'`;
    assert.equal(text.length, 4096);
    assert.doesNotThrow(() => parseRecipientFilter(text));
  });
});

// ---------------------------------------------------------------------------------------------
// Errors

describe('parse errors', () => {
  const VALID_OPERATORS = '-eq, -ne, -lt, -gt, -le, -ge, -like, -notlike, -and, -or and -not';
  const WILDCARD = "only suffix wildcards are supported, as in 'Sales*'; a leading or inner '*' cannot be used";
  const table: ReadonlyArray<readonly [string, number, string | RegExp]> = [
    ['', 1, 'the filter is empty'],
    ['   \n ', 1, 'the filter is empty'],
    ['{ }', 1, 'the filter is empty'],
    [`{Department -eq 'Sales'`, 24, "missing closing '}' for the '{' at position 1"],
    [`{Department -eq 'x'} -and {Title -eq 'y'}`, 20, "unexpected '}' (braces may only enclose the whole filter)"],
    [`Department -eq {x}`, 16, "unexpected '{' (braces may only enclose the whole filter)"],
    [`Department -eq Sales`, 16, "the value Sales must be enclosed in quotes, as in 'Sales'"],
    [`Department -eq 12abc`, 16, "the value 12abc must be enclosed in quotes, as in '12abc'"],
    [`Departmnt -eq 'Sales'`, 1, "unknown property 'Departmnt' (did you mean 'Department'?)"],
    [`(City -eq 'x') -and titel -eq 'VP'`, 21, "unknown property 'titel' (did you mean 'Title'?)"],
    [`Foo -eq 'x'`, 1, "unknown property 'Foo'"],
    [`CustomAttribute16 -eq 'x'`, 1, "unknown property 'CustomAttribute16' (custom attributes are CustomAttribute1 to CustomAttribute15)"],
    [`Department 'Sales'`, 12, "expected a comparison operator such as -eq after 'Department' but found the string 'Sales'"],
    [`Department`, 11, "expected a comparison operator such as -eq after 'Department' but reached the end of the filter"],
    [`Department -and Title -eq 'x'`, 12, "expected a comparison operator such as -eq after 'Department' but found '-and'"],
    [`Department == 'x'`, 12, "expected a comparison operator such as -eq after 'Department' but found '==' (OPATH writes -eq, not '==')"],
    [`Department -eq`, 15, "expected a value after '-eq' but reached the end of the filter"],
    [`(Department -eq )`, 17, "expected a value after '-eq' but found ')'"],
    [`Department -eq -or`, 16, "expected a value after '-eq' but found '-or'"],
    [`Department -ceq 'x'`, 12, `unknown operator '-ceq'; the valid operators are ${VALID_OPERATORS}`],
    [`Department -match 'x'`, 12, `unknown operator '-match'; the valid operators are ${VALID_OPERATORS}`],
    [`Department - 'x'`, 12, "'-' must be followed by an operator name such as -eq"],
    [`Department -eq 'Sales`, 22, 'unterminated string starting at position 16: the closing quote is missing'],
    [`Department -eq "Sales`, 22, 'unterminated string starting at position 16: the closing quote is missing'],
    ['Department -eq "Sales`"', 24, 'unterminated string starting at position 16: the closing quote is missing'],
    [`{Department -eq 'Sales}`, 23, 'unterminated string starting at position 17: the closing quote is missing'],
    [`Department -eq \u2018Sales`, 22, 'unterminated string starting at position 16: the closing quote is missing'],
    [`(Department -eq 'Sales'))`, 25, "unexpected ')' (there is no '(' to close)"],
    [`)`, 1, "expected a property name such as Department but found ')'"],
    [`(Department -eq 'Sales'`, 24, "missing ')' to close the '(' at position 1"],
    [`()`, 2, "empty parentheses '()': expected a comparison inside"],
    [
      `Department -eq 'a' -and Title -eq 'b' -or City -eq 'c'`,
      39,
      "-or cannot follow -and at the same level without parentheses; add parentheses to show which goes first, as in '(A -and B) -or C' or 'A -and (B -or C)'",
    ],
    [`(Department -eq 'a' -or Title -eq 'b' -and City -eq 'c')`, 39, /^-and cannot follow -or at the same level without parentheses; add parentheses/],
    [`Title -like '*Manager*'`, 14, WILDCARD],
    [`Title -like 'Man*ager'`, 17, WILDCARD],
    [`Title -like "Man""*ager*"`, 19, WILDCARD],
    [`Title -eq '*VP'`, 12, WILDCARD],
    [`Title -notlike '**'`, 17, WILDCARD],
    [`Title -like 'VP'`, 13, "-like needs a quoted value ending in '*', such as 'Sales*'; use -eq to compare a whole value"],
    [`Title -notlike 5`, 16, "-notlike needs a quoted value ending in '*', such as 'Sales*'; use -ne to compare a whole value"],
    [`MemberOfGroup -like 'x*'`, 15, 'MemberOfGroup supports only -eq and -ne, not -like'],
    [`MemberOfGroup -eq $null`, 19, "MemberOfGroup needs a quoted group identity, such as the group's distinguished name"],
    [`MemberOfGroup -eq 'Sales*'`, 19, "MemberOfGroup does not accept wildcards; give the group's distinguished name or another identity"],
    [`HiddenFromAddressListsEnabled -eq 'true'`, 35, 'HiddenFromAddressListsEnabled must be compared with $true or $false'],
    [`HiddenFromAddressListsEnabled -gt $true`, 31, 'HiddenFromAddressListsEnabled supports only -eq and -ne, not -gt'],
    [`Department -eq $true`, 16, '$true can only be compared with HiddenFromAddressListsEnabled; Department is a text property'],
    [`Department -lt $null`, 16, '$null can only be used with -eq or -ne (to test for a blank value), not with -lt'],
    [`Department -like $null`, 18, '$null can only be used with -eq or -ne (to test for a blank value), not with -like'],
    [`Department -eq $foo`, 16, "variables such as '$foo' cannot be used in a filter; only $true, $false and $null are allowed"],
    [`-not`, 5, "expected a comparison or '(' after '-not' but reached the end of the filter"],
    [`-not -and`, 6, "expected a comparison or '(' after '-not' but found '-and'"],
    [`Department -eq 'x' -and`, 24, 'expected a property name such as Department but reached the end of the filter'],
    [`Department -eq 'x' Title -eq 'y'`, 20, "expected -and, -or or the end of the filter but found 'Title'"],
    [`(Department -eq 'x' Title -eq 'y')`, 21, "expected -and, -or or ')' but found 'Title'"],
    [`"Department -eq 'Sales'"`, 1, 'expected a property name but found a quoted string; the whole filter seems to be quoted twice, remove one pair of quotes'],
    [`'Department' -eq 'Sales'`, 1, "expected a property name such as Department but found the string 'Department'"],
    ['x'.repeat(4097), 4097, 'the filter is longer than the maximum of 4096 characters'],
    [`${'('.repeat(65)}Department -eq 'x'${')'.repeat(65)}`, 65, 'the filter is nested too deeply (more than 64 levels)'],
    [`${'-not '.repeat(64)}Department -eq 'x'`, 1, 'the filter is nested too deeply (more than 64 levels)'],
  ];
  for (const [text, position, reason] of table) {
    it(`${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)} fails at ${position}`, () => {
      assertFilterError(text, position, reason);
    });
  }

  it('reports line and column for multi-line filters', () => {
    const text = "Department -eq 'x'\n-and Titl -eq 'y'";
    assertFilterError(text, 25, "unknown property 'Titl' (did you mean 'Title'?)");
    try {
      parseRecipientFilter(text);
    } catch (e) {
      assert.ok(e instanceof DeputyError);
      assert.deepEqual(e.position, { line: 2, column: 6, offset: 24 });
    }
  });

  it('rejects an -and/-or tree nested deeper than 64 levels', () => {
    // Alternating groups: each level adds one node and one pair of parentheses.
    let text = `Department -eq 'x'`;
    for (let i = 0; i < 63; i++) text = `(${text}) -${i % 2 === 0 ? 'and' : 'or'} Title -eq 'y'`;
    assert.doesNotThrow(() => parseRecipientFilter(text));
    assertFilterError(`(${text}) -and City -eq 'z'`, 1, 'the filter is nested too deeply (more than 64 levels)');
  });
});

// ---------------------------------------------------------------------------------------------
// Evaluation

describe('compileRecipientFilter semantics', () => {
  const sales = makeRecipient({
    attributes: { Department: 'Sales', Title: 'VP of Sales', City: 'Vancouver', CustomAttribute1: '012332', CustomAttribute2: '10', CountryOrRegion: 'FR' },
  });
  const blank = makeRecipient({ attributes: { Department: '' }, primarySmtpAddress: '', emailAddresses: [] });
  const hidden = makeRecipient({ hiddenFromAddressLists: true, typeDetails: 'SharedMailbox', attributes: { CustomAttribute2: '9', Title: "O'Neil" } });

  const table: ReadonlyArray<readonly [string, Recipient, boolean]> = [
    // -eq / -ne: case-insensitive.
    [`Department -eq 'Sales'`, sales, true],
    [`Department -eq 'SALES'`, sales, true],
    [`Department -eq 'Sale'`, sales, false],
    [`Department -ne 'sales'`, sales, false],
    [`Department -ne 'Marketing'`, sales, true],
    [`Department -ne 'Marketing'`, blank, true],
    [`Department -eq 'Sales'`, blank, false],
    [`Title -eq "O'Neil"`, hidden, true],
    [`Title -eq 'o''neil'`, hidden, true],
    [`CustomAttribute1 -eq 012332`, sales, true],
    [`CustomAttribute1 -eq 12332`, sales, false],
    // $null and '' test for blank values (missing or empty).
    [`Department -eq $null`, blank, true],
    [`Department -eq $null`, sales, false],
    [`Office -eq $null`, sales, true],
    [`Office -ne $null`, sales, false],
    [`Department -ne $null`, sales, true],
    [`Department -eq ''`, blank, true],
    [`Department -ne ''`, sales, true],
    // -like / -notlike and -eq with a wildcard.
    [`Title -like 'VP*'`, sales, true],
    [`Title -like 'vp of*'`, sales, true],
    [`Title -like 'Sales*'`, sales, false],
    [`Title -notlike 'VP*'`, sales, false],
    [`Title -notlike 'VP*'`, blank, true],
    [`Title -eq 'vp*'`, sales, true],
    [`Title -ne 'vp*'`, sales, false],
    [`Title -like '*'`, sales, true],
    [`Title -like '*'`, blank, false],
    [`Title -notlike '*'`, blank, true],
    // Ordering: numeric when both sides are integers, else case-insensitive ordinal.
    [`CustomAttribute2 -gt 9`, sales, true],
    [`CustomAttribute2 -gt '9'`, sales, true],
    [`CustomAttribute2 -lt 9`, hidden, false],
    [`CustomAttribute2 -le 9`, hidden, true],
    [`CustomAttribute2 -ge 10`, hidden, false],
    [`CustomAttribute2 -ge 10`, sales, true],
    [`Department -lt 'T'`, sales, true],
    [`Department -lt 't'`, sales, true],
    [`Department -gt 'SALES'`, sales, false],
    [`Department -ge 'SALES'`, sales, true],
    [`Department -le 'sales'`, sales, true],
    [`Department -gt 'A'`, blank, false],
    [`Department -lt 'Z'`, blank, false],
    [`CustomAttribute2 -lt 'a'`, sales, true],
    // Logical operators.
    [`Department -eq 'Sales' -and Title -like 'VP*'`, sales, true],
    [`Department -eq 'Sales' -and Title -like 'CEO*'`, sales, false],
    [`Department -eq 'HR' -or Title -like 'VP*'`, sales, true],
    [`Department -eq 'HR' -or Title -like 'CEO*'`, sales, false],
    [`-not Department -eq 'Sales'`, sales, false],
    [`-not (Department -eq 'HR' -or City -eq 'Paris')`, sales, true],
    [`{((City -eq "Vancouver") -and (Department -eq "Sales")) -or (Title -like "VP*")}`, sales, true],
    [`{((City -eq "Vancouver") -and (Department -eq "Sales")) -or (Title -like "VP*")}`, hidden, false],
    [`Department -eq 'a' -or Department -eq 'b' -or Department -eq 'c' -or Department -eq 'sales'`, sales, true],
    [`Department -eq 'Sales' -and City -eq 'Vancouver' -and C -eq 'fr' -and CountryOrRegion -eq 'FR'`, sales, true],
    // Identity and address properties.
    [`Name -eq 'ALICE'`, sales, true],
    [`Alias -eq 'alice'`, sales, true],
    [`DisplayName -like 'alice*'`, sales, true],
    [`DistinguishedName -eq 'cn=alice,ou=users,dc=contoso,dc=com'`, sales, true],
    [`Guid -eq '11111111-1111-4111-8111-111111111111'`, sales, true],
    [`ExternalDirectoryObjectId -eq '11111111-1111-4111-8111-111111111111'`, sales, true],
    [`UserPrincipalName -eq 'Alice@Contoso.com'`, sales, true],
    [`WindowsEmailAddress -eq 'alice@contoso.com'`, sales, true],
    [`WindowsEmailAddress -eq 'a.smith@contoso.com'`, sales, false],
    [`PrimarySmtpAddress -eq 'alice@contoso.com'`, sales, true],
    [`PrimarySmtpAddress -eq 'a.smith@contoso.com'`, sales, true],
    [`PrimarySmtpAddress -eq 'smtp:a.smith@contoso.com'`, sales, true],
    [`PrimarySmtpAddress -ne 'a.smith@contoso.com'`, sales, false],
    [`PrimarySmtpAddress -eq 'bob@contoso.com'`, sales, false],
    [`PrimarySmtpAddress -eq $null`, blank, true],
    [`PrimarySmtpAddress -ne $null`, sales, true],
    [`EmailAddresses -eq 'A.Smith@contoso.com'`, sales, true],
    [`EmailAddresses -eq 'SMTP:a.smith@contoso.com'`, sales, true],
    [`EmailAddresses -eq 'X500:/o=Contoso/cn=alice'`, sales, true],
    [`EmailAddresses -eq '/o=Contoso/cn=alice'`, sales, false],
    [`EmailAddresses -like 'a.smith@*'`, sales, true],
    [`EmailAddresses -like 'smtp:a.smith@*'`, sales, true],
    [`EmailAddresses -like 'x500:*'`, sales, true],
    [`EmailAddresses -notlike 'bob@*'`, sales, true],
    [`EmailAddresses -eq $null`, blank, true],
    [`EmailAddresses -eq $null`, sales, false],
    // Types and flags.
    [`RecipientTypeDetails -eq 'SharedMailbox'`, hidden, true],
    [`RecipientType -eq 'UserMailbox'`, hidden, true],
    [`RecipientType -eq 'SharedMailbox'`, hidden, false],
    [`RecipientTypeDetails -like 'user*'`, sales, true],
    [`HiddenFromAddressListsEnabled -eq $true`, hidden, true],
    [`HiddenFromAddressListsEnabled -eq $true`, sales, false],
    [`HiddenFromAddressListsEnabled -ne $true`, sales, true],
    [`HiddenFromAddressListsEnabled -eq $false`, sales, true],
    // Non-ASCII values compare case-insensitively too.
    [`City -eq 'ISTANBUL'`, makeRecipient({ attributes: { City: 'istanbul' } }), true],
    [`City -eq 'straße'`, makeRecipient({ attributes: { City: 'STRAßE' } }), true],
    [`City -like 'zü*'`, makeRecipient({ attributes: { City: 'Zürich' } }), true],
    [`City -lt 'zz'`, makeRecipient({ attributes: { City: 'Zürich' } }), false],
  ];
  for (const [filter, recipient, expected] of table) {
    const who = recipient === sales ? 'sales' : recipient === blank ? 'blank' : recipient === hidden ? 'hidden' : JSON.stringify(recipient.attributes);
    it(`${filter} on ${who} is ${expected}`, () => {
      assert.equal(evaluate(filter, recipient), expected);
    });
  }

  it('MemberOfGroup resolves any group identity at compile time and tests direct membership', () => {
    const r = makeRecipient();
    const dn = `MemberOfGroup -eq 'CN=Sales,OU=Groups,DC=contoso,DC=com'`;
    assert.equal(evaluate(dn, r, [SALES_GUID]), true);
    assert.equal(evaluate(dn, r, [ADMINS_GUID]), false);
    assert.equal(evaluate(dn, r, []), false);
    assert.equal(evaluate(`MemberOfGroup -eq 'sales@contoso.com'`, r, [SALES_GUID]), true);
    assert.equal(evaluate(`MemberOfGroup -eq 'Sales'`, r, [SALES_GUID]), true);
    assert.equal(evaluate(`MemberOfGroup -eq 'aaaaaaaa-0000-4000-8000-000000000003'`, r, ['aaaaaaaa-0000-4000-8000-000000000003']), true);
    assert.equal(evaluate(`MemberOfGroup -ne 'Admins'`, r, [SALES_GUID]), true);
    assert.equal(evaluate(`MemberOfGroup -ne 'Admins'`, r, [ADMINS_GUID]), false);
    assert.equal(evaluate(`MemberOfGroup -eq 'Sales' -and -not MemberOfGroup -eq 'Admins'`, r, [SALES_GUID, ADMINS_GUID]), false);

    const asked: string[] = [];
    compileRecipientFilter(parseRecipientFilter(`(MemberOfGroup -eq "Sales") -or (MemberOfGroup -eq 'Admins')`), (id) => {
      asked.push(id);
      return resolveGroup(id);
    });
    assert.deepEqual(asked, ['Sales', 'Admins']);
  });

  it('an unknown MemberOfGroup group fails to compile, naming the group', () => {
    const node = parseRecipientFilter(`Department -eq 'x' -or MemberOfGroup -eq 'CN=Nope,DC=contoso,DC=com'`);
    assert.throws(
      () => compileRecipientFilter(node, resolveGroup),
      (e: unknown) =>
        e instanceof DeputyError &&
        e.code === 'InvalidFilter' &&
        e.message.includes("'CN=Nope,DC=contoso,DC=com'") &&
        e.details.group === 'CN=Nope,DC=contoso,DC=com',
    );
  });

  it('rejects hand-built trees that the parser would reject', () => {
    const cases: FilterNode[] = [
      { type: 'comparison', property: 'Departmnt', operator: 'eq', value: { kind: 'string', value: 'x' } },
      { type: 'comparison', property: 'Title', operator: 'like', value: { kind: 'string', value: '*VP' } },
      { type: 'comparison', property: 'Title', operator: 'like', value: { kind: 'string', value: 'VP' } },
      { type: 'comparison', property: 'Title', operator: 'gt', value: { kind: 'null' } },
      { type: 'comparison', property: 'HiddenFromAddressListsEnabled', operator: 'eq', value: { kind: 'string', value: 'x' } },
      { type: 'and', operands: [] },
    ];
    for (const node of cases) {
      assert.throws(
        () => compileRecipientFilter(node, resolveGroup),
        (e: unknown) => e instanceof DeputyError && e.code === 'InvalidFilter',
        JSON.stringify(node),
      );
    }
  });

  it('property names in hand-built trees are case-insensitive', () => {
    const node: FilterNode = { type: 'comparison', property: 'department', operator: 'eq', value: { kind: 'string', value: 'sales' } };
    assert.equal(formatRecipientFilter(node), `(Department -eq 'sales')`);
    const predicate = compileRecipientFilter(node, resolveGroup);
    assert.equal(predicate({ recipient: sales, memberOf: new Set() }), true);
  });

  it('evaluates quickly', () => {
    const predicate = compileRecipientFilter(
      parseRecipientFilter(
        `((Department -eq 'Sales') -and (Title -like 'VP*')) -or (PrimarySmtpAddress -eq 'bob@contoso.com') -or (MemberOfGroup -eq 'Admins')`,
      ),
      resolveGroup,
    );
    const subjects: FilterSubject[] = [
      { recipient: sales, memberOf: new Set() },
      { recipient: blank, memberOf: new Set([SALES_GUID]) },
      { recipient: hidden, memberOf: new Set([ADMINS_GUID]) },
    ];
    const n = 300_000;
    let hits = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (predicate(subjects[i % 3])) hits++;
    const nsPerCall = Number(process.hrtime.bigint() - start) / n;
    assert.equal(hits, 200_000);
    assert.ok(nsPerCall < 2000, `${nsPerCall.toFixed(0)} ns per evaluation`);
  });
});

describe('recipientFilterProperties', () => {
  it('lists the documented properties in canonical casing', () => {
    for (const name of [
      'Name', 'Alias', 'DisplayName', 'DistinguishedName', 'Guid', 'ExternalDirectoryObjectId', 'UserPrincipalName',
      'PrimarySmtpAddress', 'EmailAddresses', 'WindowsEmailAddress', 'RecipientType', 'RecipientTypeDetails',
      'MemberOfGroup', 'HiddenFromAddressListsEnabled', 'C', ...recipientAttributeNames,
    ]) {
      assert.ok(recipientFilterProperties.includes(name), name);
    }
    assert.equal(new Set(recipientFilterProperties.map((p) => p.toLowerCase())).size, recipientFilterProperties.length);
  });

  it('accepts every listed property', () => {
    for (const name of recipientFilterProperties) {
      const filter =
        name === 'HiddenFromAddressListsEnabled' ? `${name} -eq $true` : name === 'MemberOfGroup' ? `${name} -eq 'Sales'` : `${name} -eq 'x'`;
      assert.equal(formatRecipientFilter(parseRecipientFilter(filter.toUpperCase().replace('$TRUE', '$true'))), `(${filter.replace(/'Sales'/, "'SALES'").replace(/'x'/, "'X'")})`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests

/** Properties of the random trees, and a straightforward reading of each for the reference evaluator. */
const TEXT_PROPERTIES: ReadonlyArray<readonly [string, (r: Recipient) => string]> = [
  ['Name', (r) => r.name],
  ['Alias', (r) => r.alias],
  ['DisplayName', (r) => r.displayName],
  ['DistinguishedName', (r) => r.distinguishedName],
  ['Guid', (r) => r.guid],
  ['ExternalDirectoryObjectId', (r) => r.guid],
  ['UserPrincipalName', (r) => r.userPrincipalName],
  ['WindowsEmailAddress', (r) => r.primarySmtpAddress],
  ['RecipientType', (r) => recipientTypeOf[r.typeDetails]],
  ['RecipientTypeDetails', (r) => r.typeDetails],
  ['C', (r) => r.attributes.CountryOrRegion ?? ''],
  ...recipientAttributeNames.map((n): readonly [string, (r: Recipient) => string] => [n, (r) => r.attributes[n] ?? '']),
];
const textGetter = new Map(TEXT_PROPERTIES);

const POOL = [
  'Sales', 'sales', 'SALES', 'Sal', 'Marketing', '', '10', '9', '-3', '010', '0', 'VP', 'VP Sales', 'vp sales', "O'Neil",
  'o\u2019neil', 'a"b', 'İstanbul', 'istanbul', '\u212a', 'k', 'Straße', 'ΣΑΣ', 'σας', 'Zürich', 'user', 'UserMailbox',
  'SharedMailbox', 'alice@contoso.com', 'ALICE@contoso.com', 'smtp:', 'a`b', 'x y', '\t',
];
const ADDRESSES = [
  'SMTP:alice@contoso.com', 'smtp:alice@contoso.com', 'smtp:Sales@contoso.com', 'smtp:', 'X500:/o=a/cn=b', 'x500:sales',
  'SIP:alice@contoso.com', 'sales@contoso.com', 'SMTP:10', '', 'smtp:İstanbul',
];
const GROUP_IDS = ['Sales', 'CN=Sales,OU=Groups,DC=contoso,DC=com', 'Admins'];
const TYPES = Object.keys(recipientTypeOf) as RecipientTypeDetails[];

const textArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...POOL) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4, unit: 'binary' }) },
);
const valueTextArb = fc.oneof({ weight: 5, arbitrary: textArb }, { weight: 1, arbitrary: fc.constantFrom(...ADDRESSES) });
const prefixArb = valueTextArb.filter((s) => !s.includes('*')).map((s) => `${s}*`);
const integerArb = fc.oneof(fc.integer({ min: -20, max: 20 }).map(String), fc.constantFrom('010', '0', '-0', '9', '10'));

const recipientArb: fc.Arbitrary<Recipient> = fc
  .record({
    typeDetails: fc.constantFrom(...TYPES),
    name: textArb,
    alias: textArb,
    displayName: textArb,
    primarySmtpAddress: fc.oneof(fc.constantFrom('', 'alice@contoso.com', 'Sales@contoso.com', '10'), textArb),
    emailAddresses: fc.array(fc.oneof(fc.constantFrom(...ADDRESSES), textArb), { maxLength: 4 }),
    attributes: fc.dictionary(fc.constantFrom(...recipientAttributeNames), textArb, { maxKeys: 6 }),
    hiddenFromAddressLists: fc.boolean(),
  })
  .map((fields) => makeRecipient(fields));

const subjectArb: fc.Arbitrary<FilterSubject> = fc
  .record({ recipient: recipientArb, memberOf: fc.subarray([SALES_GUID, ADMINS_GUID, 'other-guid']) })
  .map(({ recipient, memberOf }) => ({ recipient, memberOf: new Set(memberOf) }));

const str = (value: string): FilterValue => ({ kind: 'string', value });
const comparison = (property: string, operator: ComparisonOperator, value: FilterValue): FilterNode => ({
  type: 'comparison',
  property,
  operator,
  value,
});

const textComparisonArb: fc.Arbitrary<FilterNode> = fc
  .tuple(fc.constantFrom(...TEXT_PROPERTIES.map(([n]) => n), 'PrimarySmtpAddress', 'EmailAddresses'), fc.nat(5))
  .chain(([property, kind]) => {
    switch (kind) {
      case 0:
        return fc
          .tuple(fc.constantFrom<ComparisonOperator>('eq', 'ne'), fc.oneof(valueTextArb.filter((s) => !s.includes('*')), prefixArb, fc.constant('*')))
          .map(([op, v]) => comparison(property, op, str(v)));
      case 1:
        return fc.tuple(fc.constantFrom<ComparisonOperator>('like', 'notlike'), fc.oneof(prefixArb, fc.constant('*'))).map(([op, v]) => comparison(property, op, str(v)));
      case 2:
        return fc.constantFrom<ComparisonOperator>('eq', 'ne').map((op) => comparison(property, op, { kind: 'null' }));
      case 3:
        return fc
          .tuple(fc.constantFrom<ComparisonOperator>('eq', 'ne', 'lt', 'gt', 'le', 'ge'), integerArb)
          .map(([op, text]) => comparison(property, op, { kind: 'integer', text }));
      default:
        return fc
          .tuple(fc.constantFrom<ComparisonOperator>('lt', 'gt', 'le', 'ge'), fc.oneof(valueTextArb, integerArb))
          .map(([op, v]) => comparison(property, op, str(v)));
    }
  });

const leafArb: fc.Arbitrary<FilterNode> = fc.oneof(
  { weight: 8, arbitrary: textComparisonArb },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom<ComparisonOperator>('eq', 'ne'), fc.boolean())
      .map(([op, b]) => comparison('HiddenFromAddressListsEnabled', op, { kind: 'boolean', value: b })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom<ComparisonOperator>('eq', 'ne'), fc.constantFrom(...GROUP_IDS))
      .map(([op, g]) => comparison('MemberOfGroup', op, str(g))),
  },
);

const { tree: treeArb } = fc.letrec<{ tree: FilterNode }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc
      .tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), fc.array(tie('tree'), { minLength: 2, maxLength: 4 }))
      .map(([type, operands]): FilterNode => ({ type, operands })),
    tie('tree').map((operand): FilterNode => ({ type: 'not', operand })),
  ),
}));

const INTEGER = /^-?\d+$/;

/** A deliberately naive evaluator, written from the specification. */
function referenceEvaluate(node: FilterNode, s: FilterSubject): boolean {
  switch (node.type) {
    case 'and':
      return node.operands.every((n) => referenceEvaluate(n, s));
    case 'or':
      return node.operands.some((n) => referenceEvaluate(n, s));
    case 'not':
      return !referenceEvaluate(node.operand, s);
    case 'comparison':
      break;
  }
  const { property, operator, value } = node;
  const r = s.recipient;
  const negated = operator === 'ne' || operator === 'notlike';
  let positive: boolean;
  if (property === 'MemberOfGroup') {
    positive = s.memberOf.has(resolveGroup(value.kind === 'string' ? value.value : '') ?? 'none');
  } else if (property === 'HiddenFromAddressListsEnabled') {
    positive = value.kind === 'boolean' && r.hiddenFromAddressLists === value.value;
  } else {
    const isAddresses = property === 'PrimarySmtpAddress' || property === 'EmailAddresses';
    const raw = isAddresses
      ? [...(property === 'PrimarySmtpAddress' ? [r.primarySmtpAddress] : []), ...r.emailAddresses]
      : [textGetter.get(property)!(r)];
    const candidates = isAddresses
      ? [
          ...(property === 'PrimarySmtpAddress' ? [r.primarySmtpAddress] : []),
          ...r.emailAddresses.flatMap((a) => (a.slice(0, 5).toLowerCase() === 'smtp:' ? [a, a.slice(5)] : [a])),
        ]
      : raw;
    const c = value.kind === 'string' ? value.value : value.kind === 'integer' ? value.text : '';
    if (value.kind === 'null' || (c === '' && (operator === 'eq' || operator === 'ne'))) {
      positive = raw.every((v) => v === '');
    } else if (operator === 'eq' || operator === 'ne' || operator === 'like' || operator === 'notlike') {
      positive = candidates.some((v) => {
        if (c === '*') return v !== '';
        if (c.endsWith('*')) return v.toLowerCase().startsWith(c.slice(0, -1).toLowerCase());
        return v.toLowerCase() === c.toLowerCase();
      });
    } else {
      positive = candidates.some((v) => {
        if (v === '') return false;
        let cmp: number;
        if (INTEGER.test(v) && INTEGER.test(c)) cmp = Number(v) - Number(c);
        else cmp = v.toLowerCase() < c.toLowerCase() ? -1 : v.toLowerCase() > c.toLowerCase() ? 1 : 0;
        return operator === 'lt' ? cmp < 0 : operator === 'gt' ? cmp > 0 : operator === 'le' ? cmp <= 0 : cmp >= 0;
      });
    }
  }
  return negated ? !positive : positive;
}

/** Fragments that make random strings look like filters. */
const FRAGMENTS = [
  '(', ')', '{', '}', ' ', ' ', '\n', '-and', '-or', '-not', '-eq', '-ne', '-lt', '-like', '-notlike', '-ceq', '-', '–',
  "'", '"', '`', '\u2018', '\u2019', '\u201c', '\u201d', "''", '""', '$true', '$null', '$x', '$', '*', '5', '-5', '012',
  'Department', 'title', 'MemberOfGroup', 'HiddenFromAddressListsEnabled', 'EmailAddresses', 'Departmnt', 'Sales', "'Sales'",
  "'VP*'", "'*x'", '"a`"b"', '=', ',', '\u0000', '\ud800',
];
const filterishArb = fc.oneof(
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 25 }).map((parts) => parts.join('')),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 25 }).map((parts) => parts.join(' ')),
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 40, unit: 'binary' }),
);

describe('property tests', () => {
  it('format → parse reproduces the tree, is a fixpoint and gives the same predicate', () => {
    fc.assert(
      fc.property(treeArb, fc.array(subjectArb, { minLength: 1, maxLength: 8 }), (tree, subjects) => {
        const text = formatRecipientFilter(tree);
        const reparsed = parseRecipientFilter(text);
        assert.deepEqual(reparsed, tree);
        assert.equal(formatRecipientFilter(reparsed), text);
        assert.equal(formatRecipientFilter(parseRecipientFilter(`{ ${text} }`)), text);
        const a = compileRecipientFilter(tree, resolveGroup);
        const b = compileRecipientFilter(reparsed, resolveGroup);
        for (const s of subjects) assert.equal(b(s), a(s));
      }),
      { numRuns: 500 },
    );
  });

  it('the parser returns or throws DeputyError(InvalidFilter), never anything else', () => {
    fc.assert(
      fc.property(filterishArb, (text) => {
        let node: FilterNode;
        try {
          node = parseRecipientFilter(text);
        } catch (e) {
          assert.ok(e instanceof DeputyError, `non-DeputyError for ${JSON.stringify(text)}: ${String(e)}`);
          assert.equal(e.code, 'InvalidFilter');
          assert.match(e.message, /^Invalid filter syntax at position \d+: .+\. For a description/s);
          assert.ok(e.position !== undefined && e.position.offset >= 0 && e.position.offset <= text.length);
          return;
        }
        const canonical = formatRecipientFilter(node);
        assert.equal(formatRecipientFilter(parseRecipientFilter(canonical)), canonical);
      }),
      { numRuns: 3000 },
    );
  });

  it('the compiled predicate agrees with a naive reference evaluator', () => {
    fc.assert(
      fc.property(treeArb, fc.array(subjectArb, { minLength: 1, maxLength: 10 }), (tree, subjects) => {
        const predicate = compileRecipientFilter(tree, resolveGroup);
        for (const s of subjects) assert.equal(predicate(s), referenceEvaluate(tree, s), formatRecipientFilter(tree));
      }),
      { numRuns: 1000 },
    );
  });

  it('single comparisons agree with the reference evaluator on targeted recipients', () => {
    fc.assert(
      fc.property(textComparisonArb, subjectArb, (node, s) => {
        assert.equal(compileRecipientFilter(node, resolveGroup)(s), referenceEvaluate(node, s), formatRecipientFilter(node));
      }),
      { numRuns: 3000 },
    );
  });
});
