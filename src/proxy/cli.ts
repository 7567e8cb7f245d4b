// Placeholder laid down with the repository; the proxy issue (#3) replaces it.
export {};
