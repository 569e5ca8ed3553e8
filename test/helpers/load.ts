/**
 * A bounded HTTP load loop for tests: N keep-alive connections spread over several base URLs, each
 * sending requests back to back until a deadline or a request cap. Loopback only.
 */
import http from 'node:http';

export interface LoadResult {
	status: number;
	body: string;
	headers: http.IncomingHttpHeaders;
	sentAt: number;
	doneAt: number;
	target: number;
}

export interface LoadOptions {
	urls: string[];
	path: string;
	connections: number;
	durationMs: number;
	maxRequests: number;
	method?: string;
	body?: string | Buffer;
	headers?: Record<string, string>;
	/** Called per request to vary headers (e.g. unique delivery ids). */
	headersFor?: (n: number) => Record<string, string>;
}

export async function runLoad(
	options: LoadOptions,
): Promise<{ results: LoadResult[]; startedAt: number; endedAt: number; errors: number }> {
	for (const u of options.urls)
		if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(u))
			throw new Error(`load tests only target loopback: ${u}`);
	const agents = options.urls.map(
		() =>
			new http.Agent({
				keepAlive: true,
				maxSockets: Math.ceil(options.connections / options.urls.length),
			}),
	);
	const results: LoadResult[] = [];
	let sent = 0;
	let errors = 0;
	const startedAt = Date.now();
	const deadline = startedAt + options.durationMs;
	const body = options.body === undefined ? undefined : Buffer.from(options.body);
	const one = (target: number, n: number) =>
		new Promise<void>((resolve) => {
			const url = new URL(options.urls[target]);
			const sentAt = Date.now();
			const req = http.request(
				{
					host: url.hostname,
					port: url.port,
					path: options.path,
					method: options.method ?? 'POST',
					agent: agents[target],
					headers: {
						...(body ? { 'content-length': String(body.length) } : {}),
						...options.headers,
						...options.headersFor?.(n),
					},
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () => {
						results.push({
							status: res.statusCode ?? 0,
							body: Buffer.concat(chunks).toString(),
							headers: res.headers,
							sentAt,
							doneAt: Date.now(),
							target,
						});
						resolve();
					});
				},
			);
			req.on('error', () => {
				errors++;
				resolve();
			});
			if (body) req.write(body);
			req.end();
		});
	const workers = Array.from({ length: options.connections }, async (_, w) => {
		const target = w % options.urls.length;
		while (Date.now() < deadline && sent < options.maxRequests) {
			const n = sent++;
			await one(target, n);
		}
	});
	await Promise.all(workers);
	const endedAt = Date.now();
	for (const a of agents) a.destroy();
	return { results, startedAt, endedAt, errors };
}
