// Placeholder laid down with the repository; the tracker issue (#2) replaces it.
export {};
