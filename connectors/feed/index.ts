/** `feed`: RSS and Atom feeds as a polling trigger (`new_items`, one run per new item). */
import { defineConnector, notTested } from '../sdk/index.ts';
import { feedConfig, feedSecrets } from './schemas.ts';
import { newItems } from './triggers/new-items.ts';

export default defineConnector({
  key: 'feed',
  displayName: 'RSS / Atom feed',
  version: '1.0.0',
  description: 'Start a run for every new item of an RSS or Atom feed (polling trigger new_items)',
  config: feedConfig,
  secrets: feedSecrets,
  actions: {},
  pollingTriggers: { new_items: newItems },
  // The URL is each automation's (trigger.config.url): the connection has none to call.
  test: () => Promise.resolve(notTested('the feed URL is set per automation (trigger.config.url); nothing to call')),
});
