/**
 * `switchboard/testing`: the connector contract kit for built-in and third-party
 * connectors — a real runtime harness (Temporal worker + database), HTTP provider
 * fakes with fault injection, and the contract checks.
 */
export { connectorContract, connectorJsonSchemas, type ConnectorContractSpec, type ContractCheck } from './contract.ts';
export { createContractHarness, type ActionResult, type ContractHarness, type HarnessOptions } from './harness.ts';
export { httpFake, type ContractFake, type FakeRequest, type FakeResponse, type Fault, type HttpFake } from './http-fake.ts';
export { replayHistories, switchboardBundlerOptions, timeSkippingHarness, type TimeSkippingHarness } from './code-workflows.ts';
