/**
 * The package's own name, version and licence, read from its package.json at run time (the CLI's
 * `--version`, the OpenAPI document's `info`). Read from disk rather than imported, so that the
 * compiler does not copy package.json into dist/ and the published tarball carries it once.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface PackageInfo {
	name: string;
	version: string;
	license: string;
}

const PACKAGE_NAME = 'n8n-nodes-webhook-gateway';
let cached: PackageInfo | undefined;

/**
 * The nearest package.json above this file whose name is this package's: the package root both
 * from the compiled file (dist/src/) and from the TypeScript source (src/, under tsx). Read once.
 * Throws when none is found, which only a broken install can cause.
 */
export function packageInfo(): PackageInfo {
	if (cached) return cached;
	for (let dir = __dirname; ; dir = path.dirname(dir)) {
		const file = path.join(dir, 'package.json');
		if (fs.existsSync(file)) {
			const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<PackageInfo>;
			if (json.name === PACKAGE_NAME && typeof json.version === 'string') {
				cached = { name: json.name, version: json.version, license: String(json.license ?? '') };
				return cached;
			}
		}
		if (path.dirname(dir) === dir)
			throw new Error(`${PACKAGE_NAME}: package.json not found above ${__dirname}`);
	}
}
