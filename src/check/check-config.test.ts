import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { col } from '../transform/columns.ts';
import { checkReference, durationMs, parseChecks, type CheckDeclaration } from './check-config.ts';

const COLUMNS = { id: col.bigint(), name: col.text(), day: col.date(), at: col.timestamptz(), open: col.numeric(), close: col.numeric() };

describe('check declarations', () => {
  it('expands a list of columns into one check per column, blocking unless warn', () => {
    const checks = parseChecks('pipeline "p"', [{ kind: 'range', column: ['open', 'close'], min: 0, warn: true }, { kind: 'notNull', column: 'id' }], COLUMNS);
    assert.deepEqual(checks.map((c) => [c.name, c.blocking]), [['open >= 0', false], ['close >= 0', false], ['id not null', true]]);
  });

  it('refuses a column the destination does not have, or one of the wrong kind, naming the check', () => {
    assert.throws(() => parseChecks('pipeline "p"', [{ kind: 'notNull', column: 'nope' }], COLUMNS),
      /pipeline "p": checks\.0 \(notNull\): the destination has no column "nope" \(columns: id, name, day, at, open, close\)/);
    assert.throws(() => parseChecks('pipeline "p"', [{ kind: 'pattern', column: 'id', regex: '^1' }], COLUMNS), /column "id" is bigint; pattern needs text/);
    assert.throws(() => parseChecks('pipeline "p"', [{ kind: 'range', column: 'day', min: 3 }], COLUMNS), /column "day" is date: expected a date or time/);
    assert.throws(() => parseChecks('pipeline "p"', [{ kind: 'range', column: 'open', max: '10' }], COLUMNS), /column "open" is numeric: expected a number/);
    assert.throws(() => parseChecks('pipeline "p"', [{ kind: 'freshness', column: 'name', maxAge: '1h' }], COLUMNS), /freshness needs date, timestamptz/);
  });

  it('words schema errors with the field and what was expected', () => {
    assert.throws(() => parseChecks('pipeline "p"', [{ kind: 'notNul', column: 'id' }], COLUMNS), /pipeline "p": checks\.0\.kind: Invalid discriminator value/);
    assert.throws(() => parseChecks('pipeline "p"', [{ kind: 'range', column: 'open' }], COLUMNS), /expected min, max or both/);
    assert.throws(() => parseChecks('pipeline "p"', [{ kind: 'freshness', column: 'at', maxAge: 'soon' }], COLUMNS), /expected a duration such as '30m'/);
    assert.throws(() => parseChecks('pipeline "p"', [{ kind: 'sql', query: 'select 1' }], COLUMNS), /checks\.0\.name/);
    assert.throws(() => parseChecks('pipeline "p"', [{ kind: 'pattern', column: 'name', regex: /a/m }], COLUMNS), /regex flag\(s\) m cannot run in SQL/);
  });

  it('refuses two checks with the same name', () => {
    assert.throws(() => parseChecks('pipeline "p"', [{ kind: 'notNull', column: 'id' }, { kind: 'notNull', column: ['name', 'id'] }], COLUMNS),
      /two checks are named "id not null"; give one a name/);
  });

  it('types columns against the destination: a misspelt column does not compile', () => {
    const ok: CheckDeclaration<'id' | 'name'>[] = [{ kind: 'unique', column: 'id' }, { kind: 'uniqueKey', key: ['id', 'name'] as const }];
    // @ts-expect-error: 'nmae' is not a column
    const misspelt: CheckDeclaration<'id' | 'name'> = { kind: 'notNull', column: 'nmae' };
    // @ts-expect-error: freshness takes one column, not a list
    const list: CheckDeclaration<'id' | 'name'> = { kind: 'freshness', column: ['id'], maxAge: '1h' };
    assert.equal(ok.length + [misspelt, list].length, 4);
  });

  it('reads durations', () => {
    assert.deepEqual(['30s', '30m', '2h', '3 days', '1w', '1.5 hours'].map(durationMs), [30_000, 1_800_000, 7_200_000, 259_200_000, 604_800_000, 5_400_000]);
  });

  it('docs/checks.md carries the reference written from the schema', () => {
    const docs = fs.readFileSync(new URL('../../docs/checks.md', import.meta.url), 'utf8');
    assert.ok(docs.includes(checkReference()), 'regenerate the table: node -e "import(\'./src/check/check-config.ts\').then((m) => console.log(m.checkReference()))"');
  });
});
