/**
 * The request path's script call, encoded here instead of by ioredis's command machinery.
 *
 * Why: under load the gateway spent about a tenth of its CPU in ioredis for the one EVALSHA per
 * request (building the Command, `[sha, ...args].flat()`, converting every argument, encoding
 * strings and the body into a MixedBuffers, then auto-pipelining's extra promise per command and
 * a Buffer.concat of the whole batch), and ioredis's allocations were a quarter of all bytes
 * allocated per request (bench/profile-load.sh with PROFILE_KIND=alloc: about 9.5 of 37.7 KB).
 * Here each call is encoded into one buffer (one copy of the body) and the calls of one
 * event-loop turn are written together with one `writev` (cork/uncork), with no batch copy.
 *
 * Everything else stays ioredis's: the connection, reconnects, command timeouts, the reply parser
 * and the matching of replies to commands (`sendCommand`), and the errors a failure gives, so the
 * gateway's 503 mapping (storeErrors.ts) is unchanged. Only standalone connections take this path;
 * on Redis Cluster the script is called the usual way (slot routing, redirections).
 */
import { Command, Redis } from 'ioredis';
import type { ScriptCommands, ScriptedRedis } from './client';
import { definedScript } from './client';

type Arg = string | number | Buffer;

/** A command whose wire form is ready; ioredis writes it as is and parses its reply. */
class EncodedCommand extends Command {
	constructor(private readonly wire: Buffer) {
		// The arguments only matter for key routing, which a standalone connection does not do.
		super('evalsha', []);
	}

	override toWritable(): Buffer {
		return this.wire;
	}
}

/**
 * Where encoded commands are cut from: slices of one large buffer, a new one when it is used up
 * (an old one is freed once the last command cut from it was written). Node's own pool (8 KiB)
 * holds three such commands, and allocating its next buffer cost more than the whole encoding.
 */
const SLAB_BYTES = 256 * 1024;
let slab = Buffer.allocUnsafeSlow(0);
let slabUsed = 0;

function take(size: number): Buffer {
	if (size > SLAB_BYTES / 8) return Buffer.allocUnsafeSlow(size);
	if (slabUsed + size > slab.length) {
		slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
		slabUsed = 0;
	}
	const out = slab.subarray(slabUsed, slabUsed + size);
	// The next slice starts 8-aligned, like Node's pool.
	slabUsed += (size + 7) & ~7;
	return out;
}

/**
 * RESP encoding of `EVALSHA sha numKeys ...args`: one buffer, strings written in place, a Buffer
 * argument copied once.
 */
export function encodeEvalsha(sha: string, numberOfKeys: number, args: readonly Arg[]): Buffer {
	let text = `*${args.length + 3}\r\n$7\r\nevalsha\r\n$${sha.length}\r\n${sha}\r\n`;
	const count = String(numberOfKeys);
	text += `$${count.length}\r\n${count}\r\n`;
	// Text before each Buffer argument, then the buffers, then the text after the last one.
	const texts: string[] = [];
	const buffers: Buffer[] = [];
	let size = 0;
	for (const arg of args) {
		if (typeof arg === 'string') {
			text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
		} else if (typeof arg === 'number') {
			const s = String(arg);
			text += `$${s.length}\r\n${s}\r\n`;
		} else {
			text += `$${arg.length}\r\n`;
			texts.push(text);
			buffers.push(arg);
			size += Buffer.byteLength(text) + arg.length;
			text = '\r\n';
		}
	}
	size += Buffer.byteLength(text);
	const out = take(size);
	let at = 0;
	for (let i = 0; i < buffers.length; i++) {
		at += out.write(texts[i], at);
		at += buffers[i].copy(out, at);
	}
	out.write(text, at);
	return out;
}

/** Whether a failure means this connection does not know the script yet. */
function isNoScript(error: unknown): boolean {
	return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Calls one of the defined scripts (client.ts) by its sha, batching the calls of one event-loop
 * turn into one socket write. A connection that has not loaded the script yet (a fresh Redis, a
 * SCRIPT FLUSH) answers NOSCRIPT: that call is made again through ioredis's own command, which
 * sends the script's text and so loads it. NOSCRIPT means the script did not run, so asking again
 * can not store an event twice.
 */
export class ScriptBatch {
	private queue: EncodedCommand[] = [];
	private readonly sha: string;
	private readonly numberOfKeys: number;
	private readonly standalone: Redis | undefined;

	constructor(
		private readonly redis: ScriptedRedis,
		private readonly name: keyof ScriptCommands,
	) {
		({ sha: this.sha, numberOfKeys: this.numberOfKeys } = definedScript(name));
		this.standalone = redis instanceof Redis ? redis : undefined;
	}

	/** Runs the script with its keys first, then its arguments, like `redis[name](...args)`. */
	async call(args: Arg[]): Promise<unknown> {
		const redis = this.standalone;
		if (!redis) return this.viaClient(args);
		const command = new EncodedCommand(encodeEvalsha(this.sha, this.numberOfKeys, args));
		if (this.queue.push(command) === 1) setImmediate(() => this.flush(redis));
		try {
			return await command.promise;
		} catch (error) {
			if (isNoScript(error)) return this.viaClient(args);
			throw error;
		}
	}

	private viaClient(args: Arg[]): Promise<unknown> {
		const method = this.redis[this.name] as (...a: Arg[]) => Promise<unknown>;
		return method.apply(this.redis, args);
	}

	private flush(redis: Redis): void {
		const queue = this.queue;
		this.queue = [];
		// A connection that is not ready rejects each command at once (no offline queue).
		const stream = redis.status === 'ready' ? redis.stream : undefined;
		stream?.cork();
		try {
			for (const command of queue) void redis.sendCommand(command);
		} finally {
			stream?.uncork();
		}
	}
}
