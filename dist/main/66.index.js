export const id = 66;
export const ids = [66];
export const modules = {

/***/ 9066:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  CONCURRENCY: () => (/* binding */ CONCURRENCY),
  fetchArchives: () => (/* binding */ fetchArchives),
  formatBytes: () => (/* binding */ formatBytes)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
var promises_default = /*#__PURE__*/__webpack_require__.n(promises_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/shared/errors.ts
var errors = __webpack_require__(8382);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
var external_node_fs_default = /*#__PURE__*/__webpack_require__.n(external_node_fs_);
// EXTERNAL MODULE: ./node_modules/@actions/tool-cache/lib/tool-cache.js + 2 modules
var tool_cache = __webpack_require__(9805);
;// CONCATENATED MODULE: ./src/archives/cache.ts
/**
 * `cache: true`: archives kept in the runner's tool cache
 * (`$RUNNER_TOOL_CACHE/bitbucket-archive/{ws}/{repo}/0.0.0-c{commit}/{arch}`),
 * as the `.tar.gz` itself plus `archive.json` with the sha256 and size of the
 * original download, so a hit reports (and a pin is checked against) the
 * same values, and the cached bytes are verified when they are extracted.
 */




const CACHE_FILE = 'archive.tar.gz';
const META_FILE = 'archive.json';
const ARCH = 'any';
/** Tool name and explicit semver version for a repository and commit. */
function cacheKey(workspace, repo, commit) {
    // The prefix letter keeps the prerelease identifier alphanumeric (a digits-only one may not start with 0).
    return {
        tool: `bitbucket-archive/${workspace.toLowerCase()}/${repo.toLowerCase()}`,
        version: `0.0.0-c${commit.toLowerCase()}`,
    };
}
function cacheAvailable(env) {
    return Boolean(env.RUNNER_TOOL_CACHE);
}
/** The cached archive of this commit, if complete and consistent. */
function findCached(workspace, repo, commit) {
    const { tool, version } = cacheKey(workspace, repo, commit);
    const dir = tool_cache/* find */.I6(tool, version, ARCH);
    if (!dir)
        return undefined;
    try {
        const meta = JSON.parse(external_node_fs_default().readFileSync(external_node_path_default().join(dir, META_FILE), 'utf8'));
        const file = external_node_path_default().join(dir, CACHE_FILE);
        if (meta.commit !== commit.toLowerCase() ||
            !/^[0-9a-f]{64}$/.test(meta.sha256) ||
            external_node_fs_default().statSync(file).size !== meta.bytes)
            return undefined;
        return { file, sha256: meta.sha256, bytes: meta.bytes };
    }
    catch {
        return undefined;
    }
}
/**
 * Stores `dir` (which holds the downloaded `archive.tar.gz`) in the tool
 * cache, with the sha256 and size of the download.
 */
async function storeInCache(dir, workspace, repo, commit, sha256, bytes) {
    const meta = { repository: `${workspace}/${repo}`, commit: commit.toLowerCase(), sha256, bytes };
    await promises_default().writeFile(external_node_path_default().join(dir, META_FILE), JSON.stringify(meta) + '\n');
    const { tool, version } = cacheKey(workspace, repo, commit);
    return tool_cache/* cacheDir */.e8(dir, tool, version, ARCH);
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
var external_node_zlib_default = /*#__PURE__*/__webpack_require__.n(external_node_zlib_);
;// CONCATENATED MODULE: ./src/archives/tar-reader.ts
/**
 * A small streaming tar reader: ustar and GNU headers, pax extended headers
 * (`path`, `linkpath`, `size`), GNU long names (`L`, `K`). Bytes are pushed
 * in as they come (any chunking); entries and their data are handed to the
 * callbacks synchronously, data as views of the pushed chunks (no copy).
 *
 * It knows nothing about the file system: what is safe to write is decided
 * by extract.ts.
 */
class tar_reader_TarFormatError extends Error {
    code;
    constructor(message, code = 'TAR_FORMAT') {
        super(message);
        this.name = 'TarFormatError';
        this.code = code;
    }
}
const BLOCK = 512;
const TYPES = {
    '0': 'file',
    '\0': 'file',
    '7': 'file',
    '1': 'hardlink',
    '2': 'symlink',
    '3': 'char-device',
    '4': 'block-device',
    '5': 'directory',
    '6': 'fifo',
};
class TarParser {
    #h;
    #phase = 'header';
    /** Bytes of a header block gathered so far. */
    #header = Buffer.alloc(BLOCK);
    #headerFill = 0;
    /** Data (or meta) bytes still expected for the current entry, then padding. */
    #remaining = 0;
    #padding = 0;
    #meta = [];
    #metaKind = '';
    #pax = {};
    #longName;
    #longLink;
    #zeroBlocks = 0;
    #entries = 0;
    constructor(handlers) {
        this.#h = handlers;
    }
    /** Whether the end-of-archive marker was seen. */
    get done() {
        return this.#phase === 'done';
    }
    get entries() {
        return this.#entries;
    }
    push(chunk) {
        let off = 0;
        const len = chunk.length;
        while (off < len && this.#phase !== 'done') {
            switch (this.#phase) {
                case 'header': {
                    if (this.#headerFill === 0 && len - off >= BLOCK) {
                        this.#onHeader(chunk.subarray(off, off + BLOCK));
                        off += BLOCK;
                    }
                    else {
                        const n = Math.min(BLOCK - this.#headerFill, len - off);
                        chunk.copy(this.#header, this.#headerFill, off, off + n);
                        this.#headerFill += n;
                        off += n;
                        if (this.#headerFill === BLOCK) {
                            this.#headerFill = 0;
                            this.#onHeader(this.#header);
                        }
                    }
                    break;
                }
                case 'data': {
                    const n = Math.min(this.#remaining, len - off);
                    this.#h.data(chunk.subarray(off, off + n));
                    off += n;
                    this.#remaining -= n;
                    if (this.#remaining === 0) {
                        this.#h.end();
                        this.#phase = this.#padding ? 'padding' : 'header';
                    }
                    break;
                }
                case 'meta': {
                    const n = Math.min(this.#remaining, len - off);
                    this.#meta.push(Buffer.from(chunk.subarray(off, off + n)));
                    off += n;
                    this.#remaining -= n;
                    if (this.#remaining === 0) {
                        this.#onMeta(Buffer.concat(this.#meta));
                        this.#meta = [];
                        this.#phase = this.#padding ? 'padding' : 'header';
                    }
                    break;
                }
                case 'padding': {
                    const n = Math.min(this.#padding, len - off);
                    off += n;
                    this.#padding -= n;
                    if (this.#padding === 0)
                        this.#phase = 'header';
                    break;
                }
            }
        }
    }
    /** Call at the end of input: throws when the archive stopped in the middle. */
    finish() {
        if (this.#phase === 'done')
            return;
        // Some writers end with one zero block or none; accept EOF on a header boundary after entries.
        if (this.#phase === 'header' && this.#headerFill === 0 && this.#entries > 0 && this.#zeroBlocks <= 1) {
            this.#phase = 'done';
            return;
        }
        throw new tar_reader_TarFormatError('the archive ends in the middle of an entry (truncated download?)', 'TRUNCATED');
    }
    #onHeader(block) {
        if (isZero(block)) {
            this.#zeroBlocks++;
            if (this.#zeroBlocks >= 2)
                this.#phase = 'done';
            return;
        }
        if (this.#zeroBlocks)
            throw new tar_reader_TarFormatError('a zero block in the middle of the archive');
        verifyChecksum(block);
        const flag = String.fromCharCode(block[156]);
        const size = readNumber(block, 124, 12);
        const ustar = block.toString('latin1', 257, 262) === 'ustar';
        const gnu = block.toString('latin1', 257, 265) === 'ustar  \0';
        if (size < 0 || !Number.isSafeInteger(size))
            throw new tar_reader_TarFormatError('an entry with an impossible size');
        if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
            if (size > 1 << 20)
                throw new tar_reader_TarFormatError(`a ${flag} header of ${size} bytes`);
            this.#metaKind = flag;
            this.#remaining = size;
            this.#padding = pad(size);
            this.#phase = size ? 'meta' : this.#padding ? 'padding' : 'header';
            if (!size)
                this.#onMeta(Buffer.alloc(0));
            return;
        }
        let name = cString(block, 0, 100);
        if (ustar && !gnu) {
            const prefix = cString(block, 345, 155);
            if (prefix)
                name = `${prefix}/${name}`;
        }
        let linkname = cString(block, 157, 100);
        let entrySize = size;
        if (this.#longName !== undefined)
            name = this.#longName;
        if (this.#longLink !== undefined)
            linkname = this.#longLink;
        if (this.#pax.path !== undefined)
            name = this.#pax.path;
        if (this.#pax.linkpath !== undefined)
            linkname = this.#pax.linkpath;
        if (this.#pax.size !== undefined) {
            if (!/^\d+$/.test(this.#pax.size))
                throw new tar_reader_TarFormatError('a pax size that is not a number');
            entrySize = Number(this.#pax.size);
        }
        this.#longName = undefined;
        this.#longLink = undefined;
        this.#pax = {};
        let type = TYPES[flag] ?? 'other';
        // Old tar: a regular file whose name ends in `/` is a directory.
        if (type === 'file' && flag !== '7' && name.endsWith('/'))
            type = 'directory';
        // Only regular files carry data that is theirs; skip anything else's.
        const dataSize = type === 'file' || type === 'other'
            ? entrySize
            : type === 'hardlink' || type === 'symlink' || type === 'directory'
                ? 0
                : entrySize;
        const entry = {
            name: name.replace(/\/+$/, ''),
            type,
            flag,
            mode: readNumber(block, 100, 8) & 0o7777,
            size: type === 'file' ? entrySize : 0,
            linkname,
        };
        this.#entries++;
        this.#h.entry(entry);
        this.#remaining = dataSize;
        this.#padding = pad(dataSize);
        if (dataSize > 0)
            this.#phase = 'data';
        else {
            this.#h.end();
            this.#phase = this.#padding ? 'padding' : 'header';
        }
    }
    #onMeta(buf) {
        switch (this.#metaKind) {
            case 'L':
                this.#longName = cString(buf, 0, buf.length);
                break;
            case 'K':
                this.#longLink = cString(buf, 0, buf.length);
                break;
            case 'x':
                Object.assign(this.#pax, parsePax(buf));
                break;
            case 'g':
                break; // global: a comment (git archive puts the commit there); nothing we use
        }
    }
}
function pad(size) {
    const r = size % BLOCK;
    return r ? BLOCK - r : 0;
}
function isZero(block) {
    for (let i = 0; i < BLOCK; i += 4)
        if (block.readUInt32LE(i) !== 0)
            return false;
    return true;
}
function cString(buf, off, len) {
    let end = off;
    const max = off + len;
    while (end < max && buf[end] !== 0)
        end++;
    return buf.toString('utf8', off, end);
}
/** Octal (NUL/space terminated), or GNU base-256 when the high bit is set. */
function readNumber(buf, off, len) {
    if (buf[off] & 0x80) {
        let n = buf[off] & 0x7f;
        for (let i = 1; i < len; i++)
            n = n * 256 + buf[off + i];
        return n;
    }
    let n = 0;
    let seen = false;
    for (let i = off; i < off + len; i++) {
        const c = buf[i];
        if (c === 0 || (c === 0x20 && seen))
            break;
        if (c === 0x20)
            continue;
        if (c < 0x30 || c > 0x37)
            throw new tar_reader_TarFormatError('a header with a malformed number (not a tar archive?)');
        n = n * 8 + (c - 0x30);
        seen = true;
    }
    return n;
}
function verifyChecksum(block) {
    const stored = readNumber(block, 148, 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++)
        sum += i >= 148 && i < 156 ? 0x20 : block[i];
    if (sum !== stored)
        throw new tar_reader_TarFormatError('a header with a bad checksum (corrupt archive, or not a tar archive)');
}
/** pax records: `LEN KEY=VALUE\n`, LEN counting the whole record in bytes. */
function parsePax(buf) {
    const out = {};
    let off = 0;
    while (off < buf.length) {
        const space = buf.indexOf(0x20, off);
        if (space < 0)
            break;
        const len = Number(buf.toString('latin1', off, space));
        if (!Number.isInteger(len) || len <= 0 || off + len > buf.length)
            throw new tar_reader_TarFormatError('a malformed pax header');
        const record = buf.toString('utf8', space + 1, off + len - 1);
        const eq = record.indexOf('=');
        if (eq > 0)
            out[record.slice(0, eq)] = record.slice(eq + 1);
        off += len;
    }
    return out;
}

;// CONCATENATED MODULE: ./src/archives/extract.ts
/**
 * Safe extraction of a `.tar.gz` stream into a fresh staging folder, and the
 * atomic swap of that folder into DEST.
 *
 * Refused: absolute names, `..` components, entries outside the single
 * top-level folder, symlinks whose target (followed through the archive's
 * other symlinks) leaves the tree, hard links to anything but a file
 * extracted before, entries below a symlink, device files and fifos.
 * Symlinks are created last, after every file is written, so nothing is ever
 * written through a link; a hard link is made at once, to a regular file this
 * archive wrote. Files are created with O_EXCL (`wx`) and keep their mode bits
 * (umask applied, setuid/setgid dropped). Writes are synchronous, chunk by
 * chunk, with nothing buffered: memory does not depend on the archive.
 *
 * The staging folder lives next to DEST (same file system), so the swap is a
 * rename; on failure it is removed and DEST is left as it was.
 */







/** An archive that breaks the rules above. Never retried. */
class UnsafeArchiveError extends errors/* ActionError */.l {
    constructor(message) {
        super(message);
        this.name = 'UnsafeArchiveError';
    }
}
/** A member name for a message: control characters escaped, length capped. */
function showName(name) {
    const s = JSON.stringify(name.length > 200 ? name.slice(0, 200) + '…' : name);
    return s.replace(/::/g, ':\u200b:');
}
const isWindows = process.platform === 'win32';
function components(name) {
    if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.startsWith('\\'))
        return 'absolute';
    const parts = name.split(isWindows ? /[\\/]+/ : /\/+/).filter((c) => c !== '' && c !== '.');
    if (parts.includes('..'))
        return 'dotdot';
    return parts;
}
/**
 * Extracts the gzip-compressed tar `source` into the empty folder `dir`,
 * stripping the single top-level folder. Rejects (and stops reading) on the
 * first unsafe entry; the caller removes `dir`.
 */
async function extractTarGz(source, dir) {
    const gunzip = external_node_zlib_default().createGunzip({ chunkSize: 256 * 1024 });
    const stream = (0,external_node_stream_.pipeline)(source, gunzip, () => { });
    const x = new Extractor(dir);
    const parser = new TarParser(x);
    try {
        for await (const chunk of stream)
            parser.push(chunk);
        parser.finish();
        await x.finish();
    }
    catch (err) {
        source.destroy();
        gunzip.destroy();
        x.closeCurrent();
        throw err;
    }
    return x.stats;
}
class Extractor {
    #root;
    stats = { files: 0, directories: 0, links: 0, bytes: 0, topMode: 0o755 };
    #top;
    #dirs = new Set();
    #symlinks = new Map();
    #pendingSymlinks = [];
    #current;
    constructor(root) {
        this.#root = root;
        this.#dirs.add(root);
    }
    /** Closes the file being written when extraction stops half-way. */
    closeCurrent() {
        this.#current?.close();
        this.#current = undefined;
    }
    refuse(name, why) {
        throw new UnsafeArchiveError(`the archive has an unsafe entry ${showName(name)}: ${why}`);
    }
    /** The entry's path below the top-level folder ('' for the folder itself). */
    #relative(name, type) {
        const parts = components(name);
        if (parts === 'absolute')
            this.refuse(name, 'an absolute path');
        if (parts === 'dotdot')
            this.refuse(name, 'a ".." path component (it would land outside DEST)');
        if (parts.length === 0)
            this.refuse(name, 'an empty name');
        if (this.#top === undefined)
            this.#top = parts[0];
        if (parts[0] !== this.#top || (parts.length === 1 && type !== 'directory')) {
            throw new UnsafeArchiveError(`the archive does not hold a single top-level folder (${showName(this.#top)} and ${showName(name)}); a Bitbucket archive always does, so this is not one.`);
        }
        const rel = parts.slice(1).join('/');
        if (this.#symlinks.size) {
            for (let i = 1; i < parts.length - 1; i++) {
                const prefix = parts.slice(1, i + 1).join('/');
                if (this.#symlinks.has(prefix))
                    this.refuse(name, `it lies below the symlink ${showName(prefix)}`);
            }
            if (this.#symlinks.has(rel))
                this.refuse(name, 'a second entry for a symlink');
        }
        return rel;
    }
    #abs(rel) {
        return isWindows ? external_node_path_default().join(this.#root, ...rel.split('/')) : `${this.#root}/${rel}`;
    }
    #ensureParent(abs) {
        const parent = external_node_path_default().dirname(abs);
        if (this.#dirs.has(parent))
            return;
        external_node_fs_default().mkdirSync(parent, { recursive: true });
        this.#remember(parent);
    }
    /** Folders known to exist; bounded, so memory does not grow with the archive (mkdir is cheap to repeat). */
    #remember(dir) {
        if (this.#dirs.size >= 4096) {
            this.#dirs.clear();
            this.#dirs.add(this.#root);
        }
        this.#dirs.add(dir);
    }
    entry(e) {
        switch (e.type) {
            case 'file': {
                const rel = this.#relative(e.name, e.type);
                const abs = this.#abs(rel);
                this.#ensureParent(abs);
                this.stats.files++;
                this.stats.bytes += e.size;
                this.#current = new FileWriter(abs, e.mode & 0o777);
                return;
            }
            case 'directory': {
                const rel = this.#relative(e.name, e.type);
                if (rel === '') {
                    if (e.mode)
                        this.stats.topMode = e.mode & 0o777;
                    return;
                }
                const abs = this.#abs(rel);
                if (!this.#dirs.has(abs)) {
                    external_node_fs_default().mkdirSync(abs, { recursive: true, mode: (e.mode & 0o777) | 0o700 });
                    this.#remember(abs);
                }
                this.stats.directories++;
                return;
            }
            case 'symlink': {
                const rel = this.#relative(e.name, e.type);
                if (rel === '')
                    this.refuse(e.name, 'the top-level folder is a symlink');
                const target = e.linkname;
                if (target === '' || target.includes('\0'))
                    this.refuse(e.name, 'a symlink with an empty or invalid target');
                if (target.startsWith('/') || /^[A-Za-z]:/.test(target) || target.startsWith('\\')) {
                    this.refuse(e.name, `a symlink to the absolute path ${showName(target)}`);
                }
                if (this.#symlinks.has(rel) || exists(this.#abs(rel)))
                    this.refuse(e.name, 'a symlink over another entry');
                this.#symlinks.set(rel, target);
                if (resolveLink(this.#symlinks, rel) !== 'inside')
                    this.refuse(e.name, `a symlink to ${showName(target)}, outside the archive's folder`);
                this.#pendingSymlinks.push({ rel, target, name: e.name });
                this.stats.links++;
                return;
            }
            case 'hardlink': {
                const rel = this.#relative(e.name, e.type);
                const parts = components(e.linkname);
                if (parts === 'absolute' || parts === 'dotdot' || parts[0] !== this.#top) {
                    this.refuse(e.name, `a hard link to ${showName(e.linkname)}, outside the archive's folder`);
                }
                const target = parts.slice(1).join('/');
                // Nothing but extracted files and folders exists in the staging folder yet (symlinks come last),
                // so a regular file there is one this archive wrote, complete and closed.
                const targetAbs = this.#abs(target);
                if (target === '' ||
                    this.#symlinks.has(target) ||
                    parts.slice(1, -1).some((_, i) => this.#symlinks.has(parts.slice(1, i + 2).join('/'))) ||
                    !isFile(targetAbs)) {
                    this.refuse(e.name, `a hard link to ${showName(e.linkname)}, which is not a file extracted before it`);
                }
                const abs = this.#abs(rel);
                this.#ensureParent(abs);
                external_node_fs_default().linkSync(targetAbs, abs);
                this.stats.links++;
                return;
            }
            case 'char-device':
            case 'block-device':
                this.refuse(e.name, 'a device file');
                break;
            case 'fifo':
                this.refuse(e.name, 'a fifo (named pipe)');
                break;
            default:
                this.refuse(e.name, `an unsupported entry type ${JSON.stringify(e.flag)}`);
        }
    }
    data(chunk) {
        this.#current?.data(chunk);
    }
    end() {
        this.closeCurrent();
    }
    async finish() {
        // Every link is checked again against the whole set: a chain may leave the tree only once complete.
        for (const link of this.#pendingSymlinks) {
            const where = resolveLink(this.#symlinks, link.rel);
            if (where !== 'inside')
                this.refuse(link.name, where === 'loop'
                    ? 'a symlink loop'
                    : `a symlink to ${showName(link.target)}, which leads outside the archive's folder through other symlinks`);
        }
        for (const link of this.#pendingSymlinks) {
            const abs = this.#abs(link.rel);
            this.#ensureParent(abs);
            await promises_default().symlink(link.target, abs);
        }
    }
}
function exists(abs) {
    try {
        external_node_fs_default().lstatSync(abs);
        return true;
    }
    catch {
        return false;
    }
}
function isFile(abs) {
    try {
        return external_node_fs_default().lstatSync(abs).isFile();
    }
    catch {
        return false;
    }
}
/**
 * Writes one regular file with synchronous calls on the JavaScript thread (the archive worker), each
 * chunk as it comes: measured faster than the thread pool's round trips for
 * the many small files of a repository (scripts/bench-tar.ts, BENCHMARKS.md),
 * gunzip keeps running in the pool meanwhile, and nothing is buffered, so
 * memory does not grow with the archive. `wx`: never through an existing
 * file or link.
 */
class FileWriter {
    #fd;
    constructor(abs, mode) {
        this.#fd = external_node_fs_default().openSync(abs, 'wx', mode);
    }
    data(chunk) {
        let off = 0;
        while (off < chunk.length)
            off += external_node_fs_default().writeSync(this.#fd, chunk, off);
    }
    close() {
        if (this.#fd === undefined)
            return;
        const fd = this.#fd;
        this.#fd = undefined;
        external_node_fs_default().closeSync(fd);
    }
}
/**
 * Where the symlink at `rel` leads, following the archive's other symlinks
 * (in memory: they are created only at the end): 'inside' the tree, 'outside',
 * or a 'loop'.
 */
function resolveLink(links, rel) {
    const cur = rel.split('/').slice(0, -1);
    let queue = links.get(rel).split(/\/+/);
    let hops = 0;
    while (queue.length) {
        const c = queue.shift();
        if (c === '' || c === '.')
            continue;
        if (c === '..') {
            if (cur.length === 0)
                return 'outside';
            cur.pop();
            continue;
        }
        cur.push(c);
        const target = links.get(cur.join('/'));
        if (target !== undefined) {
            if (++hops > 40)
                return 'loop';
            if (target.startsWith('/'))
                return 'outside';
            cur.pop();
            queue = [...target.split(/\/+/), ...queue];
        }
    }
    return 'inside';
}
/** Whether a failure of extraction may go away on a new download (a cut-off stream). */
function isTruncation(err) {
    if (err instanceof TarFormatError)
        return err.code === 'TRUNCATED';
    const code = err?.code;
    return code === 'Z_BUF_ERROR';
}
function isInside(root, p) {
    const rel = external_node_path_default().relative(root, p);
    return rel === '' || (!rel.startsWith('..') && !external_node_path_default().isAbsolute(rel));
}
let umaskCache;
function umask() {
    umaskCache ??= process.umask();
    return umaskCache;
}
/**
 * DEST and its staging folders. `open` creates DEST's parent (inside the
 * workspace, symlinks resolved); `staging()` gives a fresh empty folder next
 * to DEST (dropping the previous one); `commit()` swaps it in; `abort()`
 * removes whatever is left, DEST untouched.
 */
class Destination {
    dest;
    #parent;
    #created;
    #staging;
    constructor(dest, parent, created) {
        this.dest = dest;
        this.#parent = parent;
        this.#created = created;
    }
    static async open(dest, workspace) {
        const parent = external_node_path_default().dirname(dest);
        const created = await promises_default().mkdir(parent, { recursive: true });
        const realWorkspace = await promises_default().realpath(workspace);
        const realParent = await promises_default().realpath(parent);
        if (!isInside(realWorkspace, realParent)) {
            await removeEmptyParents(parent, created);
            throw new errors/* ActionError */.l(`DEST ${dest} lies inside the workspace by name, but ${parent} is a symlink that leads outside it (${realParent}); name a folder that is really inside the workspace.`);
        }
        return new Destination(dest, parent, created);
    }
    async staging() {
        await this.#dropStaging();
        // Again: a failed sibling line may have removed a parent this one shares.
        await promises_default().mkdir(this.#parent, { recursive: true });
        this.#staging = await promises_default().mkdtemp(external_node_path_default().join(this.#parent, `.${external_node_path_default().basename(this.dest)}.partial-`));
        return this.#staging;
    }
    /** Swaps the staging folder in for DEST (replacing an existing DEST as a whole). */
    async commit(topMode = 0o755) {
        const staging = this.#staging;
        if (!staging)
            throw new Error('nothing staged');
        await promises_default().chmod(staging, (topMode & 0o777 & ~umask()) | 0o700);
        let old;
        try {
            await promises_default().lstat(this.dest);
            old = external_node_path_default().join(this.#parent, `.${external_node_path_default().basename(this.dest)}.old-${process.pid}-${Date.now().toString(36)}`);
            await promises_default().rename(this.dest, old);
        }
        catch (err) {
            if (err.code !== 'ENOENT')
                throw err;
        }
        try {
            await promises_default().rename(staging, this.dest);
        }
        catch (err) {
            if (old)
                await promises_default().rename(old, this.dest).catch(() => { });
            throw err;
        }
        this.#staging = undefined;
        if (old)
            await promises_default().rm(old, { recursive: true, force: true });
    }
    async abort() {
        await this.#dropStaging();
        await removeEmptyParents(this.#parent, this.#created);
    }
    async #dropStaging() {
        if (!this.#staging)
            return;
        await promises_default().rm(this.#staging, { recursive: true, force: true, maxRetries: 3 });
        this.#staging = undefined;
    }
}
/** Removes the folders `mkdir -p` created (from `dir` up to `created`), while empty. */
async function removeEmptyParents(dir, created) {
    if (!created)
        return;
    let cur = dir;
    for (;;) {
        try {
            await promises_default().rmdir(cur);
        }
        catch {
            return;
        }
        if (cur === created || !isInside(created, cur))
            return;
        cur = external_node_path_default().dirname(cur);
    }
}

// EXTERNAL MODULE: ./src/net/http.ts
var http = __webpack_require__(9663);
;// CONCATENATED MODULE: ./src/bitbucket/refs.ts
/**
 * A ref (tag, branch or commit) to the full commit hash, through the REST API
 * with the Bearer token: `refs/tags/{name}`, then `refs/branches/{name}`, then
 * `commit/{ref}` (a 40-hex ref goes straight to `commit/`).
 */


const FULL_HASH = /^[0-9a-f]{40}$/i;
const SCOPE_HINT = 'The OAuth consumer needs the Repositories: Read permission (scope `repository`), and its user (or workspace) must be able to read the repository.';
function repoPath(workspace, repo) {
    return `repositories/${encodeURIComponent(workspace)}/${encodeURIComponent(repo)}`;
}
async function get(deps, path, what) {
    const { response, text } = await deps.http.text((0,http/* joinUrl */.we)(deps.apiUrl, path), {
        what,
        authorization: deps.authorization,
        headers: { accept: 'application/json' },
    });
    let json;
    try {
        const parsed = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            json = parsed;
    }
    catch {
        json = undefined;
    }
    return { status: response.status, json };
}
function apiMessage(json) {
    const error = json?.error;
    return typeof error?.message === 'string' ? error.message : '';
}
function refusal(a, full, ref, what) {
    const said = apiMessage(a.json) ? ` ("${apiMessage(a.json)}")` : '';
    if (a.status === 401) {
        return new errors/* ActionError */.l(`The Bitbucket API refused the access token while resolving ${full}@${ref} (HTTP 401${said}). The token may have expired or been revoked; re-run the job, and check that \`api-url\` belongs to the same Bitbucket as \`bitbucket-url\`.`);
    }
    if (a.status === 403) {
        return new errors/* ActionError */.l(`The token may not read ${full} (HTTP 403${said} while resolving ${ref}). ${SCOPE_HINT} Tick the permission on the consumer, then get a new refresh token with \`bitbucket-oauth login\`.`);
    }
    if (a.status !== 200 && a.status !== 404) {
        return new errors/* ActionError */.l(`${what} answered HTTP ${a.status}${said} while resolving ${full}@${ref}. ${a.status >= 500 || a.status === 429 ? 'Bitbucket may be degraded; re-run the job later.' : 'Check `api-url`.'}`);
    }
    return undefined;
}
function hashOf(value) {
    return typeof value === 'string' && FULL_HASH.test(value) ? value.toLowerCase() : undefined;
}
async function resolveRef(deps, workspace, repo, ref) {
    const full = `${workspace}/${repo}`;
    const what = 'the Bitbucket API';
    const base = repoPath(workspace, repo);
    const enc = encodeURIComponent(ref);
    // Commit hashes are lowercase hex; `ABC123…` is the same commit.
    const hex = /^[0-9a-f]{4,40}$/i.test(ref) ? ref.toLowerCase() : undefined;
    const attempts = FULL_HASH.test(ref)
        ? [['commit', `${base}/commit/${hex}`]]
        : [
            ['tag', `${base}/refs/tags/${enc}`],
            ['branch', `${base}/refs/branches/${enc}`],
            ['commit', `${base}/commit/${hex}`],
        ];
    for (const [kind, path] of attempts) {
        // Only hex can be a commit hash: a name saves the last lookup (and the hourly API budget).
        if (kind === 'commit' && !hex)
            continue;
        const a = await get(deps, path, what);
        const refused = refusal(a, full, ref, what);
        if (refused)
            throw refused;
        if (a.status === 200) {
            const target = a.json?.target;
            const commit = kind === 'commit' ? hashOf(a.json?.hash) : hashOf(target?.hash);
            if (!commit)
                throw new errors/* ActionError */.l(`${what} answered the ${kind} lookup of ${full}@${ref} without a commit hash; check that \`api-url\` points at the Bitbucket Cloud REST API (https://api.bitbucket.org/2.0).`);
            return { commit, kind };
        }
    }
    // Nothing found: is it the ref, or the repository?
    const a = await get(deps, base, what);
    const refused = refusal(a, full, ref, what);
    if (refused)
        throw refused;
    if (a.status === 404) {
        throw new errors/* ActionError */.l(`Repository ${full} was not found, or the token cannot see it (while resolving ${ref}). Check the spelling of WORKSPACE/REPO; ${SCOPE_HINT}`);
    }
    throw new errors/* ActionError */.l(`${full} has no tag, branch or commit named "${ref}". Check the ref (tags are case-sensitive); if it exists, the token may lack access: ${SCOPE_HINT}`);
}

// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
// EXTERNAL MODULE: external "node:worker_threads"
var external_node_worker_threads_ = __webpack_require__(5919);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: ./src/net/retry.ts
var retry = __webpack_require__(7893);
;// CONCATENATED MODULE: ./src/archives/download.ts
/**
 * The archive of a commit, `{bitbucket-url}/{ws}/{repo}/get/{commit}.tar.gz`,
 * with the Bearer token (never forwarded to another origin: see http.ts),
 * streamed to a consumer (a temp file, or the extractor) while its SHA-256
 * and size are computed; the whole archive is never held in memory.
 *
 * A redirect to the login page or an HTML answer is an authentication or
 * permission error. A body that breaks off (reset, truncated, stalled) is
 * fetched again with the backoff of retry.ts; the consumer starts over.
 */







/** Counts and hashes the bytes passing through. */
class HashingStream extends external_node_stream_.Transform {
    #hash = (0,external_node_crypto_.createHash)('sha256');
    bytes = 0;
    _transform(chunk, _enc, cb) {
        this.#hash.update(chunk);
        this.bytes += chunk.length;
        cb(null, chunk);
    }
    digest() {
        return this.#hash.digest('hex');
    }
}
function archiveUrl(bitbucketUrl, a) {
    return (0,http/* joinUrl */.we)(bitbucketUrl, `${encodeURIComponent(a.workspace)}/${encodeURIComponent(a.repo)}/get/${a.commit}.tar.gz`);
}
const download_SCOPE_HINT = 'Check that the OAuth consumer has the Repositories: Read permission (scope `repository`) and that its user (or workspace) can read the repository.';
/** Throws unless the response is the archive itself. */
function checkArchiveResponse(response, a) {
    const label = `${a.workspace}/${a.repo}@${a.ref}`;
    const type = (response.headers['content-type'] ?? '').toLowerCase();
    const login = /\/(account\/signin|login|site\/login)\b/.test(response.url.pathname) || /[?&]next=/.test(response.url.search);
    if (response.status >= 300 && response.status < 400) {
        throw new errors/* ActionError */.l(`The archive download of ${label} was redirected too many times (last to ${response.url.host}); check \`bitbucket-url\` and any proxy.`);
    }
    if (login || (response.status < 300 && type.includes('text/html'))) {
        throw new errors/* ActionError */.l(`Bitbucket answered the archive download of ${label} with ${login ? 'its login page' : 'an HTML page'} instead of the archive: the token was not accepted for the repository. ${download_SCOPE_HINT} If \`bitbucket-url\` is not the site that issued the token, fix it.`);
    }
    if (response.status === 401 || response.status === 403) {
        throw new errors/* ActionError */.l(`Bitbucket refused the archive download of ${label} (HTTP ${response.status} from ${response.url.host}). ${download_SCOPE_HINT}`);
    }
    if (response.status === 404) {
        throw new errors/* ActionError */.l(`Bitbucket has no archive for ${label} (commit ${a.commit}, HTTP 404). The commit may have been removed since it was resolved; re-run the job.`);
    }
    if (response.status !== 200) {
        throw new errors/* ActionError */.l(`The archive download of ${label} answered HTTP ${response.status}. ${response.status >= 500 || response.status === 429 ? 'Bitbucket may be degraded; re-run the job later.' : 'Check `bitbucket-url`.'}`);
    }
}
/**
 * Downloads the archive and hands its body (hashed on the way) to `consume`,
 * once per attempt; retries when the body breaks off. `consume` must start
 * from scratch each time.
 */
async function downloadArchive(deps, a, consume) {
    const url = archiveUrl(deps.bitbucketUrl, a);
    const label = `${a.workspace}/${a.repo}@${a.ref}`;
    const policy = deps.http.retry;
    const sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    let stalls = 0;
    for (let attempt = 1;; attempt++) {
        const response = await deps.http.request(url, {
            what: `the archive of ${label}`,
            authorization: deps.authorization,
            headers: { accept: 'application/x-gzip, application/octet-stream;q=0.9, */*;q=0.1' },
        });
        try {
            checkArchiveResponse(response, a);
        }
        catch (err) {
            await response.body.dump().catch(() => { });
            throw err;
        }
        const hashing = new HashingStream();
        const expected = Number(response.headers['content-length'] ?? NaN);
        // The consumer sees a broken body through its own pipeline; these listeners only keep a
        // late error (after the consumer gave up) from becoming an uncaught exception.
        hashing.on('error', () => { });
        response.body.on('error', (err) => hashing.destroy(err));
        const body = response.body.pipe(hashing);
        try {
            const result = await consume(body);
            if (Number.isFinite(expected) && hashing.bytes !== expected) {
                throw Object.assign(new Error(`got ${hashing.bytes} of ${expected} bytes`), { code: 'TRUNCATED' });
            }
            return { result, sha256: hashing.digest(), bytes: hashing.bytes, attempts: attempt };
        }
        catch (err) {
            response.body.destroy();
            hashing.destroy();
            if (!(0,retry/* shouldRetryError */.wE)(err, true))
                throw err;
            const why = describeBreak(err);
            // A stall already cost a full body timeout: one more try at most, so that a server that stops
            // answering ends the step within about two minutes.
            if ((0,retry/* errorCode */.CA)(err) === 'UND_ERR_BODY_TIMEOUT')
                stalls++;
            if (attempt >= policy.attempts || stalls >= 2) {
                throw new errors/* ActionError */.l(`The archive download of ${label} broke off ${attempt} times (last: ${why}). Check the runner's network and any HTTPS_PROXY setting, then re-run the job.`, { cause: err });
            }
            const wait = (0,retry/* backoffDelay */.EY)(policy, attempt, deps.random ?? Math.random);
            deps.debug(`${label}: attempt ${attempt} got ${hashing.bytes}${Number.isFinite(expected) ? ` of ${expected}` : ''} bytes: ${(0,errors/* errorMessage */.g)(err)}`);
            deps.info(`${label}: the download broke off (${why}); trying again in ${(wait / 1000).toFixed(1)} s`);
            await sleep(wait);
        }
    }
}
function describeBreak(err) {
    switch ((0,retry/* errorCode */.CA)(err)) {
        case 'ECONNRESET':
        case 'UND_ERR_SOCKET':
        case 'ERR_STREAM_PREMATURE_CLOSE':
            return 'the connection was reset or closed early';
        case 'UND_ERR_BODY_TIMEOUT':
            return 'the download stalled';
        case 'TRUNCATED':
        case 'Z_BUF_ERROR':
        case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
            return 'the archive was truncated';
        default:
            return (0,errors/* errorMessage */.g)(err);
    }
}
/** A consumer that writes the body to `file` (mode 0600), replacing what an earlier attempt left. */
function toFile(file) {
    return (body) => (0,external_node_stream_promises_.pipeline)(body, external_node_fs_default().createWriteStream(file, { mode: 0o600, highWaterMark: 1024 * 1024 }));
}

;// CONCATENATED MODULE: ./src/archives/worker/stage.ts
/**
 * The heavy stage of one archive: a `.tar.gz` (the download itself, or a
 * file already on disk) hashed and extracted into an empty staging folder.
 * Runs in a worker thread (worker.ts) or, without the worker bundle, here.
 */



function emptied(dir) {
    external_node_fs_default().rmSync(dir, { recursive: true, force: true });
    external_node_fs_default().mkdirSync(dir, { mode: 0o700 });
    return dir;
}
async function runStage(job, deps) {
    const source = job.source;
    const downloadDeps = (s) => ({
        http: deps.http,
        bitbucketUrl: new URL(s.bitbucketUrl),
        authorization: s.authorization,
        info: deps.info,
        debug: deps.debug,
    });
    if ('saveTo' in job) {
        const d = await downloadArchive(downloadDeps(job.source), job.source.archive, toFile(job.saveTo));
        return { sha256: d.sha256, bytes: d.bytes, stats: undefined };
    }
    if (source.kind === 'file') {
        const hashing = new HashingStream();
        const stats = await extractTarGz(external_node_fs_default().createReadStream(source.file, { highWaterMark: 256 * 1024 }).pipe(hashing), emptied(job.staging));
        return { sha256: hashing.digest(), bytes: hashing.bytes, stats };
    }
    const staging = job.staging;
    const d = await downloadArchive(downloadDeps(source), source.archive, (body) => extractTarGz(body, emptied(staging)));
    return { sha256: d.sha256, bytes: d.bytes, stats: d.result };
}

;// CONCATENATED MODULE: ./src/archives/worker/pool.ts
/**
 * Running the stage of stage.ts in a worker thread (worker.ts), and the
 * messages between it and the main thread. Falls back to the main thread when
 * the worker bundle is not there (running from source).
 */








/** Heap limits of the worker: small, so that garbage is collected early (BENCHMARKS.md). */
const LIMITS = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 };
/** The worker bundle next to the main one (`dist/archive-worker/index.js`), if present. */
function workerScript() {
    try {
        const here = external_node_path_default().dirname((0,external_node_url_.fileURLToPath)(import.meta.url));
        const script = external_node_path_default().join(here, '..', 'archive-worker', 'index.js');
        return external_node_fs_default().existsSync(script) ? script : undefined;
    }
    catch {
        return undefined;
    }
}
/** Rebuilds an error the worker reported, with the class the caller's messages depend on. */
function revive(m) {
    if (m.name === 'UnsafeArchiveError')
        return new UnsafeArchiveError(m.message);
    if (m.name === 'TarFormatError')
        return new tar_reader_TarFormatError(m.message, m.code);
    if (m.name === 'ActionError' || m.name === 'HttpError')
        return new errors/* ActionError */.l(m.message, { detail: m.detail });
    return Object.assign(new Error(m.message), { code: m.code, stack: m.detail });
}
/** The step's one worker thread, started on first use; several stages run in it at a time. */
class StageWorker {
    #worker;
    #pending = new Map();
    #next = 1;
    #failure;
    constructor(script, debug) {
        this.#worker = new external_node_worker_threads_.Worker(script, { resourceLimits: LIMITS, env: process.env });
        this.#worker.on('message', (m) => {
            if (m.id === 0)
                return debug(m.type === 'debug' || m.type === 'info' ? m.message : '');
            const p = this.#pending.get(m.id);
            if (!p)
                return;
            switch (m.type) {
                case 'info':
                    p.log.info(m.message);
                    break;
                case 'debug':
                    p.log.debug(m.message);
                    break;
                case 'done':
                    this.#pending.delete(m.id);
                    p.resolve({ sha256: m.sha256, bytes: m.bytes, stats: m.stats });
                    break;
                case 'error':
                    this.#pending.delete(m.id);
                    p.reject(revive(m));
                    break;
            }
        });
        const fail = (err) => {
            this.#failure ??= err;
            for (const p of this.#pending.values())
                p.reject(err);
            this.#pending.clear();
        };
        this.#worker.on('error', fail);
        this.#worker.on('exit', (code) => fail(new Error(`the archive worker stopped (exit code ${code})`)));
    }
    run(job, log) {
        if (this.#failure)
            return Promise.reject(this.#failure);
        const id = this.#next++;
        return new Promise((resolve, reject) => {
            this.#pending.set(id, { resolve, reject, log });
            this.#worker.postMessage({ id, job });
        });
    }
    async close() {
        if (this.#failure)
            return;
        const exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
        this.#worker.postMessage({ close: true });
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        await this.#worker.terminate();
    }
}
/**
 * Runs stages in one worker thread when the worker bundle is there, else in
 * this thread. `close()` when the step's archives are done.
 */
class Stager {
    #script = workerScript();
    #debug;
    #worker;
    constructor(debug) {
        this.#debug = debug;
    }
    stage(job, deps) {
        if (!this.#script)
            return runStage(job, deps);
        const src = job.source;
        const what = src.kind === 'file' ? src.file : `${src.archive.workspace}/${src.archive.repo}@${src.archive.ref}`;
        deps.debug(`${'saveTo' in job ? 'downloading' : src.kind === 'file' ? 'extracting' : 'downloading and extracting'} ${what} in a worker thread`);
        this.#worker ??= new StageWorker(this.#script, this.#debug);
        return this.#worker.run(job, deps);
    }
    async close() {
        await this.#worker?.close();
        this.#worker = undefined;
    }
}

;// CONCATENATED MODULE: ./src/archives/index.ts
/**
 * The `archives` input: each line resolved to a commit, downloaded (or taken
 * from the tool cache), verified and extracted into its DEST; a few at a
 * time, results in input order, a job summary table at the end.
 *
 * Without a pin or cache the download is extracted as it arrives (into a
 * staging folder next to DEST, swapped in once complete); with a `sha256:`
 * pin or `cache: true` it is first written to a temp file under RUNNER_TEMP
 * and checked, so a pin mismatch writes nothing. Extraction (and the download
 * feeding it) runs in a worker thread with a small heap (worker.ts), which
 * keeps memory flat whatever the archive's size.
 */








/** Archives fetched at once: enough to hide latency, few enough for 2-core runners and Bitbucket's limits. */
const CONCURRENCY = 4;
async function fetchArchives(ctx) {
    const specs = ctx.config.archives;
    const done = new Array(specs.length);
    const failures = [];
    let cache = ctx.config.cache;
    if (cache && !cacheAvailable(process.env)) {
        ctx.core.warning('`cache: true` needs RUNNER_TOOL_CACHE (set on GitHub-hosted and self-hosted runners); archives are downloaded without the cache.');
        cache = false;
    }
    ctx.core.info(`Fetching ${specs.length} archive${specs.length === 1 ? '' : 's'} (up to ${CONCURRENCY} at a time)`);
    let next = 0;
    const stager = new Stager((m) => ctx.core.debug(ctx.masker.redact(m)));
    const lane = async () => {
        while (next < specs.length && failures.length === 0) {
            const i = next++;
            const spec = specs[i];
            try {
                done[i] = await fetchOne(ctx, stager, spec, cache);
            }
            catch (err) {
                failures.push({ spec, err });
            }
        }
    };
    try {
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, specs.length) }, lane));
    }
    finally {
        await stager.close();
    }
    const completed = done.filter((d) => d !== undefined);
    if (completed.length)
        await ctx.core.appendSummary(archivesSummary(completed, ctx.config.workspace));
    if (failures.length) {
        for (const f of failures.slice(1))
            ctx.core.warning(`archives line ${f.spec.line}: ${(0,errors/* errorMessage */.g)(f.err)}`);
        const first = failures[0];
        const more = failures.length > 1
            ? ` (${failures.length - 1} more line${failures.length > 2 ? 's' : ''} failed too; see the warnings)`
            : '';
        const message = `archives line ${first.spec.line}: ${(0,errors/* errorMessage */.g)(first.err)}${more}`;
        throw first.err instanceof errors/* ActionError */.l
            ? new errors/* ActionError */.l(message, { cause: first.err })
            : new errors/* ActionError */.l(message, { cause: first.err, detail: String(first.err?.stack ?? first.err) });
    }
    return done.map((d) => d.result);
}
function label(spec) {
    return `${spec.workspace}/${spec.repo}@${spec.ref}`;
}
async function fetchOne(ctx, stager, spec, cache) {
    const { config, core } = ctx;
    const started = Date.now();
    const name = label(spec);
    const authorization = `Bearer ${ctx.accessToken}`;
    const { commit, kind } = await resolveRef({ http: ctx.http, apiUrl: config.apiUrl, authorization }, spec.workspace, spec.repo, spec.ref);
    core.info(`${name}: ${kind} → commit ${commit}`);
    const a = { workspace: spec.workspace, repo: spec.repo, ref: spec.ref, commit };
    const deps = {
        http: ctx.http,
        bitbucketUrl: config.bitbucketUrl,
        authorization,
        info: (m) => core.info(m),
        debug: (m) => core.debug(ctx.masker.redact(m)),
    };
    const relDest = external_node_path_default().relative(config.workspace, spec.dest) || '.';
    const dest = await Destination.open(spec.dest, config.workspace);
    let tmp;
    try {
        let sha256;
        let bytes = 0;
        let stats;
        let cached = false;
        const stageDeps = { http: ctx.http, info: deps.info, debug: deps.debug };
        const hit = cache ? findCached(spec.workspace, spec.repo, commit) : undefined;
        if (hit) {
            core.info(`${name}: commit ${commit.slice(0, 12)} is in the tool cache; not downloading`);
            checkPin(spec, hit.sha256, commit, 'cached archive');
            const r = await stager.stage({ source: { kind: 'file', file: hit.file }, staging: await dest.staging() }, stageDeps);
            if (r.sha256 === hit.sha256) {
                ;
                ({ sha256, bytes } = hit);
                stats = r.stats;
                cached = true;
            }
            else {
                core.warning(`${name}: the cached archive of commit ${commit.slice(0, 12)} does not match its recorded sha256; downloading it again.`);
            }
        }
        if (!stats) {
            if (spec.sha256 || cache) {
                tmp = await promises_default().mkdtemp(external_node_path_default().join(config.runnerTemp, 'bitbucket-archive-'));
                const file = external_node_path_default().join(tmp, CACHE_FILE);
                const d = await stager.stage({
                    source: { kind: 'download', archive: a, bitbucketUrl: config.bitbucketUrl.href, authorization },
                    saveTo: file,
                }, stageDeps);
                ({ sha256, bytes } = d);
                checkPin(spec, d.sha256, commit, 'archive');
                stats = (await stager.stage({ source: { kind: 'file', file }, staging: await dest.staging() }, stageDeps)).stats;
            }
            else {
                const r = await stager.stage({
                    source: { kind: 'download', archive: a, bitbucketUrl: config.bitbucketUrl.href, authorization },
                    staging: await dest.staging(),
                }, stageDeps);
                ({ sha256, bytes, stats } = r);
            }
        }
        if (!stats)
            throw new Error('internal: the extraction reported no result');
        await dest.commit(stats.topMode);
        const ms = Date.now() - started;
        core.info(`${name}: ${cached ? 'extracted from the cache' : `downloaded ${formatBytes(bytes)}`}, ${stats.files} files into ${relDest} in ${(ms / 1000).toFixed(1)} s (sha256 ${sha256})`);
        if (cache && !cached && tmp) {
            try {
                await storeInCache(tmp, spec.workspace, spec.repo, commit, sha256, bytes);
                core.info(`${name}: kept in the tool cache`);
            }
            catch (err) {
                core.warning(`${name}: could not store the archive in the tool cache (${(0,errors/* errorMessage */.g)(err)}); the next run downloads it again.`);
            }
        }
        return {
            result: {
                repository: `${spec.workspace}/${spec.repo}`,
                ref: spec.ref,
                commit,
                path: spec.dest,
                sha256: sha256,
                bytes,
            },
            kind,
            ms,
            cached,
        };
    }
    catch (err) {
        await dest.abort().catch(() => { });
        throw explain(err, spec, commit, relDest);
    }
    finally {
        if (tmp)
            await promises_default().rm(tmp, { recursive: true, force: true }).catch(() => { });
    }
}
function checkPin(spec, actual, commit, what) {
    if (!spec.sha256 || spec.sha256 === actual)
        return;
    throw new errors/* ActionError */.l(`The ${what} of ${label(spec)} (commit ${commit.slice(0, 12)}) has sha256 ${actual}, but line ${spec.line} pins ${spec.sha256}; nothing was written. If the change is expected (the tag was moved, or Bitbucket regenerated the archive), update the pin; otherwise do not trust this archive.`);
}
/** An extraction or file-system failure as a message that says what happened and what to do. */
function explain(err, spec, commit, relDest) {
    const name = label(spec);
    const untouched = `${relDest} was left as it was.`;
    if (err instanceof UnsafeArchiveError) {
        return new errors/* ActionError */.l(`Refused the archive of ${name} (commit ${commit.slice(0, 12)}): ${err.message}. Nothing was extracted; ${untouched}`);
    }
    if (err instanceof errors/* ActionError */.l)
        return err;
    const code = err?.code;
    if (err instanceof tar_reader_TarFormatError) {
        return new errors/* ActionError */.l(`The archive of ${name} is not a valid tar archive (${err.message}); ${untouched} Re-run the job; if it persists, download the archive by hand to check it.`);
    }
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
        return new errors/* ActionError */.l(`The archive of ${name} is not a valid gzip file (${(0,errors/* errorMessage */.g)(err)}); ${untouched} Check \`bitbucket-url\` and any proxy that may rewrite answers.`);
    }
    if (code === 'ENOSPC')
        return new errors/* ActionError */.l(`The runner ran out of disk space while extracting ${name}; ${untouched} Free some space or fetch fewer archives.`);
    if (code === 'EACCES' || code === 'EPERM') {
        return new errors/* ActionError */.l(`Could not write ${name} into ${relDest}: ${(0,errors/* errorMessage */.g)(err)}. Check the permissions of the folder.`);
    }
    if (code === 'EEXIST' || code === 'ENOTDIR') {
        return new errors/* ActionError */.l(`The archive of ${name} has conflicting entries (${(0,errors/* errorMessage */.g)(err)}); ${untouched}`);
    }
    return new errors/* ActionError */.l(`Fetching ${name} into ${relDest} failed: ${(0,errors/* errorMessage */.g)(err)}. ${untouched}`, {
        detail: String(err?.stack ?? err),
    });
}
function formatBytes(n) {
    if (n < 1024)
        return `${n} B`;
    if (n < 1024 * 1024)
        return `${(n / 1024).toFixed(1)} KiB`;
    if (n < 1024 * 1024 * 1024)
        return `${(n / 1024 / 1024).toFixed(1)} MiB`;
    return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
const cell = (s) => s.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);
function archivesSummary(done, workspace) {
    let md = '### Bitbucket archives\n\n| Repository | Ref | Commit | Size | Time | Path |\n|---|---|---|---|---|---|\n';
    for (const d of done) {
        const r = d.result;
        md += `| ${cell(r.repository)} | ${cell(r.ref)} | \`${r.commit.slice(0, 12)}\` | ${formatBytes(r.bytes)} | ${(d.ms / 1000).toFixed(1)} s${d.cached ? ' (cache)' : ''} | ${cell(external_node_path_default().relative(workspace, r.path))} |\n`;
    }
    return md + '\n';
}


/***/ })

};
