import { describe, expect, it } from 'vitest';
import { addPlay, playedSeconds, union, type Run } from '../../src/tracker/played-ranges.js';

describe('addPlay', () => {
  it('extends the last run when play carries on where it stopped', () => {
    const runs: Run[] = [];
    addPlay(runs, 0, 1);
    addPlay(runs, 1, 2.5);
    expect(runs).toEqual([[0, 2.5]]);
  });

  it('starts a new run after a jump, keeping the order things were played in', () => {
    const runs: Run[] = [[0, 2]];
    addPlay(runs, 6, 7);
    addPlay(runs, 1, 3);
    expect(runs).toEqual([
      [0, 2],
      [6, 7],
      [1, 3],
    ]);
  });
});

describe('union', () => {
  it('merges overlapping and touching runs into sorted, disjoint intervals', () => {
    expect(
      union(
        [
          [6, 8],
          [0, 2],
          [1, 3],
          [3, 4],
        ],
        Infinity,
      ),
    ).toEqual([
      [0, 4],
      [6, 8],
    ]);
  });

  it('cuts runs at the end (a duration that shrank) and drops what lies beyond it', () => {
    expect(
      union(
        [
          [0, 5],
          [7, 9],
        ],
        4,
      ),
    ).toEqual([[0, 4]]);
  });

  it('does not reorder the record it reads', () => {
    const runs: Run[] = [
      [5, 6],
      [0, 1],
    ];
    union(runs, Infinity);
    expect(runs[0]).toEqual([5, 6]);
  });
});

describe('playedSeconds', () => {
  it('counts a part watched twice once', () => {
    expect(
      playedSeconds(
        [
          [0, 30],
          [10, 20],
        ],
        60,
      ),
    ).toBe(30);
  });

  it('is 0 for nothing played', () => {
    expect(playedSeconds([], 10)).toBe(0);
  });
});
