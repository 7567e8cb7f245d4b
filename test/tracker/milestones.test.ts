import { describe, expect, it } from 'vitest';
import { parseMilestones, reachedMilestones } from '../../src/tracker/milestones.js';
import { playedPercent } from '../../src/tracker/played-ranges.js';

describe('parseMilestones', () => {
  it('defaults to the quartiles', () => {
    expect(parseMilestones(undefined)).toEqual([25, 50, 75, 100]);
  });

  it('reads an attribute value, sorted, each once', () => {
    expect(parseMilestones('90, 10,50,10')).toEqual([10, 50, 90]);
  });

  it('drops what is not a whole percent from 1 to 100', () => {
    expect(parseMilestones('0,-5,12.5,abc,101,100')).toEqual([100]);
  });

  it('cleans an array as it cleans a string', () => {
    expect(parseMilestones([75, 25, 25, 200])).toEqual([25, 75]);
  });

  it('takes an empty value as no milestones at all (only the played event)', () => {
    expect(parseMilestones('')).toEqual([]);
    expect(parseMilestones([])).toEqual([]);
  });
});

describe('reachedMilestones', () => {
  const quartiles = [25, 50, 75, 100];
  const percent = (played: number, duration: number) => playedPercent([[0, played]], duration);

  it('returns every milestone the played share reaches, in order', () => {
    expect(reachedMilestones(quartiles, [], percent(3.1, 4))).toEqual([25, 50, 75]);
  });

  it('leaves out those already sent', () => {
    expect(reachedMilestones(quartiles, [25, 50], percent(3.1, 4))).toEqual([75]);
  });

  it('reaches a milestone exactly at its boundary, and 100 only for the whole media', () => {
    expect(reachedMilestones(quartiles, [], percent(1, 4))).toEqual([25]);
    expect(reachedMilestones(quartiles, [25, 50, 75], percent(3.999, 4))).toEqual([]);
    expect(reachedMilestones(quartiles, [25, 50, 75], percent(4, 4))).toEqual([100]);
  });

  it('reports nothing when the duration is unknown, 0 or infinite (a live stream)', () => {
    expect(reachedMilestones(quartiles, [], percent(10, NaN))).toEqual([]);
    expect(reachedMilestones(quartiles, [], percent(10, 0))).toEqual([]);
    expect(reachedMilestones(quartiles, [], percent(10, Infinity))).toEqual([]);
  });
});
