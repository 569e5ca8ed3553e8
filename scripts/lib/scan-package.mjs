// The analysis of @n8n/scan-community-package on a local checkout and its packed tarball (called by
// scripts/scan-package.sh). Same ESLint configuration and the same two legs as the scanner's
// analyzePackageByName: the source (package.json, nodes/, credentials/) and the tarball (every .js
// and package.json). Prints each finding; exits 1 when one is not in the "Expected findings" table
// of the given Markdown file (rows: | `rule id` | `file glob` | why |).
// Usage: node scan-package.mjs <scanner.mjs> <source dir> <unpacked tarball dir> <doc.md>
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [scannerPath, sourceDir, packageDir, docPath] = process.argv.slice(2);
if (!docPath) {
	console.error(
		'usage: node scan-package.mjs <scanner.mjs> <source dir> <unpacked tarball dir> <doc.md>',
	);
	process.exit(2);
}
const scanner = await import(pathToFileURL(scannerPath).href);
const fromScanner = createRequire(scannerPath);
const { ESLint } = await import(pathToFileURL(fromScanner.resolve('eslint')).href);
const glob = fromScanner('fast-glob');
// fast-glob's own matcher (path.matchesGlob is experimental in Node 20).
const micromatch = createRequire(fromScanner.resolve('fast-glob'))('micromatch');

/** Rows of the "Expected findings" table: rule id, file glob (relative to the leg's root), reason. */
function expectedFindings(markdown) {
	const section = markdown.split(/^## /m).find((s) => s.startsWith('Expected findings'));
	if (!section) throw new Error(`${docPath} has no "## Expected findings" section`);
	const rows = [];
	for (const line of section.split('\n')) {
		const match = /^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|/.exec(line);
		if (match) rows.push({ rule: match[1], files: match[2] });
	}
	return rows;
}

/** The scanner's analyzePackage, returning the messages instead of a formatted text. */
async function lint(leg, root, patterns) {
	const eslint = new ESLint({
		cwd: root,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: root,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const findings = [];
	for (const result of await eslint.lintFiles(files)) {
		for (const message of result.messages) {
			if (message.severity !== 2) continue;
			const file = path.relative(root, result.filePath);
			findings.push({
				leg,
				file,
				line: message.line,
				rule: message.ruleId ?? '(parse error)',
				text: message.message,
			});
		}
	}
	return { files: files.length, findings };
}

const expected = expectedFindings(fs.readFileSync(docPath, 'utf8'));
const legs = [
	['source', sourceDir, scanner.SOURCE_FILE_PATTERNS],
	['tarball', packageDir, ['**/*.js', 'package.json']],
];
let unexpected = 0;
for (const [leg, root, patterns] of legs) {
	const { files, findings } = await lint(leg, root, patterns);
	console.log(`${leg}: ${files} files linted, ${findings.length} findings`);
	for (const f of findings) {
		const known = expected.some((e) => e.rule === f.rule && micromatch.isMatch(f.file, e.files));
		if (!known) unexpected++;
		console.log(
			`  ${known ? 'expected  ' : 'UNEXPECTED'} ${f.rule}  ${f.file}:${f.line}  ${f.text}`,
		);
	}
}
if (unexpected > 0) {
	console.log(`${unexpected} finding(s) not listed under "Expected findings" in ${docPath}`);
	process.exit(1);
}
console.log('scan-package: no unexpected findings');
