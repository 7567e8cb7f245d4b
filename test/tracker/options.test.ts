import { describe, expect, it } from 'vitest';
import { readScriptOptions } from '../../src/tracker/options.js';

const script = (dataset: Record<string, string>) => ({ dataset }) as unknown as HTMLScriptElement;

describe('readScriptOptions', () => {
  it('reads the data attributes under the options names', () => {
    expect(
      readScriptOptions(
        script({ endpoint: 'https://t.example.com/e', selector: 'video', milestones: '50,100', pageId: '42', consent: 'required' }),
      ),
    ).toEqual({ endpoint: 'https://t.example.com/e', selector: 'video', milestones: '50,100', pageId: '42', consent: 'required', debug: false });
  });

  it('turns debug on for a bare data-debug, and leaves it off for data-debug="false"', () => {
    expect(readScriptOptions(script({ debug: '' })).debug).toBe(true);
    expect(readScriptOptions(script({ debug: 'false' })).debug).toBe(false);
  });

  it('gives no options without a script (a module, or a callback)', () => {
    expect(readScriptOptions(null)).toEqual({ debug: false });
  });
});
