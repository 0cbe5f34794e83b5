/** Files the bundler inlines as text (see esbuild.mjs): stylesheets, and browser bundles imported with `?iife`. */
declare module '*.css' {
  const text: string;
  export default text;
}

declare module '*?iife' {
  const script: string;
  export default script;
}
