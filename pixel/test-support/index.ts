// Test helpers for the pixel and for end-to-end browser tests against the hub.
export { launchChromium, CHROMIUM_PATH, type LaunchChromiumOptions } from './launch-chromium.ts';
export { serveLandingPage, type LandingPage, type ServeLandingPageOptions } from './serve-landing-page.ts';
export {
  startFakeHub,
  defaultAnswer,
  FAKE_PUBLIC_KEY,
  type FakeHub,
  type FakeHubOptions,
  type RecordedTrack,
} from './fake-hub.ts';
export { buildPixelInternals } from './pixel-internals.ts';
