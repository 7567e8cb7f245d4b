import { describe, expect, it } from 'vitest';
import { parseMilestones } from '../../src/tracker/milestones.js';

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
