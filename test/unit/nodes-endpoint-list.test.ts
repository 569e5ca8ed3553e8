/**
 * The trigger nodes' endpoint list entries: name, id and URL for every endpoint; for a provider
 * preset also the provider's name, a link to its guide and its setup hint as the link's tooltip.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { endpointListItem, PROVIDER_GUIDES_URL } from '../../nodes/shared/endpointLocator';
import { PRESETS } from '../../src/auth/catalog';

const URL = 'https://hooks.example.com/hooks/orders';

describe('endpoint list entry', () => {
	it('a GitHub endpoint names GitHub, links to its guide and carries the setup hint', () => {
		const item = endpointListItem({
			id: 'orders',
			name: 'Orders',
			enabled: true,
			url: URL,
			auth: { type: 'hmac', preset: 'github' },
		});
		assert.equal(item.name, `Orders (orders) — ${URL} · GitHub`);
		assert.equal(item.value, 'orders');
		assert.equal(item.url, `${PROVIDER_GUIDES_URL}github.md`);
		assert.match(
			item.linkAlt ?? '',
			/^GitHub setup: Repository or organization Settings → Webhooks → Add webhook: Payload URL = the endpoint URL/,
		);
		assert.equal(item.description, item.linkAlt);
	});

	it('an endpoint without a preset keeps its URL as link and description', () => {
		const item = endpointListItem({
			id: 'plain',
			name: 'plain',
			enabled: false,
			url: URL,
			auth: { type: 'header', headerName: 'authorization', prefix: 'Bearer ' },
		});
		assert.deepEqual(item, {
			name: `plain [disabled] — ${URL}`,
			value: 'plain',
			description: URL,
			url: URL,
		});
	});

	it('every preset links to a guide that exists in docs/providers/', () => {
		for (const p of PRESETS) {
			const item = endpointListItem({
				id: 'e1',
				name: 'e1',
				enabled: true,
				url: URL,
				auth: { type: 'hmac', preset: p.id },
			});
			assert.ok(item.url?.startsWith(PROVIDER_GUIDES_URL), p.id);
			assert.ok(existsSync(join(__dirname, '..', '..', 'docs', 'providers', p.docs)), p.docs);
			assert.ok(item.linkAlt?.includes(p.setupHint), p.id);
		}
	});
});
