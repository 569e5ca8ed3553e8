/**
 * Child processes of the test harnesses (harness/n8n.ts, harness/n8nQueue.ts).
 *
 * - Every long-running child gets its own process group (`spawnGroup`) and is stopped by pid; whatever
 *   is still running when the test process exits is SIGKILLed, the exit tasks run (`onProcessExit`)
 *   and the temp folders (`makeTempDir`) are removed (N8N_HARNESS_KEEP=1 keeps them for debugging).
 *   SIGINT/SIGTERM end the test process the usual way (exit status 130/143) so that this runs too.
 * - `groupProcess` starts such a child, waits for a ready line in its output and a readiness URL,
 *   and stops it with SIGTERM (SIGKILL after a grace time) or SIGKILL; it can start again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// ---------------------------------------------------------------------------------------------
// Cleanup of everything this process started

const liveGroups = new Set<number>();
const tempDirs = new Set<string>();
const exitTasks = new Set<() => void>();
let exitHooksInstalled = false;

export function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

export function installExitHooks(): void {
	if (exitHooksInstalled) return;
	exitHooksInstalled = true;
	process.on('exit', () => {
		for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
		liveGroups.clear();
		for (const task of exitTasks) task();
		exitTasks.clear();
		if (process.env.N8N_HARNESS_KEEP) return;
		for (const dir of tempDirs) {
			try {
				fs.rmSync(dir, { recursive: true, force: true });
			} catch {
				// best effort
			}
		}
	});
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			// 'exit' does the killing; re-raise the usual exit status.
			process.exit(signal === 'SIGINT' ? 130 : 143);
		});
	}
}

/** Runs `task` (synchronously) when the test process exits, after the process groups were killed. */
export function onProcessExit(task: () => void): void {
	installExitHooks();
	exitTasks.add(task);
}

export function makeTempDir(prefix: string): string {
	installExitHooks();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	tempDirs.add(dir);
	return dir;
}

/** Removes a temp dir now (unless N8N_HARNESS_KEEP is set). */
export function removeDir(dir: string): void {
	if (process.env.N8N_HARNESS_KEEP) return;
	fs.rmSync(dir, { recursive: true, force: true });
	tempDirs.delete(dir);
}

// ---------------------------------------------------------------------------------------------
// Small process helpers

export interface RunResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

export function run(
	command: string,
	args: string[],
	options: { cwd?: string; env?: NodeJS.ProcessEnv; streamStderr?: boolean } = {},
): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['ignore', 'pipe', options.streamStderr ? 'inherit' : 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
		child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
		child.once('error', reject);
		child.once('close', (code) => resolve({ code, stdout, stderr }));
	});
}

