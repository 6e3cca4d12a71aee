import { AgentThread, AgentThreadSchema } from './agent-thread.ts';
import { ApiKey, ApiKeySchema } from './api-key.ts';
import { ApproverGroup, ApproverGroupSchema } from './approver-group.ts';
import { ConsoleSession, ConsoleSessionSchema } from './session.ts';
import { ApprovalLinkUse, ApprovalLinkUseSchema, Automation, AutomationSchema, AutomationVersion, AutomationVersionSchema } from './automation.ts';
import { Connection, ConnectionSchema } from './connection.ts';
import { EventDuplicate, EventDuplicateSchema } from './event-duplicate.ts';
import { EventRecord, EventRecordSchema } from './event-record.ts';
import { EventWait, EventWaitChannel, EventWaitChannelSchema, EventWaitSchema } from './event-wait.ts';
import { McpServer, McpServerSchema } from './mcp-server.ts';
import { PollStateRecord, PollStateSchema } from './poll-state.ts';
import { PrincipalProfile, PrincipalProfileSchema } from './principal.ts';
import { OAuthApp, OAuthAppSchema, OAuthFlow, OAuthFlowSchema } from './oauth.ts';
import { RagChunk, RagChunkSchema, RagDocument, RagDocumentSchema, RagIndex, RagIndexSchema } from './rag.ts';

export { ApiKey, ConsoleSession, Connection, EventDuplicate, EventRecord, EventWait, EventWaitChannel, McpServer, OAuthApp, OAuthFlow, PollStateRecord, RagChunk, RagDocument, RagIndex };
export { ApprovalLinkUse, Automation, AutomationVersion };
export { PrincipalProfile };
export { AgentThread };
export { ApproverGroup };
export type { RagChunkingConfig, RagEmbeddingConfig, RagStoreConfig } from './rag.ts';

/** Every entity schema; the ORM and the migration generator use this list. */
export const ENTITIES = [ApiKeySchema, ConnectionSchema, McpServerSchema, RagIndexSchema, RagDocumentSchema, RagChunkSchema, AutomationSchema, AutomationVersionSchema, ApprovalLinkUseSchema, ConsoleSessionSchema, EventDuplicateSchema, EventRecordSchema, EventWaitSchema, EventWaitChannelSchema, PollStateSchema, PrincipalProfileSchema, OAuthAppSchema, OAuthFlowSchema, AgentThreadSchema, ApproverGroupSchema];
