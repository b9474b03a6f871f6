import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Typed keys of the contract's search attributes, shared by the client and the workflow. */
export const QueueItemIdKey = defineSearchAttributeKey('QueueItemId', SearchAttributeType.KEYWORD);
export const ExtractionStatusKey = defineSearchAttributeKey('ExtractionStatus', SearchAttributeType.KEYWORD);
export const ConfigurationIdKey = defineSearchAttributeKey('ConfigurationId', SearchAttributeType.KEYWORD);
