/**
 * The store-error classifier (src/redis/storeErrors.ts) on ioredis's own error classes and Redis
 * error replies as ioredis raises them (`ReplyError` from redis-errors, what ioredis's parser
 * throws), and the error translator (src/gateway/errorAnswer.ts): 503 with Retry-After for every
 * store reason, 4xx for client faults, 500 otherwise, and one log line per burst.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { ERROR_CATALOGUE, GatewayError, StoreUnavailableError } from '../../src/errors';
import { createErrorTranslator, StoreErrorLog } from '../../src/gateway/errorAnswer';
import type { Logger } from '../../src/logger';
import { classifyStoreError, isConnectionError } from '../../src/redis';

// ioredis depends on redis-errors; it has no type declarations of its own.
const { ReplyError, AbortError } = createRequire(__filename)('redis-errors') as {
	ReplyError: new (message: string) => Error;
	AbortError: new (message: string) => Error;
};

function named(name: string, message: string): Error {
	const error = new Error(message);
	error.name = name;
	return error;
}

describe('classifyStoreError', () => {
	const cases: [Error, string | undefined][] = [
		[new ReplyError("OOM command not allowed when used memory > 'maxmemory'."), 'oom'],
		[
			new ReplyError(
				"OOM command not allowed when used memory > 'maxmemory'. script: 1b2c..., on @user_script:12.",
			),
			'oom',
		],
		[new ReplyError("READONLY You can't write against a read only replica."), 'readonly'],
		[new ReplyError('LOADING Redis is loading the dataset in memory'), 'loading'],
		[
			new ReplyError(
				'MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no.',
			),
			'masterdown',
		],
		[
			new ReplyError(
				'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
			),
			'busy',
		],
		[new ReplyError('NOSCRIPT No matching script. Please use EVAL.'), 'noscript'],
		[
			new ReplyError(
				'MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.',
			),
			'misconf',
		],
		[new ReplyError('NOREPLICAS Not enough good replicas to write.'), 'masterdown'],
		[new ReplyError('CLUSTERDOWN The cluster is down'), 'cluster'],
		[new ReplyError('TRYAGAIN Multiple keys request during rehashing of slot'), 'cluster'],
		[new ReplyError('MOVED 3999 127.0.0.1:6381'), 'cluster'],
		[
			new ReplyError(
				'ERR Error running script (call to f_1b2c...): @user_script:3: OOM command not allowed when used memory',
			),
			'oom',
		],
		[
			new Error('Too many Cluster redirections. Last error: Error: MOVED 3999 127.0.0.1:6381'),
			'cluster',
		],
		[named('ClusterAllFailedError', 'Failed to refresh slots cache.'), 'cluster'],
		[
			named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 0).'),
			'connection',
		],
		[new Error('Command timed out'), 'timeout'],
		[new Error('Connection is closed.'), 'connection'],
		[new Error("Stream isn't writeable and enableOfflineQueue options is false"), 'connection'],
		[new Error('connect ECONNREFUSED 127.0.0.1:6379'), 'connection'],
		[new AbortError('Connection is aborted'), 'connection'],
		// Not store failures: bugs or bad data, answered 500.
		[
			new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'),
			undefined,
		],
		[new ReplyError("ERR wrong number of arguments for 'xadd' command"), undefined],
		[
			new ReplyError(
				'ERR Error running script (call to f_1b2c...): @user_script:3: user_script:3: attempt to compare nil with number',
			),
			undefined,
		],
		[new TypeError("Cannot read properties of undefined (reading 'id')"), undefined],
	];
	for (const [error, reason] of cases) {
		it(`${error.name}: ${error.message.slice(0, 60)} → ${reason ?? 'not a store error'}`, () => {
			assert.equal(classifyStoreError(error), reason);
		});
	}

	it('isConnectionError keeps meaning "Redis not reachable now"', () => {
		assert.equal(isConnectionError(new Error('Connection is closed.')), true);
		assert.equal(
			isConnectionError(new ReplyError('LOADING Redis is loading the dataset in memory')),
			true,
		);
		assert.equal(
			isConnectionError(new ReplyError("OOM command not allowed when used memory > 'maxmemory'.")),
			false,
		);
		assert.equal(isConnectionError('Connection is closed.'), false);
	});
});

interface Line {
	level: string;
	message: string;
	fields?: Record<string, unknown>;
}
function recording(lines: Line[]): Logger {
	const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
		void lines.push({ level, message, fields });
	return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('the error translator', () => {
	it('maps every store reason to 503 store_unavailable with Retry-After and counts it', () => {
		const counted: string[] = [];
		const translate = createErrorTranslator(recording([]), (reason) => counted.push(reason));
		try {
			const answer = translate(
				new ReplyError("READONLY You can't write against a read only replica."),
				{ surface: 'admin' },
			);
			assert.ok(answer instanceof StoreUnavailableError);
			assert.equal(answer.status, 503);
			assert.equal(answer.code, 'store_unavailable');
			assert.ok((answer.retryAfter ?? 0) >= 1);
			assert.deepEqual(counted, ['readonly']);
		} finally {
			translate.close();
		}
	});

	it('client faults are 4xx, unknown errors 500 with the details only in the log', () => {
		const lines: Line[] = [];
		const translate = createErrorTranslator(recording(lines));
		try {
			assert.equal(
				translate(Object.assign(new Error('x'), { type: 'entity.parse.failed', status: 400 }), {
					surface: 'admin',
				}).status,
				400,
			);
			assert.equal(
				translate(
					Object.assign(new Error('x'), { type: 'entity.too.large', status: 413, limit: 10 }),
					{ surface: 'admin' },
				).status,
				413,
			);
			assert.equal(
				translate(Object.assign(new Error('x'), { type: 'charset.unsupported', status: 415 }), {
					surface: 'admin',
				}).status,
				415,
			);
			assert.equal(
				translate(Object.assign(new URIError('URI malformed'), { status: 400 }), {
					surface: 'gateway',
				}).status,
				400,
			);
			const internal = translate(new TypeError('secret detail'), { surface: 'ingest' });
			assert.equal(internal.status, 500);
			assert.ok(!internal.message.includes('secret detail'));
			assert.equal(lines.filter((l) => l.level === 'error').length, 1);
			const kept = new GatewayError('rate_limited');
			assert.equal(translate(kept, { surface: 'ingest' }), kept);
		} finally {
			translate.close();
		}
	});

	it('logs a burst of store errors once, then one summary per interval', async () => {
		const lines: Line[] = [];
		const log = new StoreErrorLog(recording(lines), 50);
		for (let i = 0; i < 30; i++)
			log.report(i % 2 ? 'oom' : 'timeout', new Error('x'), { surface: 'ingest' });
		assert.equal(lines.length, 1);
		const deadline = Date.now() + 5000;
		while (lines.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
		assert.equal(lines.length, 2);
		assert.equal(lines[1].fields?.count, 29);
		assert.deepEqual(lines[1].fields?.byReason, { oom: 15, timeout: 14 });
		log.close();
	});
});

describe('the error catalogue', () => {
	it('derives the status from the code, and refuses a status the catalogue does not list', () => {
		assert.equal(new GatewayError('buffer_full').status, 503);
		assert.equal(
			new GatewayError('buffer_full').retryAfter,
			ERROR_CATALOGUE.buffer_full.retryAfter,
		);
		assert.equal(new GatewayError('unauthorized', 'no', { status: 401 }).status, 401);
		assert.equal(new GatewayError(403, 'unauthorized', 'no').status, 403);
		assert.throws(() => new GatewayError(500, 'rate_limited', 'no'), TypeError);
	});
});
