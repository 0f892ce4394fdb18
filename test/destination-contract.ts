/** The behaviour every destination must have under the runner's commit protocol, as one suite each destination runs. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Destination } from '../src/load/destination.ts';
import { claimAttempt, FencedError } from '../src/load/ledger.ts';
import { commitLoad, type LoadPlan } from '../src/pipeline/commit-load.ts';
import type { Fed } from '../src/load/destination.ts';
import { openQuarantine } from '../src/transform/quarantine.ts';
import { harness } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;

/** A destination under test: how to make it (columns id integer, v text), and how to read what readers see. */
export interface ContractSubject {
  readonly make: () => Destination;
  /** Rows readers see now, as [id, v] text, sorted by id. */
  readonly visible: (h: Harness) => Promise<(string | null)[][]>;
  /** False for a destination that reads no records (land only). */
  readonly reads?: boolean;
}

const ROWS = [['1', 'a'], ['2', 'b']];
let seq = 0;

/** Runs the contract on `subject`. */
export function destinationContract(name: string, subject: ContractSubject): void {
  describe(`${name} destination (contract)`, () => {
    let h: Harness;
    before(async () => { h = await harness(); });
    after(() => h.close());
    const reads = subject.reads ?? true;
    const pipeline = `contract-${name.replace(/[^a-z0-9]+/g, '-')}`;
    const plan = async (overrides: Partial<LoadPlan> & { destination: Destination; runKey: string }): Promise<LoadPlan> => {
      const runId = `r${++seq}`;
      return {
        database: h.database, lake: h.lake, startedAt: new Date(), pipeline, runId, attempt: await claimAttempt(h.database.pool, pipeline, overrides.runKey),
        objects: [{ name: `${runId}.csv`, rawKey: `raw/${runId}.csv`, sha256: runId, bytes: 1 }], quarantine: openQuarantine(h.lake, pipeline, runId),
        feed: async (load) => {
          if (reads) await load.write({ source: `${runId}.csv`, rows: ROWS, lines: [2, 3] });
          return fed(reads ? ROWS.length : 0);
        },
        validate: async () => {},
        ...overrides,
      };
    };
    const ledger = (runKey: string) => h.rows('SELECT run_key FROM sluice.ledger WHERE pipeline = $1 AND run_key = $2', [pipeline, runKey]);
    const staging = async () => {
      const keys: string[] = [];
      for await (const o of h.lake.list(`staging/${pipeline}/`)) keys.push(o.key);
      return keys;
    };

    it('commits the rows together with the ledger row, once; a second load of the same run key does nothing', async () => {
      const destination = subject.make();
      const before = await subject.visible(h);
      const first = await commitLoad(await plan({ destination, runKey: 'once' }));
      assert.equal(first.kind, 'committed');
      if (first.kind === 'committed') assert.equal(first.counts.loaded, reads ? 2 : 0);
      const after = await subject.visible(h);
      assert.deepEqual(after, reads ? [...before, ...ROWS].sort((a, b) => Number(a[0]) - Number(b[0])) : before);
      assert.equal((await ledger('once')).length, 1);
      const again = await commitLoad(await plan({ destination, runKey: 'once' }));
      assert.equal(again.kind, 'loaded-before');
      assert.deepEqual(await subject.visible(h), after);
      assert.deepEqual(await staging(), [], 'nothing is left staged');
    });

    it('leaves target, ledger, rejects and staged files untouched when validation fails, so the retry loads', async () => {
      const destination = subject.make();
      const before = await subject.visible(h);
      const failing = await plan({ destination, runKey: 'invalid', validate: async () => { throw new Error('checks failed'); } });
      await failing.quarantine.add([{ source: 'x.csv', line: 9, reason: 'bad' }]);
      await assert.rejects(commitLoad(failing), /checks failed/);
      assert.deepEqual(await subject.visible(h), before);
      assert.deepEqual(await ledger('invalid'), []);
      assert.deepEqual(await h.rows('SELECT * FROM sluice.rejects WHERE run_id = $1', [failing.runId]), []);
      assert.deepEqual(await staging(), []);
      const retry = await commitLoad(await plan({ destination, runKey: 'invalid' }));
      assert.equal(retry.kind, 'committed');
      assert.equal((await subject.visible(h)).length, before.length + (reads ? 2 : 0));
    });

    it('leaves nothing when the load fails after writing rows', async () => {
      const destination = subject.make();
      const before = await subject.visible(h);
      await assert.rejects(commitLoad(await plan({
        destination, runKey: 'broken',
        feed: async (load) => {
          if (reads) await load.write({ source: 'a.csv', rows: ROWS, lines: [2, 3] });
          throw new Error('the source broke mid-load');
        },
      })), /the source broke mid-load/);
      assert.deepEqual(await subject.visible(h), before);
      assert.deepEqual(await ledger('broken'), []);
      assert.deepEqual(await staging(), []);
    });

    it('refuses the commit of an attempt a newer attempt has superseded', async () => {
      const destination = subject.make();
      const before = await subject.visible(h);
      const stale = await plan({ destination, runKey: 'fenced' });
      await claimAttempt(h.database.pool, pipeline, 'fenced');
      await assert.rejects(commitLoad(stale), (e: unknown) => e instanceof FencedError);
      assert.deepEqual(await subject.visible(h), before);
      assert.deepEqual(await ledger('fenced'), []);
    });

    if (reads) {
      it('shows checks exactly the rows this load will commit, before COMMIT', async () => {
        const destination = subject.make();
        const seen: unknown[] = [];
        await commitLoad(await plan({
          destination, runKey: 'checked', checks: true,
          validate: async ({ staged }) => {
            assert.ok(staged.rows, 'staged rows are exposed when checks are declared');
            seen.push(...await staged.rows.query(`SELECT CAST(id AS text) AS id, v FROM ${staged.rows.relation} ORDER BY id`));
          },
        }));
        assert.deepEqual(seen, ROWS.map(([id, v]) => ({ id, v })));
      });
    }

    if (subject.make().publish) it('publishes again, once, what a run committed but could not publish (its process stopped in between)', async () => {
      const real = subject.make();
      let calls = 0;
      const flaky: Destination = {
        ...real,
        open: async (ctx) => {
          const load = await real.open(ctx);
          // A destination that commits with the ledger publishes only what apply says it must.
          return { ...load, apply: async () => { const a = await load.apply(); return a.publication ? a : { ...a, publication: { noop: 'yes' } }; } };
        },
        publish: async (publication, lake) => {
          if (++calls === 1) throw new Error('the process stopped before publishing');
          if (!publication.noop) await real.publish!(publication, lake);
        },
      };
      const before = await subject.visible(h);
      await assert.rejects(commitLoad(await plan({ destination: flaky, runKey: 'unpublished' })), /stopped before publishing/);
      assert.equal((await ledger('unpublished')).length, 1, 'the ledger committed');
      const next = await commitLoad(await plan({ destination: flaky, runKey: 'next' }));
      assert.equal(next.kind, 'committed');
      assert.equal((await subject.visible(h)).length, before.length + (reads ? 4 : 0), 'both loads visible, each once');
      assert.equal(calls, 3, 'the pending publication, then the new one');
      assert.deepEqual(await h.rows('SELECT run_key FROM sluice.ledger WHERE pipeline = $1 AND publication IS NOT NULL AND published_at IS NULL', [pipeline]), []);
    });
  });
}

function fed(rows: number): Fed {
  return { extracted: rows, written: rows, rejected: 0, filtered: 0, rows: new Map(), copiedObjects: 0, notes: [], warnings: [] };
}
