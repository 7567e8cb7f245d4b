// @vitest-environment happy-dom
/**
 * Discovery (discovery.ts, shadow-roots.ts) in happy-dom: media in open shadow roots at any
 * depth, now and later; custom elements defined later, waited for once a name; and the cost
 * rule, that a change is searched alone and nothing is searched twice.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { discover } from '../../src/tracker/discovery.js';

// happy-dom matches `:defined` on every element, defined or not; a browser matches it on
// built-in elements and on custom elements once defined (or upgraded).
const matches = Element.prototype.matches;
Element.prototype.matches = function (this: Element, selector: string) {
  return selector == ':not(:defined)' ? this.localName.includes('-') && !customElements.get(this.localName) : matches.call(this, selector);
};

const guard =
  <A extends unknown[]>(fn: (...args: A) => void) =>
  (...args: A) =>
    fn(...args);

let names = 0;
/** A fresh custom element name (a registry cannot forget one), defined or not: its constructor attaches a root holding `html`. */
function element(html: string, { mode = 'open' as ShadowRootMode, define = true } = {}) {
  const name = `x-${++names}`;
  const define_ = () =>
    customElements.define(
      name,
      class extends HTMLElement {
        constructor() {
          super();
          this.attachShadow({ mode }).innerHTML = html;
        }
      },
    );
  if (define) define_();
  return { name, tag: (attrs = '') => `<${name} ${attrs}></${name}>`, define: define_ };
}

let found: Element[];
let batches: number;
let observer: MutationObserver | undefined;
// What the page tracker's `_stop` turns off, as it disconnects the observer.
let live: boolean;
const start = () => {
  observer = discover('video, audio', (el) => found.push(el), () => batches++, guard, () => live);
};
/** Resolves once the observer has handled one more batch of changes than now. */
const nextBatch = async (change: () => void) => {
  const before = batches;
  change();
  await vi.waitFor(() => expect(batches).toBe(before + 1), { interval: 1 });
};
/** Every element in `root` and in the open shadow roots below it. */
const deep = (root: ParentNode): Element[] =>
  [...root.querySelectorAll('*')].flatMap((el) => [el, ...(el.shadowRoot ? deep(el.shadowRoot) : [])]);
/** Each node `querySelectorAll` ran on, and each element whose shadow root was read. */
function spy() {
  const searched: Node[] = [];
  const looked: Element[] = [];
  // Where each kind of node has it from (happy-dom defines it more than once in the chain).
  const owners = new Set(
    [Element.prototype, Document.prototype, ShadowRoot.prototype].map((proto) => {
      while (!Object.hasOwn(proto, 'querySelectorAll')) proto = Object.getPrototypeOf(proto);
      return proto;
    }),
  );
  for (const proto of owners) {
    const own = Object.getOwnPropertyDescriptor(proto, 'querySelectorAll')!;
    vi.spyOn(proto as Element, 'querySelectorAll').mockImplementation(function (this: Element, selector: string) {
      searched.push(this);
      return own.value.call(this, selector);
    });
  }
  const getter = Object.getOwnPropertyDescriptor(Element.prototype, 'shadowRoot')!.get!;
  vi.spyOn(Element.prototype, 'shadowRoot', 'get').mockImplementation(function (this: Element) {
    looked.push(this);
    return getter.call(this);
  });
  return { searched, looked };
}

const ids = () => found.map((el) => el.id).sort();

beforeEach(() => {
  found = [];
  batches = 0;
  live = true;
  document.body.innerHTML = '';
});
afterEach(() => {
  observer?.disconnect();
  vi.restoreAllMocks();
});

describe('media in shadow roots', () => {
  it('are found at the start, two roots deep, beside those of the document', () => {
    const inner = element('<video id="deep"></video>');
    const outer = element(`<div>${inner.tag()}</div><audio id="shallow"></audio>`);
    document.body.innerHTML = `<video id="light"></video><section>${outer.tag()}</section>`;
    start();
    expect(ids()).toEqual(['deep', 'light', 'shallow']);
  });

  it('are found when their player is added later, and when added or replaced inside a root later', async () => {
    const inner = element('<video id="first"></video>');
    const outer = element(`<p></p>${inner.tag()}`);
    start();
    await nextBatch(() => document.body.insertAdjacentHTML('beforeend', `<main>${outer.tag()}</main>`));
    expect(ids()).toEqual(['first']);
    // The player swaps its video for another, two roots down.
    const root = deep(document.body).find((el) => el.localName == inner.name)!.shadowRoot!;
    await nextBatch(() => {
      const next = document.createElement('video');
      next.id = 'second';
      root.replaceChildren(next);
    });
    expect(ids()).toEqual(['first', 'second']);
  });

  it('are not reached in a closed root, with nothing thrown', () => {
    const closed = element('<video id="closed"></video>', { mode: 'closed' });
    document.body.innerHTML = closed.tag();
    start();
    expect(found).toEqual([]);
  });

  it('a removal anywhere, inside a root too, is told after its batch', async () => {
    const player = element('<div><video id="v"></video></div>');
    document.body.innerHTML = player.tag();
    start();
    const root = document.querySelector(player.name)!.shadowRoot!;
    await nextBatch(() => root.querySelector('div')!.remove());
    await nextBatch(() => document.querySelector(player.name)!.remove());
  });
});

