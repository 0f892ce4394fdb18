import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cron, dueTicks, tickRun, ticksBetween } from './triggers.ts';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('cron triggers', () => {
  const hourly = (catchUp: 'skip' | 'latest' | 'all') => cron('0 * * * *', { catchUp });
  const lastFired = new Date('2026-11-23T06:00:00Z');
  const startedAt = new Date('2026-11-23T09:30:00Z');
  const now = new Date('2026-11-23T10:00:01Z');

  it('catches up missed ticks per policy: skip, latest or all; ticks after the start always run', () => {
    assert.deepEqual(iso(dueTicks(hourly('skip'), lastFired, now, startedAt)), ['2026-11-23T10:00:00.000Z']);
    assert.deepEqual(iso(dueTicks(hourly('latest'), lastFired, now, startedAt)), ['2026-11-23T09:00:00.000Z', '2026-11-23T10:00:00.000Z']);
    assert.deepEqual(iso(dueTicks(hourly('all'), lastFired, now, startedAt)),
      ['2026-11-23T07:00:00.000Z', '2026-11-23T08:00:00.000Z', '2026-11-23T09:00:00.000Z', '2026-11-23T10:00:00.000Z']);
  });

  it('follows the time zone across daylight-saving changes', () => {
    // 02:30 every day in Paris: on 2026-03-29 that hour does not exist (clocks jump 02:00 -> 03:00).
    const daily = cron('30 2 * * *', { timezone: 'Europe/Paris' });
    const ticks = iso(ticksBetween(daily, new Date('2026-03-27T00:00:00Z'), new Date('2026-03-31T00:00:00Z')));
    assert.deepEqual(ticks.filter((t) => t.startsWith('2026-03-28') || t.startsWith('2026-03-30')), ['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
    assert.equal(ticks.length, 4, 'one run a day, the spring-forward day included');
    // 09:00 in New York is 14:00 UTC in winter and 13:00 UTC in summer.
    const ny = cron('0 9 * * *', { timezone: 'America/New_York' });
    assert.deepEqual(iso(ticksBetween(ny, new Date('2026-03-07T00:00:00Z'), new Date('2026-03-09T23:00:00Z'))),
      ['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z']);
  });

  it('names each tick as a run key with the interval it closes', () => {
    assert.deepEqual(tickRun(hourly('skip'), new Date('2026-11-23T10:00:00Z')), {
      key: 'cron:2026-11-23T10:00:00.000Z',
      params: { interval_start: '2026-11-23T09:00:00.000Z', interval_end: '2026-11-23T10:00:00.000Z' },
    });
  });

  it('refuses an expression it cannot read', () => {
    assert.throws(() => cron('every hour'), /cron\("every hour"\)/);
  });
});
