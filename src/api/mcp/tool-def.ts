/** How a tool of Switchboard's own MCP endpoint is declared (see tools.ts for the list). */
import type { z, ZodRawShape } from 'zod';
import type { Principal } from '../../security/principal.ts';
import type { Scope } from '../../security/scopes.ts';
import type { Services } from '../../services.ts';

export interface SwitchboardMcpTool<S extends ZodRawShape = ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: S;
  /** The scope a key needs to call the tool (`admin` implies all). */
  scope: Scope;
  /** Read-only tools are marked so agents may call them without confirmation. */
  readOnly: boolean;
  run(services: Services, args: z.infer<z.ZodObject<S>>, principal: Principal): Promise<unknown>;
}

/** Declares a tool with its handler's argument types inferred from the shape. */
export function defineMcpTool<S extends ZodRawShape>(tool: SwitchboardMcpTool<S>): SwitchboardMcpTool {
  return tool as unknown as SwitchboardMcpTool;
}

