import { describe, expect, it } from 'vitest';
import { HeartbeatSchedule } from '../../server/heartbeat-schedule.ts';

/** How many times each member was due over `ticks` ticks, and the most due at one tick. */
function run(schedule: HeartbeatSchedule<number, string>, ticks: number): { due: Map<number, number>; busiest: number } {
  const due = new Map<number, number>();
  let busiest = 0;
  for (let tick = 0; tick < ticks; tick++) {
    const members = schedule.next();
    busiest = Math.max(busiest, members.size);
    for (const member of members.keys()) due.set(member, (due.get(member) ?? 0) + 1);
  }
  return { due, busiest };
}

describe('heartbeat schedule', () => {
  it('has every member due exactly once per round, a twentieth of them per tick', () => {
    const schedule = new HeartbeatSchedule<number, string>(20);
    for (let member = 0; member < 20_000; member++) schedule.add(member, `value ${member}`);
    const { due, busiest } = run(schedule, 20);
    expect(due.size).toBe(20_000);
    expect([...due.values()].every((count) => count === 1)).toBe(true);
    expect(busiest).toBe(1_000);
  });

  it('never has a removed member due again', () => {
    const schedule = new HeartbeatSchedule<number, string>(4);
    for (let member = 0; member < 8; member++) schedule.add(member, `value ${member}`);
    schedule.delete(3);
    const { due } = run(schedule, 8);
    expect(due.has(3)).toBe(false);
    expect(due.size).toBe(7);
    expect(schedule.size).toBe(7);
    expect(schedule.get(3)).toBeUndefined();
  });

  it('keeps each member\'s value until it is removed, whichever slice holds it', () => {
    const schedule = new HeartbeatSchedule<number, string>(3);
    for (let member = 0; member < 7; member++) schedule.add(member, `value ${member}`);
    expect([0, 1, 2, 3, 4, 5, 6].map((member) => schedule.get(member))).toEqual([0, 1, 2, 3, 4, 5, 6].map((member) => `value ${member}`));
    const due = schedule.next();
    expect([...due]).toEqual([[0, 'value 0'], [3, 'value 3'], [6, 'value 6']]);
  });
});
