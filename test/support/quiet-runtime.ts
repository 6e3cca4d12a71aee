// Test processes: the Temporal SDK logs every expected activity failure at WARN,
// which buries the runner's output. Keep only its errors.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('ERROR') });
