export interface Consent {
    /** Whether events may be sent at all. */
    _send(): boolean;
    /** Whether `hubspotutk` and `_hsenc` may be read and sent. */
    _identify(): boolean;
    /** Records a consent manager's answer. */
    _set(granted: boolean): void;
}
export declare function createConsent(required: boolean): Consent;
