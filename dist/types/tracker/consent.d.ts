export interface Consent {
    /** Whether events may be sent at all. */
    _send(): boolean;
    /** Whether `hubspotutk` and `_hsenc` may be read and sent. */
    _identify(): boolean;
    /** Records a consent manager's answer. */
    _set(granted: boolean): void;
}
/** `changed` hears of each answer of the visitor's, the banner's or a consent manager's. */
export declare function createConsent(required: boolean, changed: () => void): Consent;
