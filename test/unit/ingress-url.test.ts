/**
 * Where the Webhook Gateway Ingress node finds the endpoint in n8n's request URL: after
 * `/<webhook id>/hooks/`, whatever n8n's webhook prefix is called (N8N_ENDPOINT_WEBHOOK may be
 * "hooks" itself), with the sub-path and query kept as on the gateway's own port.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mountOf } from '../../nodes/WebhookGatewayIngress/ingress';
import { hookTargetUnder } from '../../src/gateway/ingress';

const target = (url: string, webhookId?: string) => hookTargetUnder(url, mountOf(url, webhookId));

describe('Ingress URL on n8n', () => {
	it('finds the endpoint, sub-path and query after the webhook id', () => {
		assert.deepEqual(target('/webhook/gateway/hooks/orders/a/b%20c?x=1&y=2', 'gateway'), {
			endpointId: 'orders',
			subPath: '/a/b c',
			query: 'x=1&y=2',
		});
		assert.deepEqual(target('/webhook/gateway/hooks/orders', 'gateway'), {
			endpointId: 'orders',
			subPath: '',
			query: '',
		});
	});
	it('is anchored on the webhook id, so a webhook prefix named "hooks" does not confuse it', () => {
		assert.equal(mountOf('/hooks/gateway/hooks/orders', 'gateway'), '/hooks/gateway');
		assert.deepEqual(target('/hooks/gateway/hooks/orders', 'gateway')?.endpointId, 'orders');
		assert.deepEqual(target('/custom/a/b/4f1c/hooks/hooks/x', '4f1c'), {
			endpointId: 'hooks',
			subPath: '/x',
			query: '',
		});
	});
	it('gives no target (the ingest answers 404) when the URL does not hold the webhook id and /hooks/', () => {
		assert.equal(target('/webhook/other/hooks/orders', 'gateway'), undefined);
		assert.equal(target('/webhook/gateway/hooks/', 'gateway'), undefined);
	});
	it('answers a malformed escape with 400 invalid_request', () => {
		assert.throws(
			() => target('/webhook/gateway/hooks/%E0%A4%A', 'gateway'),
			(e: any) => e.status === 400 && e.code === 'invalid_request',
		);
	});
});
