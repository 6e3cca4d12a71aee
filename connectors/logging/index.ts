import { z } from 'zod';
import { defineConnector, notTested } from '../sdk/index.ts';
import { log } from './actions/log.ts';

/** Writes a structured log line from a workflow step (no outside calls). */
export default defineConnector({
  key: 'logging',
  displayName: 'Logging',
  version: '1.0.0',
  description: "Write a structured line to Switchboard's log from a step",
  config: z.object({}),
  secrets: z.object({}),
  actions: { log },
  async test() {
    return notTested('logging writes to Switchboard\'s own log; no outbound call to test');
  },
});
