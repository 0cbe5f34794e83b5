/** Files the bundler inlines as text (see esbuild.mjs and scripts/bundle-options.mjs): stylesheets, browser bundles imported with `?iife`, worker bundles imported with `?worker`. */
declare module '*.css' {
  const text: string;
  export default text;
}

declare module '*?iife' {
  const script: string;
  export default script;
}

declare module '*?worker' {
  /** The CommonJS bundle of a worker thread's entry module, for `new Worker(source, { eval: true })`. */
  const source: string;
  export default source;
}
