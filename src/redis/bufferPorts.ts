/**
 * What each caller of the event buffer may do with it, as one interface per caller (BufferStore in
 * buffer.ts implements all of them): delivery loops read, renew, acknowledge and fail events; the
 * admin side looks at the buffer and its dead letters; lifecycle code subscribes triggers and runs
 * housekeeping. The data shapes the buffer hands out live here too. This file has no runtime
 * import (types only), so src/delivery, src/management and the nodes can depend on it, and tests
 * can implement a port honestly, without loading ioredis or the Redis scripts.
 */
import type { SubscriberGap } from './subscriberGaps';
import type { StoredEntry } from './streamSchema';
import type { EndpointRef, SubscriberMeta } from './subscribers';

export type { EndpointRef } from './subscribers';

/** One buffered event as stored (its layout: src/redis/streamSchema.ts). */
export type { StoredEntry };

export interface DeadLetter {
	/** Id of the dead letter itself (replay / delete take it). */
	id: string;
	subscriberId: string;
	attempts: number;
	error: string;
	deadAtMs: number;
	entry: StoredEntry;
}

/** What one read returned besides the events. */
export interface ReadResult {
	entries: StoredEntry[];
	/** Refs dead-lettered by the read: their runs never reported back `maxAttempts` times. */
	deadLettered: string[];
	/** Refs at the attempt limit kept pending (not delivered) because the dead letters are full. */
	held: string[];
	/** The byte cap (`maxBytes`) ended the batch: more may be waiting. */
	bytesFull: boolean;
}

/** What a failed delivery did (see BufferStore.recordFailure). */
export interface NackResult {
	/** Refs moved to the dead letters. */
	dead: string[];
	/** Refs at the attempt limit that stay pending because the dead letters are at their cap. */
	held: string[];
}

export interface ReadOptions {
	/** Refs already in flight in this process (not returned again). */
	skip?: ReadonlySet<string>;
	/** Wait this long (ms) for a new event when nothing is there (a connection of its own). */
	blockMs?: number;
	/** See BufferStore.read. */
	reclaimAfterMs?: number;
	/** Most bytes (stored size) in one batch; at least one event is returned. 0/undefined: no cap. */
	maxBytes?: number;
	/**
	 * Dead-letter pending entries that were delivered this many times without an acknowledgement
	 * (runs that failed or never reported back) instead of delivering them again. 0/undefined: off.
	 */
	maxAttempts?: number;
}

/** What a delivery loop (batch release, raw consumer, their filters and the releaser) uses. */
export interface BufferDelivery {
	/** Reads a subscriber's next events, pending first; see BufferStore.read. */
	readBatch(
		ep: EndpointRef,
		sub: string,
		count: number,
		options?: ReadOptions,
	): Promise<ReadResult>;
	/** Restarts the idle time of entries still being worked on. @returns entries renewed */
	renew(ep: EndpointRef, sub: string, refs: readonly string[]): Promise<number>;
	/** Gives back entries read but never handed to a run (no failed attempt counted). */
	unread(ep: EndpointRef, sub: string, refs: readonly string[]): Promise<number>;
	/** Acknowledges processed entries and trims what every subscriber acknowledged. */
	ack(ep: EndpointRef, sub: string, refs: string[]): Promise<{ acked: number; trimmed: number }>;
	/** Acknowledges entries the subscriber's filter left out and counts them. @returns entries acknowledged */
	ackFiltered(ep: EndpointRef, sub: string, refs: string[]): Promise<number>;
	/** Records a failed run; entries at `maxAttempts` become dead letters (or stay held). */
	recordFailure(
		ep: EndpointRef,
		sub: string,
		refs: string[],
		maxAttempts: number,
		error: string,
	): Promise<NackResult>;
	/** Failed attempts so far per ref. */
	attempts(ep: EndpointRef, sub: string, refs: string[]): Promise<number[]>;
	/** Records that the subscriber is alive; false when it is not registered any more. */
	touch(ep: EndpointRef, sub: string): Promise<boolean>;
	/** Events waiting for one subscriber (new + pending + replayed). */
	waiting(ep: EndpointRef, sub: string): Promise<number>;
	/** Takes or extends the subscriber's release lease for `ttlMs` milliseconds. @returns whether this owner holds it */
	takeLease(ep: EndpointRef, sub: string, owner: string, ttlMs: number): Promise<boolean>;
	/** Gives the release lease up when this owner holds it. */
	releaseLease(ep: EndpointRef, sub: string, owner: string): Promise<void>;
}

/** What admin reads and actions use (management service, alerts, metrics, manual test runs): nothing is consumed. */
export interface BufferAdmin {
	/** Events in the buffer and the receive time (ms since the epoch) of the oldest. */
	depth(ep: EndpointRef): Promise<{ length: number; oldestReceivedAtMs: number | null }>;
	/** Bytes the endpoint's buffered events hold. */
	storedBytes(ep: EndpointRef): Promise<number>;
	deadLetterCount(ep: EndpointRef): Promise<number>;
	/** The cap on one endpoint's dead letters (0 = none). */
	readonly deadLetterCap: number;
	/** Newest (or oldest) buffered events. */
	peek(ep: EndpointRef, count: number, order?: 'newest' | 'oldest'): Promise<StoredEntry[]>;
	/** Waits up to `blockMs` milliseconds for the next event after `afterId` ('$' = from now). */
	waitForNext(ep: EndpointRef, blockMs: number, afterId?: string): Promise<StoredEntry | undefined>;
	/** Dead letters oldest first, up to `count`, after the dead-letter id `after`. */
	deadLetters(ep: EndpointRef, count?: number, after?: string): Promise<DeadLetter[]>;
	/** Puts dead letters back in front of their subscriber's queue (all when `ids` is empty). */
	replay(ep: EndpointRef, ids?: string[]): Promise<{ replayed: string[]; skipped: string[] }>;
	/** @returns dead letters deleted */
	deleteDeadLetters(ep: EndpointRef, ids: string[]): Promise<number>;
}

/** What one housekeeping pass did to an endpoint's buffer. */
export interface MaintainResult {
	/** Subscribers dropped for being unseen too long. */
	droppedSubscribers: string[];
	/** Events trimmed because every subscriber had acknowledged them. */
	trimmed: number;
	/** Events removed by age that some subscriber had not acknowledged. */
	discarded: { entries: number; bytes: number };
}

/** What trigger activation and housekeeping use. */
export interface BufferLifecycle {
	/** Registers (or resumes) a subscriber; see SubscriberStore.subscribe. */
	subscribe(
		ep: EndpointRef,
		sub: string,
		from: 'new' | 'oldest',
		meta?: SubscriberMeta,
	): Promise<SubscriberGap | undefined>;
	/**
	 * Drops subscribers unseen for `subscriberRetentionMs`, trims what every subscriber
	 * acknowledged, then events older than `eventRetentionMs` (0 = never by age).
	 */
	maintain(
		ep: EndpointRef,
		subscriberRetentionMs: number,
		eventRetentionMs: number,
	): Promise<MaintainResult>;
}
