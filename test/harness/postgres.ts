/**
 * A private PostgreSQL cluster for end-to-end runs (n8n's supported database in queue mode):
 * initdb into a temp dir, a free loopback port, trust auth, durability off (fsync, synchronous
 * commit) since the data lives only as long as the run. As root it runs as the `postgres` (or
 * `nobody`) OS user, since PostgreSQL refuses to run as root. Stopped by pid; a run that exits
 * early leaves nothing behind (test/harness/processes.ts exit hooks).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports';
import {
	installExitHooks,
	killGroup,
	logBuffer,
	makeTempDir,
	removeDir,
	sleep,
	spawnGroup,
	stopGroup,
} from './processes';

export interface PostgresServer {
	host: string;
	port: number;
	user: string;
	database: string;
	dir: string;
	/** e.g. "15.18". */
	version: string;
	/** DB_TYPE / DB_POSTGRESDB_* for n8n. */
	env: Record<string, string>;
	stop(): Promise<void>;
}

/** initdb/postgres/pg_ctl: PATH first, then Debian's /usr/lib/postgresql/<version>/bin. */
export function findPostgresBin(): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (dir && fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres')))
			return dir;
	}
	const root = '/usr/lib/postgresql';
	if (fs.existsSync(root)) {
		const versions = fs
			.readdirSync(root)
			.filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
			.sort((a, b) => Number(b) - Number(a));
		if (versions[0]) return path.join(root, versions[0], 'bin');
	}
	return undefined;
}

/** The OS user PostgreSQL runs as: ourselves, or (as root, which PostgreSQL refuses) `postgres` / `nobody`. */
function postgresIdentity(): { uid?: number; gid?: number; name: string } {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0)
		return { name: os.userInfo().username };
	for (const name of ['postgres', 'nobody']) {
		const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
		const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
		if (id.status === 0 && gid.status === 0)
			return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()), name };
	}
	throw new Error(
		'running as root, but there is neither a `postgres` nor a `nobody` user to run PostgreSQL as',
	);
}

/** A private PostgreSQL on a free loopback port, data in a temp dir (fsync off: test data). */
export async function startPostgres(): Promise<PostgresServer> {
	const bin = findPostgresBin();
	if (!bin) {
		throw new Error(
			'PostgreSQL is not installed (no initdb/postgres on PATH or in /usr/lib/postgresql/*/bin): `apt-get install -y postgresql`',
		);
	}
	installExitHooks();
	const identity = postgresIdentity();
	const dir = makeTempDir('wgw-pg-');
	const data = path.join(dir, 'data');
	fs.mkdirSync(data, { mode: 0o700 });
	if (identity.uid !== undefined) {
		fs.chownSync(dir, identity.uid, identity.gid!);
		fs.chownSync(data, identity.uid, identity.gid!);
	}
	const user = 'n8n';
	const asUser = {
		uid: identity.uid,
		gid: identity.gid,
		cwd: dir,
		env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
	};
	const init = spawnSync(
		path.join(bin, 'initdb'),
		['-D', data, '-U', user, '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C'],
		{
			...asUser,
			encoding: 'utf8',
		},
	);
	if (init.status !== 0) {
		removeDir(dir);
		throw new Error(`initdb (as ${identity.name}) failed: ${init.stderr || init.stdout}`);
	}
	const versionOut =
		spawnSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout ?? '';
	const version = /(\d+\.\d+)/.exec(versionOut)?.[1] ?? 'unknown';
	const port = await freePort();
	const log = logBuffer();
	let child: ChildProcess | undefined = spawnGroup(
		path.join(bin, 'postgres'),
		[
			'-D',
			data,
			'-p',
			String(port),
			'-k',
			dir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'max_connections=100',
		],
		asUser,
		log.append,
	);
	const pid = child.pid!;
	try {
		await waitForPort(port, 30_000);
		// The port opens before the server accepts logins; wait for "ready to accept connections".
		const deadline = Date.now() + 30_000;
		while (!log.text().includes('ready to accept connections')) {
			if (Date.now() > deadline) throw new Error(`postgres did not get ready:\n${log.tail()}`);
			await sleep(100);
		}
	} catch (error) {
		killGroup(pid, 'SIGKILL');
		removeDir(dir);
		throw error;
	}
	const database = 'postgres';
	return {
		host: '127.0.0.1',
		port,
		user,
		database,
		dir,
		version,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_USER: user,
			DB_POSTGRESDB_PASSWORD: '',
			DB_POSTGRESDB_DATABASE: database,
		},
		async stop() {
			const current = child;
			child = undefined;
			if (current) await stopGroup(current, 'SIGINT', 15_000, 5000); // SIGINT: fast shutdown
			removeDir(dir);
		},
	};
}
