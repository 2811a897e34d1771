// Known bots and crawlers, by user agent, from the maintained `isbot` list (link previewers, search
// crawlers, monitoring, headless browsers, HTTP libraries). Their events are stored, flagged, and kept
// out of matching.
import { isbot } from 'isbot';

export function isKnownBot(userAgent: string | null | undefined): boolean {
  return isbot(userAgent);
}
