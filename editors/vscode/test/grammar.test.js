// The TextMate grammar tokenizes every file of policies/ (and the fixtures
// below) with no character left to the illegal-character rule, no
// unterminated string, and the scopes the highlighting relies on.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const GRAMMAR = path.resolve(__dirname, '..', 'syntaxes', 'policy.tmLanguage.json');

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.policy') return null;
      return vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR);
    },
  });
  return registry.loadGrammar('source.policy');
}

/// Every token of a text: { line, text, scopes }.
function tokenize(grammar, text) {
  const out = [];
  let stack = vsctm.INITIAL;
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      out.push({ line: i + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    stack = r.ruleStack;
  });
  return { tokens: out, open: stack };
}

/// The problems of a tokenized text: illegal tokens, text no rule matched,
/// and a region (a text block) still open at the end.
function problems(file, { tokens, open }) {
  const found = [];
  for (const t of tokens) {
    if (t.scopes.some((s) => s.startsWith('invalid'))) {
      found.push(`${file}:${t.line}: illegal \`${t.text}\` (${t.scopes.join(' ')})`);
    } else if (t.scopes.length === 1 && t.text.trim() !== '') {
      found.push(`${file}:${t.line}: unmatched \`${t.text}\``);
    }
  }
  if (open.depth > 1) {
    found.push(`${file}: a region is still open at the end of the file`);
  }
  return found;
}

function policyFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...policyFiles(p));
    else if (e.name.endsWith('.policy')) out.push(p);
  }
  return out.sort();
}

const scopeOf = (tokens, text) => {
  const t = tokens.find((x) => x.text === text);
  assert.ok(t, `no token \`${text}\``);
  return t.scopes.join(' ');
};

test('every file of policies/ tokenizes cleanly', async () => {
  const grammar = await loadGrammar();
  const files = policyFiles(path.join(ROOT, 'policies'));
  assert.ok(files.length >= 10, `only ${files.length} files found`);
  const found = [];
  for (const f of files) {
    found.push(...problems(path.relative(ROOT, f), tokenize(grammar, fs.readFileSync(f, 'utf8'))));
  }
  assert.deepStrictEqual(found, []);
});

test('keywords, names, numbers with units, dates, strings, text blocks, comments', async () => {
  const grammar = await loadGrammar();
  const text = [
    '// 注释',
    'parameter 上限: money/人 = 20 万元/人',
    'measure 3 "失业保险稳岗返还" {',
    '  applications until 2020-12-31',
    '  text """',
    '  加大失业保险稳岗返还，"引号"也在文本块里',
    '  """',
    '  rule 中小微企业 {',
    '    when 规模 in {微型, 小型} and 裁员率 <= 5.5% and 企业规模.小型 == 规模',
    '    amount 100% * 上年度失业保险费',
    '  }',
    '}',
  ].join('\r\n');
  const r = tokenize(grammar, text);
  assert.deepStrictEqual(problems('fixture', r), []);
  const t = r.tokens;
  assert.match(scopeOf(t, '// 注释'), /comment\.line/);
  assert.match(scopeOf(t, 'parameter'), /storage\.type/);
  assert.match(scopeOf(t, '上限'), /entity\.name/);
  assert.match(scopeOf(t, 'money'), /support\.type/);
  assert.match(scopeOf(t, '20'), /constant\.numeric/);
  assert.match(scopeOf(t, '万元/人'), /keyword\.other\.unit/);
  assert.match(scopeOf(t, '2020-12-31'), /constant\.numeric\.date/);
  assert.match(scopeOf(t, '失业保险稳岗返还'), /string\.quoted\.double/);
  assert.match(scopeOf(t, '  加大失业保险稳岗返还，"引号"也在文本块里'), /string\.quoted\.triple/);
  assert.match(scopeOf(t, 'when'), /keyword\.control/);
  assert.match(scopeOf(t, 'and'), /keyword\.operator\.word/);
  assert.match(scopeOf(t, '裁员率'), /variable\.other/);
  assert.match(scopeOf(t, '5.5'), /constant\.numeric/);
  assert.match(scopeOf(t, '%'), /unit\.percent/);
  assert.match(scopeOf(t, '企业规模'), /entity\.name\.type\.enum/);
  assert.match(scopeOf(t, '<='), /keyword\.operator/);
});

test('a stray character and an unterminated string are illegal', async () => {
  const grammar = await loadGrammar();
  const found = problems('bad', tokenize(grammar, 'department 人社厅 = "自治区\nenum X { A } @'));
  assert.strictEqual(found.length, 2, found.join('\n'));
  const open = problems('open', tokenize(grammar, 'text """\n未闭合'));
  assert.deepStrictEqual(open, ['open: a region is still open at the end of the file']);
});
