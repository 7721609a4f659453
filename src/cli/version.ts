/** The package version: inlined by esbuild, read from package.json when running unbundled (tests). */
export function slipwayVersion(): string {
  if (typeof SLIPWAY_VERSION === 'string') return SLIPWAY_VERSION;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../package.json') as { version: string }).version;
}
