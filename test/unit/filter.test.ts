/** Event filters: every operator, globs, body paths (missing, arrays, wildcards), non-JSON bodies, shortcuts, validation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
	compileFilter,
	globMatch,
	isEmptyFilter,
	parsePath,
	type FilterCondition,
	type FilterInput,
} from '../../src/delivery/filter';
import { filterSpecOf, shortcutConditions } from '../../src/delivery/filterPresets';
import { ValidationError } from '../../src/errors';

const event = (over: Partial<FilterInput> = {}): FilterInput => ({
	method: 'POST',
	path: '',
	headers: {},
	body: {},
	...over,
});
const one = (c: FilterCondition) => compileFilter({ combine: 'all', conditions: [c] });

const push = event({
	headers: { 'x-github-event': 'push', 'content-type': 'application/json' },
	body: {
		ref: 'refs/heads/main',
		commits: [
			{ id: 'a1', added: ['x.ts'] },
			{ id: 'b2', added: [] },
		],
		repository: { name: 'gw', private: false, stars: 7, license: null },
	},
});

describe('globMatch', () => {
	it('* matches any run (also empty, also across /), ? exactly one character, the rest literally', () => {
		assert.equal(globMatch('orders/*', 'orders/create'), true);
		assert.equal(globMatch('orders/*', 'orders/'), true);
		assert.equal(globMatch('orders/*', 'order/create'), false);
		assert.equal(globMatch('*', ''), true);
		assert.equal(globMatch('', ''), true);
		assert.equal(globMatch('', 'x'), false);
		assert.equal(globMatch('a*b*c', 'a/x/b/y/c'), true);
		assert.equal(globMatch('a*b*c', 'a/x/b/y/d'), false);
		assert.equal(globMatch('v?', 'v1'), true);
		assert.equal(globMatch('v?', 'v'), false);
		assert.equal(globMatch('v?', 'v12'), false);
		assert.equal(globMatch('a.b', 'axb'), false, 'regex characters are literal');
		assert.equal(globMatch('(x+)+', '(x+)+'), true);
		assert.equal(globMatch('INVOICE.*', 'invoice.paid'), false, 'case-sensitive');
	});

	it('stays fast on patterns that make backtracking regexes explode', () => {
		const text = 'a'.repeat(5000);
		const started = process.hrtime.bigint();
		assert.equal(globMatch(`${'*a'.repeat(50)}b`, text), false);
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		// Bounded by text × pattern steps (~500k here); a backtracking regex takes astronomically long.
		assert.ok(ms < 2000, `took ${ms} ms`);
	});
});

describe('header conditions', () => {
	it('equals, contains, glob and exists; names are case-insensitive, values case-sensitive', () => {
		assert.equal(
			one({ kind: 'header', name: 'X-GitHub-Event', op: 'equals', value: 'push' }).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'header', name: 'x-github-event', op: 'equals', value: 'Push' }).matches(push),
			false,
		);
		assert.equal(
			one({ kind: 'header', name: 'content-type', op: 'contains', value: 'json' }).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'header', name: 'content-type', op: 'contains', value: 'xml' }).matches(push),
			false,
		);
		assert.equal(
			one({ kind: 'header', name: 'content-type', op: 'glob', value: 'application/*' }).matches(
				push,
			),
			true,
		);
		assert.equal(
			one({ kind: 'header', name: 'content-type', op: 'glob', value: 'text/*' }).matches(push),
			false,
		);
		assert.equal(one({ kind: 'header', name: 'x-github-event', op: 'exists' }).matches(push), true);
		assert.equal(one({ kind: 'header', name: 'x-missing', op: 'exists' }).matches(push), false);
	});

	it('a missing header matches no operation, not even contains of an empty string', () => {
		assert.equal(
			one({ kind: 'header', name: 'x-missing', op: 'contains', value: '' }).matches(push),
			false,
		);
		assert.equal(
			one({ kind: 'header', name: 'x-missing', op: 'glob', value: '*' }).matches(push),
			false,
		);
	});
});

describe('body conditions', () => {
	it('equals compares strings as they are and numbers, booleans and null by their JSON text', () => {
		assert.equal(
			one({ kind: 'body', path: 'ref', op: 'equals', value: 'refs/heads/main' }).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'body', path: 'repository.stars', op: 'equals', value: '7' }).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'body', path: 'repository.private', op: 'equals', value: 'false' }).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'body', path: 'repository.license', op: 'equals', value: 'null' }).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'body', path: 'repository', op: 'equals', value: '[object Object]' }).matches(
				push,
			),
			false,
			'objects never equal a text',
		);
	});

	it('in: one of the values; glob: one of the patterns', () => {
		assert.equal(
			one({
				kind: 'body',
				path: 'ref',
				op: 'in',
				values: ['refs/heads/dev', 'refs/heads/main'],
			}).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'body', path: 'ref', op: 'in', values: ['refs/heads/dev'] }).matches(push),
			false,
		);
		assert.equal(
			one({
				kind: 'body',
				path: 'ref',
				op: 'glob',
				values: ['refs/tags/*', 'refs/heads/ma*'],
			}).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'body', path: 'ref', op: 'glob', values: ['refs/tags/*'] }).matches(push),
			false,
		);
	});

	it('exists is true for any value, null included, and false for a missing path', () => {
		assert.equal(
			one({ kind: 'body', path: 'repository.license', op: 'exists' }).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'body', path: 'repository.owner', op: 'exists' }).matches(push),
			false,
		);
		assert.equal(
			one({ kind: 'body', path: 'repository.name.first', op: 'exists' }).matches(push),
			false,
			'through a string',
		);
		assert.equal(
			one({ kind: 'body', path: 'ref.length', op: 'exists' }).matches(push),
			false,
			'no properties of strings',
		);
		assert.equal(
			one({ kind: 'body', path: 'constructor', op: 'exists' }).matches(push),
			false,
			'only own keys',
		);
	});

	it('arrays: an index picks one element, a key or * fans out, a path ending at an array matches if one element does', () => {
		assert.equal(
			one({ kind: 'body', path: 'commits[1].id', op: 'equals', value: 'b2' }).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'body', path: 'commits.0.id', op: 'equals', value: 'b2' }).matches(push),
			false,
		);
		assert.equal(one({ kind: 'body', path: 'commits[5].id', op: 'exists' }).matches(push), false);
		assert.equal(
			one({ kind: 'body', path: 'commits.*.id', op: 'equals', value: 'b2' }).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'body', path: 'commits.id', op: 'in', values: ['zz', 'a1'] }).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'body', path: 'commits[*].added', op: 'equals', value: 'x.ts' }).matches(push),
			true,
		);
		assert.equal(
			one({ kind: 'body', path: 'commits[1].added', op: 'exists' }).matches(push),
			false,
			'an empty array holds nothing',
		);
		assert.equal(
			one({ kind: 'body', path: 'repository.*', op: 'equals', value: 'gw' }).matches(push),
			true,
			'* over an object',
		);
		assert.equal(
			one({ kind: 'body', path: '0.type', op: 'equals', value: 'a' }).matches(
				event({ body: [{ type: 'a' }] }),
			),
			true,
			'a top-level array',
		);
	});

	it('non-JSON bodies (text, base64 fallback, empty) match no body condition; form fields do', () => {
		for (const body of ['ref=refs/heads/main', '', 'aGVsbG8=', null, 42]) {
			assert.equal(
				one({ kind: 'body', path: 'ref', op: 'exists' }).matches(event({ body })),
				false,
				JSON.stringify(body),
			);
		}
		assert.equal(
			one({ kind: 'body', path: 'Body', op: 'equals', value: 'hi' }).matches(
				event({ body: { Body: 'hi' } }),
			),
			true,
		);
	});
});

describe('method, sub-path, combining', () => {
	it('method is case-insensitive; sub-path globs; an empty sub-path pattern matches only no sub-path', () => {
		assert.equal(one({ kind: 'method', values: ['get', 'Post'] }).matches(push), true);
		assert.equal(one({ kind: 'method', values: ['PUT'] }).matches(push), false);
		const orders = event({ path: '/orders/42' });
		assert.equal(one({ kind: 'path', patterns: ['/orders/*'] }).matches(orders), true);
		assert.equal(one({ kind: 'path', patterns: ['/orders/?'] }).matches(orders), false);
		assert.equal(one({ kind: 'path', patterns: [''] }).matches(orders), false);
		assert.equal(one({ kind: 'path', patterns: [''] }).matches(push), true);
	});

	it('all / any, nested groups, and explain names what failed', () => {
		const isPush: FilterCondition = {
			kind: 'header',
			name: 'x-github-event',
			op: 'equals',
			value: 'push',
		};
		const isDev: FilterCondition = {
			kind: 'body',
			path: 'ref',
			op: 'equals',
			value: 'refs/heads/dev',
		};
		assert.equal(
			compileFilter({ combine: 'all', conditions: [isPush, isDev] }).matches(push),
			false,
		);
		assert.equal(
			compileFilter({ combine: 'any', conditions: [isPush, isDev] }).matches(push),
			true,
		);
		const nested = compileFilter({
			combine: 'all',
			conditions: [
				isPush,
				{
					kind: 'group',
					combine: 'any',
					conditions: [isDev, { kind: 'method', values: ['POST'] }],
				},
			],
		});
		assert.equal(nested.matches(push), true);
		const all = compileFilter({ combine: 'all', conditions: [isPush, isDev] });
		assert.equal(all.explain(push), "body ref equals 'refs/heads/dev' does not hold");
		assert.equal(all.explain({ ...push, body: { ref: 'refs/heads/dev' } }), undefined);
		assert.match(
			compileFilter({ combine: 'any', conditions: [isDev] }).explain(push) ?? '',
			/none of these holds: body ref equals/,
		);
	});

	it('no conditions match everything and count as empty', () => {
		assert.equal(compileFilter({ combine: 'all', conditions: [] }).matches(push), true);
		assert.equal(compileFilter({ combine: 'any', conditions: [] }).matches(push), true);
		assert.equal(isEmptyFilter(filterSpecOf({}, 'any', [])), true);
		assert.equal(isEmptyFilter(filterSpecOf({ githubEvents: 'push' }, 'all', [])), false);
	});
});

describe('validation', () => {
	const invalid = (c: unknown, pattern: RegExp) =>
		assert.throws(
			() => compileFilter({ combine: 'all', conditions: [c as FilterCondition] }),
			(e: unknown) => e instanceof ValidationError && pattern.test(e.message),
		);
	it('refuses conditions that cannot be meant, naming what is wrong', () => {
		invalid({ kind: 'header', name: ' ', op: 'equals', value: 'x' }, /header name/);
		invalid({ kind: 'header', name: 'x', op: 'equals' }, /needs a value/);
		invalid({ kind: 'header', name: 'x', op: 'regex', value: 'x' }, /unknown header operation/);
		invalid({ kind: 'body', path: 'a..b', op: 'exists' }, /not a body path/);
		invalid({ kind: 'body', path: 'a', op: 'in', values: [] }, /at least one value/);
		invalid({ kind: 'method', values: [] }, /at least one value/);
		invalid({ kind: 'script', code: '1' }, /unknown filter condition/);
		invalid({ kind: 'header', name: 'x', op: 'glob', value: 'a'.repeat(1001) }, /limited to 1000/);
		assert.throws(
			() => compileFilter({ combine: 'some' as 'all', conditions: [] }),
			/'all' or 'any'/,
		);
		const many = Array.from(
			{ length: 101 },
			(): FilterCondition => ({ kind: 'method', values: ['POST'] }),
		);
		assert.throws(() => compileFilter({ combine: 'all', conditions: many }), /at most 100/);
	});

	it('parsePath accepts dots, [n] and [*]', () => {
		assert.deepEqual(parsePath('a.b[0].c[*]'), ['a', 'b', '0', 'c', '*']);
		assert.deepEqual(parsePath(' event.type '), ['event', 'type']);
	});
});

describe('provider shortcuts', () => {
	const f = (shortcuts: Parameters<typeof shortcutConditions>[0]) =>
		compileFilter(filterSpecOf(shortcuts, 'all', []));
	it('GitHub event + branch from ref (branch names become refs/heads/…, globs allowed)', () => {
		assert.equal(f({ githubEvents: 'push', githubBranches: 'main' }).matches(push), true);
		assert.equal(
			f({ githubEvents: 'pull_request, issues', githubBranches: 'main' }).matches(push),
			false,
		);
		assert.equal(f({ githubEvents: 'push', githubBranches: 'release/*' }).matches(push), false);
		assert.equal(f({ githubBranches: 'release/*, main' }).matches(push), true);
		assert.equal(
			f({ githubBranches: 'refs/heads/main' }).matches(push),
			true,
			'a full ref is taken as it is',
		);
		assert.equal(
			f({ githubBranches: 'main' }).matches({ ...push, body: { action: 'opened' } }),
			false,
			'events without a ref do not pass a branch filter',
		);
	});

	it('Stripe event type, Shopify topic, Slack event type', () => {
		const stripe = event({ body: { type: 'customer.subscription.updated' } });
		assert.equal(
			f({ stripeEventTypes: 'invoice.paid, customer.subscription.*' }).matches(stripe),
			true,
		);
		assert.equal(f({ stripeEventTypes: 'invoice.paid' }).matches(stripe), false);
		const shopify = event({ headers: { 'x-shopify-topic': 'orders/create' } });
		assert.equal(f({ shopifyTopics: 'orders/*' }).matches(shopify), true);
		assert.equal(f({ shopifyTopics: 'products/update' }).matches(shopify), false);
		const slack = event({ body: { type: 'event_callback', event: { type: 'app_mention' } } });
		assert.equal(f({ slackEventTypes: 'message, app_mention' }).matches(slack), true);
		assert.equal(f({ slackEventTypes: 'message' }).matches(slack), false);
	});

	it('shortcuts and the user conditions must all hold; the conditions combine as asked', () => {
		const spec = filterSpecOf({ githubEvents: 'push' }, 'any', [
			{ kind: 'body', path: 'ref', op: 'equals', value: 'refs/heads/dev' },
			{ kind: 'body', path: 'repository.name', op: 'equals', value: 'gw' },
		]);
		assert.equal(compileFilter(spec).matches(push), true);
		assert.equal(
			compileFilter(spec).matches({ ...push, headers: { 'x-github-event': 'issues' } }),
			false,
		);
	});
});
