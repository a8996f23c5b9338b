// Property-based tests: the parser never crashes on arbitrary input, and quoted strings evaluate to themselves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isDeputyError } from '../../src/core/errors.ts';
import { parseScript } from '../../src/shell/parser.ts';
import { runScript } from '../../src/shell/index.ts';
import { FakeHost } from './fake-host.ts';

/** Characters that matter to the tokenizer, so random scripts hit interesting paths. */
const shellAlphabet = fc.constantFrom(
  ...'abcXYZ019 \t\n\r$@{}()[];,|&`\'"“”„‘’‚‛-–—―=+*/%!.:#<>?_'.split(''),
);
const shellLike = fc.array(shellAlphabet, { maxLength: 60 }).map((chars) => chars.join(''));

function parsesOrParseError(source: string): void {
  try {
    parseScript(source);
  } catch (error) {
    assert.ok(isDeputyError(error), `non-DeputyError thrown for ${JSON.stringify(source)}: ${String(error)}`);
    assert.equal(error.code, 'ParseError', `${error.code} for ${JSON.stringify(source)}`);
  }
}

describe('parser robustness', () => {
  it('parses or throws a ParseError for any string', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80, unit: 'binary' }), parsesOrParseError), { numRuns: 2000 });
  });

  it('parses or throws a ParseError for shell-like noise', () => {
    fc.assert(fc.property(shellLike, parsesOrParseError), { numRuns: 3000 });
  });

  it('runs shell-like noise without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(shellLike, async (source) => {
        const result = await runScript(source, new FakeHost());
        assert.ok(Array.isArray(result.output));
      }),
      { numRuns: 300 },
    );
  });
});

describe('string literal round-trip', () => {
  it('a single-quoted string evaluates to itself', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40, unit: 'binary' }), async (text) => {
        const quoted = `'${text.replace(/['‘’‚‛]/g, (quote) => quote + quote)}'`;
        const result = await runScript(quoted, new FakeHost());
        assert.deepEqual(result.errors, []);
        assert.deepEqual(result.output, [text]);
      }),
      { numRuns: 500 },
    );
  });

  it('a double-quoted string with escapes evaluates to itself', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40, unit: 'binary' }), async (text) => {
        const quoted = `"${text.replace(/[`$"“”„]/g, (c) => `\`${c}`)}"`;
        const result = await runScript(quoted, new FakeHost());
        assert.deepEqual(result.errors, []);
        assert.deepEqual(result.output, [text]);
      }),
      { numRuns: 500 },
    );
  });

  it('a quoted argument reaches the host unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40, unit: 'binary' }), async (text) => {
        const host = new FakeHost();
        const quoted = `'${text.replace(/['‘’‚‛]/g, (quote) => quote + quote)}'`;
        await runScript(`New-RoleGroup -Name ${quoted}`, host);
        assert.equal(host.invocations[0].parameters.Name, text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('hostile input', () => {
  it('refuses deep nesting with a ParseError instead of overflowing the stack', async () => {
    for (const source of ['('.repeat(5000) + '1' + ')'.repeat(5000), '!'.repeat(100_000) + '1', '{'.repeat(5000), '@{a='.repeat(3000)]) {
      const result = await runScript(source, new FakeHost());
      assert.equal(result.errors[0].code, 'ParseError');
    }
  });

  it('stops long operator chains with a call depth error, in linear time', async () => {
    const started = Date.now();
    const result = await runScript('1' + '+1'.repeat(50_000), new FakeHost());
    assert.equal(result.errors[0].message, 'The script failed due to call depth overflow.');
    assert.ok(Date.now() - started < 5000, 'linear-time lexing and parsing');
  });

  it('evaluates a chain just under the depth limit', async () => {
    const result = await runScript('1' + '+1'.repeat(500), new FakeHost());
    assert.deepEqual(result.output, [501]);
  });
});
