/** A Lua script's source, inlined at build time (rollup.config.mjs) and by vitest. */
declare module '*.lua?raw' {
  const source: string;
  export default source;
}
