// One fixture per kind of spec mistake: the generator must report exactly this problem, at this
// file:line:column, and produce no files.
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProblem, generate } from '../../generator/generate.js';

const FIXTURES = 'test/generator/fixtures';

const EXPECTED: Record<string, string> = {
  'bad-byte-order.yaml':
    'test/generator/fixtures/bad-byte-order.yaml:3:12: unknown byteOrder "middle"; expected big (network order, the default) or little',
  'bad-byte-order-mac.yaml':
    'test/generator/fixtures/bad-byte-order-mac.yaml:11:5: field "addr" is of type mac, which has no little-endian form; byteOrder little takes u8, u16 and u32 fields',
  'bad-byte-order-bits.yaml':
    'test/generator/fixtures/bad-byte-order-bits.yaml:7:5: field "first" takes bits of a u16; with byteOrder little only u8 fields may be split into bits',
  'bad-beyond-header.yaml':
    'test/generator/fixtures/bad-beyond-header.yaml:11:13: field "second" ends at byte 6, beyond the header\'s minLength 4; raise minLength or move the field',
  'bad-bits-on-address.yaml':
    'test/generator/fixtures/bad-bits-on-address.yaml:13:11: field "addr" is of type ipv4, which has no bit ranges; use u8, u16 or u32',
  'bad-bits-past-width.yaml':
    'test/generator/fixtures/bad-bits-past-width.yaml:13:11: field "second" has bits 4-16, past the 16 bits of a u16',
  'bad-check-error.yaml':
    'test/generator/fixtures/bad-check-error.yaml:16:12: unknown error "TooShort"; expected one of Truncated, Malformed, BadVersion, Unrecognized',
  'bad-checksum-field.yaml':
    'test/generator/fixtures/bad-checksum-field.yaml:15:10: checksum field "chksum" is not a field of Demo',
  'bad-checksum-not-u16.yaml':
    'test/generator/fixtures/bad-checksum-not-u16.yaml:16:10: checksum field "second" must be a whole u16 field',
  'bad-duplicate-flag-name.yaml':
    'test/generator/fixtures/bad-duplicate-flag-name.yaml:15:9: duplicate name "first": already declared at line 6',
  'bad-duplicate-name.yaml':
    'test/generator/fixtures/bad-duplicate-name.yaml:10:5: duplicate name "first": already declared at line 6',
  'bad-enum-duplicate-value.yaml':
    'test/generator/fixtures/bad-enum-duplicate-value.yaml:15:33: value "Crimson" of enum "Colour" repeats the value 1 of "Red"; each value needs one name',
  'bad-enum-value-too-wide.yaml':
    'test/generator/fixtures/bad-enum-value-too-wide.yaml:20:9: value "Infrared" (300) of enum "Colour" does not fit in the 8 bits of field "second"',
  'bad-expression-name.yaml':
    'test/generator/fixtures/bad-expression-name.yaml:15:19: unknown name "secnod" in "4 <= secnod"; did you mean "second"?',
  'bad-expression-syntax.yaml':
    'test/generator/fixtures/bad-expression-syntax.yaml:15:14: "second - 4 >= 0" is not an expression: "second - 4" is neither an integer nor a name (only + and * are allowed)',
  'bad-flag-outside-field.yaml':
    'test/generator/fixtures/bad-flag-outside-field.yaml:16:28: flag "late" is bit 5, outside bits 0-3 of field "second"',
  'bad-invalid-name.yaml':
    'test/generator/fixtures/bad-invalid-name.yaml:10:11: "Second_field" is not a valid field name (use lowerCamelCase, e.g. srcPort)',
  'bad-missing-key.yaml':
    'test/generator/fixtures/bad-missing-key.yaml:10:5: field "second" is missing the required key "offset"',
  'bad-not-a-boolean.yaml':
    'test/generator/fixtures/bad-not-a-boolean.yaml:17:18: "zeroMeansNone" of the checksum must be true or false, not "sometimes"',
  'bad-not-a-comparison.yaml':
    'test/generator/fixtures/bad-not-a-comparison.yaml:15:14: "second" is not a comparison: write it as "<expression> <op> <expression>" with op one of ==, !=, <, <=, >, >=',
  'bad-not-a-list.yaml':
    'test/generator/fixtures/bad-not-a-list.yaml:6:3: "fields" of the spec must be a list',
  'bad-not-a-mapping.yaml':
    'test/generator/fixtures/bad-not-a-mapping.yaml:1:1: a spec must be a mapping with at least the keys name, doc, minLength, headerLength and fields',
  'bad-not-an-integer.yaml':
    'test/generator/fixtures/bad-not-an-integer.yaml:11:13: "offset" of field "second" must be a non-negative integer, not "two"',
  'bad-option-field-beyond.yaml':
    'test/generator/fixtures/bad-option-field-beyond.yaml:24:11: option field "value" ends at data byte 3, beyond the 2 data bytes of option kind "Nop"',
  'bad-option-kind.yaml':
    'test/generator/fixtures/bad-option-kind.yaml:21:7: "Mss" is not a member of enum "DemoOptionKind"',
  'bad-option-layout.yaml':
    'test/generator/fixtures/bad-option-layout.yaml:19:7: option kind "Nop" needs exactly one of "length" (the option\'s exact length) and "blocks" (a list of fixed-size blocks)',
  'bad-options-start.yaml':
    'test/generator/fixtures/bad-options-start.yaml:11:3: options start at byte 8, beyond the header\'s minLength 4; start them inside the fixed header',
  'bad-overlap.yaml':
    'test/generator/fixtures/bad-overlap.yaml:10:5: field "second" overlaps field "first" at byte 1; give each bit to one field (use flags for single bits inside a field)',
  'bad-reserved-name.yaml':
    'test/generator/fixtures/bad-reserved-name.yaml:10:5: "length" is a name every view already has; choose another name',
  'bad-raw-without-scale.yaml':
    'test/generator/fixtures/bad-raw-without-scale.yaml:10:5: field "second" has "raw" without "scale"; add "scale" (a positive integer, the bytes one unit of the field counts) or drop "raw"',
  'bad-unbounded-length.yaml':
    'test/generator/fixtures/bad-unbounded-length.yaml:4:15: headerLength "4 * words" may exceed the view; add a check { require: 4 * words <= length, error: Truncated }',
  'bad-unknown-enum.yaml':
    'test/generator/fixtures/bad-unknown-enum.yaml:13:11: field "second" refers to unknown enum "EthType"; define it under "enums" in one of the specs',
  'bad-unknown-key.yaml':
    'test/generator/fixtures/bad-unknown-key.yaml:14:5: unknown key "bitz" in field "second"; did you mean "bits"?',
  // Nothing close enough to guess: the keys allowed there.
  'bad-unknown-key-far.yaml':
    'test/generator/fixtures/bad-unknown-key-far.yaml:14:5: unknown key "colour" in field "second"; expected one of name, offset, type, bits, scale, raw, alias, enum, doc, flags',
  'bad-unknown-type.yaml':
    'test/generator/fixtures/bad-unknown-type.yaml:12:11: field "second" has unknown type "u24"; expected one of u8, u16, u32, mac, ipv4, ipv6',
  'bad-yaml-syntax.yaml':
    'test/generator/fixtures/bad-yaml-syntax.yaml:13:10: YAML syntax error: "[" opened here is not closed; end the list with "]"',
  // The parser notices the open quote only at the end of the file; the mistake is at line 9.
  'bad-yaml-unclosed-quote.yaml':
    'test/generator/fixtures/bad-yaml-unclosed-quote.yaml:9:10: YAML syntax error: the string opened here with " is not closed; end it with "',
  // A tab also breaks the mapping it is in: one message, not three.
  'bad-yaml-tab.yaml': 'test/generator/fixtures/bad-yaml-tab.yaml:8:1: YAML syntax error: Tabs are not allowed as indentation',
  // The field with the bad offset is reported once, not again where headerLength, a check and the checksum use it.
  'bad-offset-then-used.yaml':
    'test/generator/fixtures/bad-offset-then-used.yaml:11:13: "offset" of field "words" must be a non-negative integer, not "one"',
  // A misspelled name in headerLength, with the check that bounds it present: no advice to add that check.
  'bad-misspelled-header-length.yaml':
    'test/generator/fixtures/bad-misspelled-header-length.yaml:4:19: unknown name "dataOfset" in "4 * dataOfset"; did you mean "dataOffset"?',
  // The same name misspelled in the bounding check instead: no advice to add the check it was meant to be.
  'bad-misspelled-check.yaml':
    'test/generator/fixtures/bad-misspelled-check.yaml:6:18: unknown name "dataOfset" in "4 * dataOfset <= length"; did you mean "dataOffset"?',
};

for (const [fixture, expected] of Object.entries(EXPECTED)) {
  test(fixture, () => {
    const file = `${FIXTURES}/${fixture}`;
    const result = generate([{ file, text: readFileSync(file, 'utf8') }]);
    assert.equal(result.problems.map(formatProblem), [expected]);
    assert.equal(result.files, []);
  });
}

test('every bad-*.yaml fixture has an expected message', () => {
  const fixtures = readdirSync(FIXTURES).filter((n) => n.startsWith('bad-')).sort();
  assert.equal(fixtures, Object.keys(EXPECTED).sort());
});

test('problems in several places are all reported, in file order', () => {
  const text = readFileSync(`${FIXTURES}/bad-unknown-type.yaml`, 'utf8').replace('offset: 0', 'offset: zero');
  const result = generate([{ file: 'two.yaml', text }]);
  assert.equal(result.problems.map(formatProblem), [
    'two.yaml:7:13: "offset" of field "first" must be a non-negative integer, not "zero"',
    'two.yaml:12:11: field "second" has unknown type "u24"; expected one of u8, u16, u32, mac, ipv4, ipv6',
  ]);
});

test.run();
