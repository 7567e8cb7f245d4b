import type { WireEvent } from '../wire.js';
/** How the tracker runs: the options of `startTracking`, and the script tag's data attributes. */
export interface TrackerOptions {
    /** URL of the proxy the events are posted to (`data-endpoint`). Default: `/media-events` on the page's origin. */
    endpoint?: string;
    /** CSS selector of the media elements to track (`data-selector`). Default: `video, audio`. */
    selector?: string;
    /** Shares of the media actually played to report, in whole percents (`data-milestones="25,50,75,100"`). Default: `[25, 50, 75, 100]`. */
    milestones?: number[];
    /** HubSpot page id sent as `pageId` (`data-page-id`). Default: `window.hsVars.page_id` on HubSpot CMS pages, else none. */
    pageId?: number;
    /** Log every event and every swallowed error to the console (`data-debug`). Default: `false`. */
    debug?: boolean;
    /** `required`: send nothing at all until the visitor consents (`data-consent`). Default: `implied`: events go out, anonymous while the visitor has opted out. */
    consent?: 'implied' | 'required';
    /**
     * Track YouTube and Vimeo iframes too (`startTracking` only: the drop-in always does). The
     * embed support is a chunk of its own, imported (`import()`) when the first embed is found.
     * Default: `false`.
     */
    embeds?: boolean;
    /** Called with every event as it is queued for sending, for a page that shows them. Default: none. */
    onEvent?: (event: WireEvent) => void;
}
/**
 * The options written on the tracker's own script tag as data attributes. The dataset's
 * names are the options' names; the tracker parses `milestones` and `pageId` itself.
 */
export declare function readScriptOptions(script: HTMLOrSVGScriptElement | null): TrackerOptions;
