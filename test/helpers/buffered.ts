/**
 * Test set-up shared by the buffer and delivery suites: an open endpoint with one subscriber and
 * a few events already accepted through real HTTP ingest.
 */
import assert from 'node:assert/strict';
import type { EndpointRef } from '../../src/redis';
import type { TestGateway } from '../../harness/gateway';

/**
 * Creates endpoint `id` (auth none) in `accountId`, subscribes `sub` from new events, then posts
 * each body as text/plain (each must get 202). @returns the endpoint's reference.
 */
export async function endpointWithEvents(gw: TestGateway, id: string, accountId: string, bodies: string[], sub: string): Promise<EndpointRef> {
	await gw.gateway.management.createEndpoint({ id, accountId, auth: { type: 'none' } }, 'test');
	const ref = { id, accountId };
	await gw.gateway.stores.buffer.subscribe(ref, sub, 'new');
	for (const body of bodies) {
		const res = await gw.request(`/hooks/${id}`, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
		assert.equal(res.status, 202, `POST /hooks/${id}: ${res.status}`);
	}
	return ref;
}
