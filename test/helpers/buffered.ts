/**
 * Test set-up shared by the buffer, delivery and filter suites: a gateway on a private Redis, and
 * an open endpoint with one subscriber and a few events already accepted through real HTTP ingest.
 */
import assert from 'node:assert/strict';
import type { EndpointRef } from '../../src/redis';
import { startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

/**
 * Creates endpoint `id` (auth none) in `accountId`, subscribes `sub` from new events, then posts
 * each body as text/plain (each must get 202). @returns the endpoint's reference.
 */
export async function endpointWithEvents(
	gw: TestGateway,
	id: string,
	accountId: string,
	bodies: string[],
	sub: string,
): Promise<EndpointRef> {
	await gw.gateway.management.createEndpoint({ id, accountId, auth: { type: 'none' } }, 'test');
	const ref = { id, accountId };
	await gw.gateway.stores.buffer.subscribe(ref, sub, 'new');
	for (const body of bodies) {
		const res = await gw.request(`/hooks/${id}`, {
			method: 'POST',
			body,
			headers: { 'content-type': 'text/plain' },
		});
		assert.equal(res.status, 202, `POST /hooks/${id}: ${res.status}`);
	}
	return ref;
}

export interface GatewayOnRedis {
	redis: RedisServer;
	gw: TestGateway;
	/** Closes the gateway, then stops Redis. */
	stop(): Promise<void>;
}

/**
 * A private redis-server and an in-process gateway on it, with account `accountId` on the
 * unlimited plan (so that limits never decide a case that is about something else).
 */
export async function gatewayOnRedis(accountId: string): Promise<GatewayOnRedis> {
	const redis = await startRedis();
	try {
		const gw = await startTestGateway({ url: redis.url });
		await gw.gateway.management.setAccountPlan(accountId, 'unlimited');
		return {
			redis,
			gw,
			async stop() {
				await gw.close();
				await redis.stop();
			},
		};
	} catch (error) {
		await redis.stop();
		throw error;
	}
}