describe('custom elements defined after the start', () => {
  it('are searched once their name is defined, waited for once a name', async () => {
    const late = element('<video></video>', { define: false });
    const inner = element('<audio></audio>', { define: false });
    const host = element(`${inner.tag()}`);
    document.body.innerHTML = `${late.tag('id="a"')}<div>${late.tag('id="b"')}</div>${host.tag()}`;
    const whenDefined = vi.spyOn(customElements, 'whenDefined');
    start();
    expect(found).toEqual([]);
    // Met later, before its definition: waits with the others of its name.
    await nextBatch(() => document.body.insertAdjacentHTML('beforeend', late.tag('id="c"')));
    expect(whenDefined.mock.calls.map(([name]) => name).sort()).toEqual([inner.name, late.name].sort());
    late.define();
    await vi.waitFor(() => expect(found.map((el) => (el.getRootNode() as ShadowRoot).host.id).sort()).toEqual(['a', 'b', 'c']));
    // One inside a root: found once it is defined too.
    inner.define();
    await vi.waitFor(() => expect(found.filter((el) => el.localName == 'audio')).toHaveLength(1));
    expect(whenDefined).toHaveBeenCalledTimes(2);
  });

  it('once stopped (no longer live, the observer disconnected), a name defined later finds nothing, and nothing is watched again', async () => {
    const late = element('<video></video>', { define: false });
    const ready = element('<p></p>');
    document.body.innerHTML = late.tag() + ready.tag();
    start();
    live = false;
    observer!.disconnect();
    late.define();
    // Discovery waited for the name first, so its callback has run when this one resumes.
    await customElements.whenDefined(late.name);
    expect(found).toEqual([]);
    // Changes in a root and in the document: a second observer sees them, and discovery
    // (whose records would come first, its observer being the older) saw nothing.
    const root = document.querySelector(ready.name)!.shadowRoot!;
    const seen: MutationRecord[] = [];
    const witness = new MutationObserver((records) => seen.push(...records));
    for (const target of [root, document]) witness.observe(target, { childList: true, subtree: true });
    root.append(document.createElement('video'));
    document.body.append(document.createElement('audio'));
    await vi.waitFor(() => expect(seen).toHaveLength(2), { interval: 1 });
    witness.disconnect();
    expect([found, batches]).toEqual([[], 0]);
  });

  it('a name defined late after much churn: only the elements of it still in the page were kept', async () => {
    const late = element('', { define: false });
    start();
    // Added and removed again and again, as a framework re-renders a list, 300 in all: the
    // waiting list is weeded as it grows, so a name never defined holds no removed elements.
    for (let i = 0; i < 30; i++) {
      document.body.replaceChildren();
      await nextBatch(() => document.body.insertAdjacentHTML('beforeend', late.tag().repeat(10)));
    }
    const { looked } = spy();
    late.define();
    // What was kept is read once the name is defined: the 10 in the page, and few of the 290 gone.
    const kept = (connected: boolean) => new Set(looked.filter((el) => el.isConnected == connected)).size;
    await vi.waitFor(() => expect(kept(true)).toBe(10));
    expect(kept(false)).toBeLessThan(100);
  });
});

describe('cost', () => {
  it('a page of 500 custom elements without media: each looked at once, and a change searched alone', async () => {
    const button = element('<span><b>label</b></span>');
    const icon = element('<i></i>', { define: false });
    const player = element('<video></video>');
    document.body.innerHTML = `<div>${`${button.tag()}${icon.tag()}`.repeat(250)}</div><p>${player.tag()}</p>`;
    const all = deep(document);
    const { searched, looked } = spy();
    start();
    // Every element once, the document's and each root's, and nothing twice.
    expect(looked).toHaveLength(all.length);
    expect(new Set(looked)).toEqual(new Set(all));
    expect(found).toHaveLength(1);
    searched.length = looked.length = 0;

    // A change in the document: only what was added is searched.
    const added = document.createElement('div');
    added.innerHTML = button.tag();
    await nextBatch(() => document.body.append(added));
    const [searchedNow, lookedNow] = [[...searched], [...looked]];
    const addedRoot = added.firstElementChild!.shadowRoot!;
    expect(new Set(searchedNow)).toEqual(new Set([added, addedRoot]));
    expect(lookedNow).toEqual([added, ...deep(added)]);

    // A change inside one of the roots (a control redrawing its label): that node alone.
    const root = document.querySelector(button.name)!.shadowRoot!;
    searched.length = looked.length = 0;
    const label = document.createElement('b');
    await nextBatch(() => root.querySelector('span')!.replaceChildren(label));
    expect(searched).toEqual([label]);
    expect(looked).toEqual([label]);
    searched.length = looked.length = 0;

    // 250 elements of a name defined later: each is looked at once more, and the <i> in its new root once.
    icon.define();
    await vi.waitFor(() => expect(looked).toHaveLength(500));
    expect(new Set(looked).size).toBe(500);
    expect(searched.filter((node) => node == document || node == document.body)).toEqual([]);
  });
});