export async function runOrThrow(
	command: string,
	args: string[],
	options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} (in ${options.cwd ?? process.cwd()}) exited with ${result.code}:\n${result.stderr}\n${result.stdout}`,
		);
	}
	return result.stdout;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
		const timer = setTimeout(() => resolve(false), timeoutMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve(true);
		});
	});
}

// ---------------------------------------------------------------------------------------------
// Output capture

export interface LogBuffer {
	append(text: string): void;
	/** Everything kept so far. */
	text(): string;
	/** The last `n` characters (prefixed with "..." when cut). */
	tail(n?: number): string;
}

/** A ring buffer of process output that keeps about the last `limit` characters (4 MB by default). */
export function logBuffer(limit = 4 * 1024 * 1024): LogBuffer {
	const chunks: string[] = [];
	let size = 0;
	const text = () => chunks.join('');
	return {
		append(chunk: string) {
			chunks.push(chunk);
			size += chunk.length;
			while (size > limit && chunks.length > 1) size -= chunks.shift()!.length;
		},
		text,
		tail(n = 6000) {
			const all = text();
			return all.length > n ? `...${all.slice(-n)}` : all;
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Process groups

/**
 * Spawns `command` in its own process group (stdout and stderr piped to `onOutput` as UTF-8),
 * registered for the exit hook until it exits. Unref'd: a forgotten child must not keep the test
 * process alive; 'exit' kills it.
 */
export function spawnGroup(
	command: string,
	args: string[],
	options: { cwd: string; env: NodeJS.ProcessEnv; uid?: number; gid?: number },
	onOutput: (text: string) => void,
): ChildProcess {
	installExitHooks();
	const child = spawn(command, args, {
		...options,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const pid = child.pid;
	if (pid !== undefined) {
		liveGroups.add(pid);
		child.once('exit', () => liveGroups.delete(pid));
	}
	child.stdout!.setEncoding('utf8').on('data', onOutput);
	child.stderr!.setEncoding('utf8').on('data', onOutput);
	child.unref();
	(child.stdout as unknown as { unref?: () => void }).unref?.();
	(child.stderr as unknown as { unref?: () => void }).unref?.();
	return child;
}

/**
 * Stops a process group: `signal`, SIGKILL when it has not exited after `graceMs` (10 s for a
 * SIGKILL), waits up to `killWaitMs` more, then SIGKILL to the group's leftovers.
 */
export async function stopGroup(
	child: ChildProcess,
	signal: NodeJS.Signals,
	graceMs: number,
	killWaitMs = 10_000,
): Promise<void> {
	const pid = child.pid!;
	killGroup(pid, signal);
	if (!(await waitExit(child, signal === 'SIGKILL' ? 10_000 : graceMs))) {
		killGroup(pid, 'SIGKILL');
		await waitExit(child, killWaitMs);
	}
	// Leftovers of the group (e.g. n8n's task runner) go too.
	killGroup(pid, 'SIGKILL');
	liveGroups.delete(pid);
}

export interface GroupProcessOptions {
	/** In log banners and errors, e.g. "n8n worker" ("n8n worker exited during start-up"). */
	name: string;
	/** In "… is already running" / "could not start … with": e.g. "the n8n worker"; `name` by default. */
	subject?: string;
	/** After "starting " in the log banner. */
	description: string;
	command: string;
	args: string[];
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** Where the output goes (kept across restarts). */
	log: LogBuffer;
	/** Output line (part) that says the process is up; then `readinessUrl` must answer 2xx. */
	readyLine: string;
	readinessUrl: string;
	startupTimeoutMs: number;
	/** Time between SIGTERM and SIGKILL in `stop()`. */
	stopGraceMs: number;
}

export interface GroupProcess {
	/** pid of the running process (its process group), undefined when stopped. */
	pid(): number | undefined;
	/** Spawns the process and resolves when it is ready; SIGKILLs it when it does not get ready. */
	start(): Promise<void>;
	/** SIGTERM to the process group, SIGKILL after the grace time. Idempotent. */
	stop(): Promise<void>;
	/** SIGKILL to the process group. Idempotent. */
	kill(): Promise<void>;
}

/** A restartable child process in its own process group that logs a ready line when it is up. */
export function groupProcess(options: GroupProcessOptions): GroupProcess {
	const { name, log, readyLine } = options;
	const subject = options.subject ?? name;
	let child: ChildProcess | undefined;

	async function waitUntilReady(spawned: ChildProcess, ready: () => boolean): Promise<void> {
		const deadline = Date.now() + options.startupTimeoutMs;
		let exited = false;
		spawned.once('exit', () => (exited = true));
		for (;;) {
			if (exited)
				throw new Error(
					`${name} exited during start-up (code ${spawned.exitCode}, signal ${spawned.signalCode}):\n${log.tail()}`,
				);
			if (ready()) {
				try {
					const response = await fetch(options.readinessUrl, { signal: AbortSignal.timeout(5000) });
					if (response.ok) return;
				} catch {
					// not listening yet
				}
			}
			if (Date.now() > deadline)
				throw new Error(
					`${name} was not ready within ${options.startupTimeoutMs} ms:\n${log.tail()}`,
				);
			await sleep(250);
		}
	}

	async function stopWith(signal: NodeJS.Signals): Promise<void> {
		const current = child;
		if (!current) return;
		await stopGroup(current, signal, options.stopGraceMs);
		child = undefined;
	}

	async function start(): Promise<void> {
		if (child) throw new Error(`${subject} is already running`);
		log.append(`\n===== [harness] starting ${options.description} =====\n`);
		let readySeen = false;
		let tail = '';
		const onData = (data: string) => {
			log.append(data);
			if (!readySeen) {
				const window = tail + data;
				if (window.includes(readyLine)) readySeen = true;
				tail = window.slice(-readyLine.length);
			}
		};
		const spawned = spawnGroup(
			options.command,
			options.args,
			{ cwd: options.cwd, env: options.env },
			onData,
		);
		spawned.once('error', (error) => log.append(`\n[harness] spawn error: ${error.message}\n`));
		if (spawned.pid === undefined)
			throw new Error(`could not start ${subject} with ${options.command}`);
		const pid = spawned.pid;
		spawned.once('exit', (code, signal) => {
			log.append(
				`\n===== [harness] ${name} (pid ${pid}) exited: code ${code}, signal ${signal} =====\n`,
			);
		});
		child = spawned;
		try {
			await waitUntilReady(spawned, () => readySeen);
		} catch (error) {
			await stopWith('SIGKILL');
			throw error;
		}
	}

	return {
		pid: () => child?.pid,
		start,
		stop: () => stopWith('SIGTERM'),
		kill: () => stopWith('SIGKILL'),
	};
}
