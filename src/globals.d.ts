/** Replaced at bundle time by esbuild with package.json's version. */
declare const SLIPWAY_VERSION: string;
