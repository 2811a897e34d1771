// The pixel's front door for the server: build the snippet served at GET /pixel.js.
export { buildPixel, type BuiltPixel } from './build-pixel.ts';
export type { HubApi, TrackBody, TrackData, TrackName, TrackResponse } from './src/types.ts';
