/**
 * A failed attempt at HubSpot, as the stores keep it (a retry's reason, a dead letter's) and
 * the upstream decides it (backoff.ts): shared by both, so neither imports the other.
 */
/** What is kept about a failed attempt: HubSpot's own error fields, when it sent them. */
export interface UpstreamError {
    status?: number;
    failure?: 'timeout' | 'network' | 'expired';
    category?: string;
    message?: string;
    correlationId?: string;
    policyName?: string;
}
