/** Built-in connectors, one folder each. */
import type { ConnectorDefinition } from './sdk/index.ts';
import email from './email/index.ts';
import feed from './feed/index.ts';
import github from './github/index.ts';
import githubOAuth from './github/oauth.ts';
import googleSheets from './google-sheets/index.ts';
import http from './http/index.ts';
import jira from './jira/index.ts';
import logging from './logging/index.ts';
import postgres from './postgres/index.ts';
import s3 from './s3/index.ts';
import sendgrid from './sendgrid/index.ts';
import shopify from './shopify/index.ts';
import slack from './slack/index.ts';
import slackOAuth from './slack/oauth.ts';
import stripe from './stripe/index.ts';
import telegram from './telegram/index.ts';
import twilio from './twilio/index.ts';
import webhook from './webhook/index.ts';
import openai from './openai/index.ts';
import anthropic from './anthropic/index.ts';
import cohere from './cohere/index.ts';
import qdrant from './qdrant/index.ts';
import pinecone from './pinecone/index.ts';

export const BUILTIN_CONNECTORS: ConnectorDefinition[] = [
  http,
  slack,
  github,
  jira,
  stripe,
  telegram,
  postgres,
  email,
  logging,
  shopify,
  twilio,
  webhook,
  feed,
  openai,
  anthropic,
  cohere,
  sendgrid,
  s3,
  qdrant,
  pinecone,
  googleSheets,
  githubOAuth,
  slackOAuth,
] as unknown as ConnectorDefinition[];
