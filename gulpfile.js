// Copies the files tsc does not emit into dist/: icons (SVG/PNG) and the Lua scripts the Redis
// layer registers with defineCommand at run time. The icon every node and credential shares lives
// once in icons/; nodes point at it as `file:../../icons/…` and credentials as `file:../icons/…`,
// which n8n resolves relative to the compiled file, so dist/ keeps the same layout.
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src(['icons/**/*.{png,svg}', 'nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

function copyLua() {
	return src('src/**/*.lua', { base: '.' }).pipe(dest('dist'));
}

exports.build = parallel(copyIcons, copyLua);
exports.default = exports.build;
