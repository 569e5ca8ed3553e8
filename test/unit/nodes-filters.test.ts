/**
 * The triggers' Filters parameter as n8n stores it becomes the filter the delivery loops apply:
 * none when empty (old workflows behave as before), shortcuts and conditions as documented, and an
 * invalid condition refused with a NodeOperationError naming it. The real n8n case is in
 * test/e2e/filters.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeOperationError, type ITriggerFunctions } from 'n8n-workflow';
import { filtersProperty, readFilter } from '../../nodes/shared/filters';
import type { FilterInput } from '../../src/delivery/filter';

function ctx(filters: unknown): ITriggerFunctions {
	const node = {
		id: 'n1',
		name: 'Trigger',
		type: 'n8n-nodes-webhook-gateway.webhookRawTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	return {
		getNode: () => node,
		getNodeParameter: (name: string, fallback: unknown) =>
			name === 'filters' ? (filters ?? fallback) : fallback,
	} as unknown as ITriggerFunctions;
}

const event = (over: Partial<FilterInput>): FilterInput => ({
	method: 'POST',
	path: '',
	headers: {},
	body: {},
	...over,
});

describe('Filters parameter', () => {
	it('is optional with an empty default, so existing workflows keep their behaviour', () => {
		assert.deepEqual(filtersProperty.default, {});
		assert.equal(readFilter(ctx(undefined)), undefined);
		assert.equal(readFilter(ctx({})), undefined);
		assert.equal(
			readFilter(ctx({ combine: 'any', githubEvents: ' , ', conditions: { condition: [] } })),
			undefined,
			'blank shortcuts are no filter',
		);
	});

	it('maps each condition row as the editor stores it', () => {
		const filter = readFilter(
			ctx({
				combine: 'all',
				conditions: {
					condition: [
						{ field: 'header', headerName: 'X-Source', headerOperation: 'glob', value: 'acme-*' },
						{
							field: 'body',
							bodyPath: 'data.status',
							bodyOperation: 'in',
							value: 'paid, refunded',
						},
						{ field: 'body', bodyPath: 'data.id', bodyOperation: 'exists', value: '' },
						{ field: 'method', value: 'post, put' },
						{ field: 'path', value: '/orders/*, /refunds' },
					],
				},
			}),
		);
		assert.ok(filter);
		const good = event({
			path: '/refunds',
			headers: { 'x-source': 'acme-eu' },
			body: { data: { status: 'refunded', id: 5 } },
		});
		assert.equal(filter.matches(good), true);
		assert.equal(filter.matches({ ...good, method: 'GET' }), false);
		assert.equal(filter.matches({ ...good, path: '/other' }), false);
		assert.equal(filter.matches({ ...good, body: { data: { status: 'open', id: 5 } } }), false);
		assert.equal(filter.matches({ ...good, body: { data: { status: 'paid' } } }), false);
		assert.equal(filter.matches({ ...good, headers: { 'x-source': 'other' } }), false);
	});

	it('shortcuts must hold besides the conditions, which combine with any', () => {
		const filter = readFilter(
			ctx({
				githubEvents: 'push',
				combine: 'any',
				conditions: {
					condition: [
						{ field: 'body', bodyPath: 'ref', bodyOperation: 'equals', value: 'refs/heads/main' },
						{ field: 'body', bodyPath: 'forced', bodyOperation: 'equals', value: 'true' },
					],
				},
			}),
		);
		assert.ok(filter);
		assert.equal(
			filter.matches(
				event({
					headers: { 'x-github-event': 'push' },
					body: { ref: 'refs/heads/dev', forced: true },
				}),
			),
			true,
		);
		assert.equal(
			filter.matches(
				event({ headers: { 'x-github-event': 'issues' }, body: { ref: 'refs/heads/main' } }),
			),
			false,
		);
	});

	it('an invalid condition stops activation with a message naming it', () => {
		assert.throws(
			() =>
				readFilter(
					ctx({
						conditions: {
							condition: [{ field: 'body', bodyPath: 'a..b', bodyOperation: 'equals', value: 'x' }],
						},
					}),
				),
			(error: unknown) =>
				error instanceof NodeOperationError &&
				/^Invalid filter: 'a\.\.b' is not a body path/.test(error.message),
		);
		assert.throws(
			() =>
				readFilter(
					ctx({
						conditions: {
							condition: [
								{ field: 'header', headerName: '', headerOperation: 'equals', value: 'x' },
							],
						},
					}),
				),
			/Invalid filter: a header condition needs a header name/,
		);
	});
});
