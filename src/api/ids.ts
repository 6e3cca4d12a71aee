/** The shared id and name schemas live below the API (src/schemas/ids.ts); routers keep this path. */
export * from '../schemas/ids.ts';
