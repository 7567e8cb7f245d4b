export interface IntakeRecord {
    seq: number;
    acceptedAt: number;
    count: number;
    /** `{"events":[…]}` as accepted. */
    body: string;
    /** File offset just past this record. */
    end: number;
}
export declare class IntakeJournal {
    readonly file: string;
    private fd;
    /** Bytes in the file. */
    size: number;
    private readonly syncEachWrite;
    private dirty;
    private syncing;
    private syncTimer;
    constructor(file: string, options?: {
        sync?: boolean;
    });
    /** One line per request. A body must not contain a raw newline (JSON.stringify's never does). */
    static line(seq: number, acceptedAt: number, count: number, body: string): string;
    /** Appends `text` (whole lines); returns once the kernel has all of it. */
    append(text: string): void;
    /** Complete records from `offset` on, at most `max` of them. */
    read(offset: number, max: number): IntakeRecord[];
    /** Empties the file (once everything in it has been moved). */
    truncate(): void;
    close(): void;
    private syncSoon;
    /** A line cut short by a crash was never answered; cut it off so appends start clean. */
    private dropTornTail;
}
