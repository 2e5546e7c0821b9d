export const id = 317;
export const ids = [317];
export const modules = {

/***/ 8317:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  CONCURRENCY: () => (/* binding */ CONCURRENCY),
  fetchArchives: () => (/* binding */ fetchArchives),
  inLanes: () => (/* binding */ inLanes)
});

// EXTERNAL MODULE: ./src/shared/errors.ts
var errors = __webpack_require__(8382);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
var external_node_fs_default = /*#__PURE__*/__webpack_require__.n(external_node_fs_);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
var promises_default = /*#__PURE__*/__webpack_require__.n(promises_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
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

;// CONCATENATED MODULE: ./src/archives/entry-policy.ts
/**
 * Which tar entries may be extracted, judged by their names: every entry
 * below the archive's single top-level folder (which is stripped), no
 * absolute name, no `..` component, nothing below one of the archive's
 * symlinks, symlink targets relative and non-empty, hard links only to files
 * of the same folder. Where a symlink finally leads is links.ts's job.
 */

/** An archive that breaks the rules of extract.ts. Never retried. */
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
/** Refuses the entry `name`, saying why. */
function refuse(name, why) {
    throw new UnsafeArchiveError(`the archive has an unsafe entry ${showName(name)}: ${why}`);
}
const isWindows = process.platform === 'win32';
function isAbsoluteName(name) {
    return name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.startsWith('\\');
}
/** A member name's path components (`.` and empty ones dropped), or why it has none that may be used. */
function components(name) {
    if (isAbsoluteName(name))
        return 'absolute';
    const parts = name.split(isWindows ? /[\\/]+/ : /\/+/).filter((c) => c !== '' && c !== '.');
    if (parts.includes('..'))
        return 'dotdot';
    return parts;
}
/** The entries of one archive, judged in order (the first one names the top-level folder). */
class EntryPolicy {
    #links;
    /** Leading components dropped: 1 below a top-level folder, 0 for entries at the archive's root. */
    #strip;
    #top;
    /** `topFolder: false`: the entries sit at the archive's root (Bitbucket Data Center's archives). */
    constructor(links, topFolder = true) {
        this.#links = links;
        this.#strip = topFolder ? 1 : 0;
    }
    /** The entry's path below the top-level folder ('' for the folder itself). */
    relative(name, type) {
        const parts = components(name);
        if (parts === 'absolute')
            refuse(name, 'an absolute path');
        if (parts === 'dotdot')
            refuse(name, 'a ".." path component (it would land outside DEST)');
        if (parts.length === 0 && this.#strip === 0 && type === 'directory')
            return '';
        if (parts.length === 0)
            refuse(name, 'an empty name');
        if (this.#strip) {
            this.#top ??= parts[0];
            if (parts[0] !== this.#top || (parts.length === 1 && type !== 'directory')) {
                throw new UnsafeArchiveError(`the archive does not hold a single top-level folder (${showName(this.#top)} and ${showName(name)}); a Bitbucket archive always does, so this is not one.`);
            }
        }
        const s = this.#strip;
        const rel = parts.slice(s).join('/');
        if (this.#links.size) {
            for (let i = s; i < parts.length - 1; i++) {
                const prefix = parts.slice(s, i + 1).join('/');
                if (this.#links.has(prefix))
                    refuse(name, `it lies below the symlink ${showName(prefix)}`);
            }
            if (this.#links.has(rel))
                refuse(name, 'a second entry for a symlink');
        }
        return rel;
    }
    /** Refuses a symlink that is the top-level folder, or whose target is empty, invalid or absolute. */
    checkSymlink(name, rel, target) {
        if (rel === '')
            refuse(name, 'the top-level folder is a symlink');
        if (target === '' || target.includes('\0'))
            refuse(name, 'a symlink with an empty or invalid target');
        if (isAbsoluteName(target))
            refuse(name, `a symlink to the absolute path ${showName(target)}`);
    }
    /**
     * The path below the top-level folder of the member a hard link names,
     * which must be a file extracted before it (`isFile`), reached through no symlink.
     */
    hardLinkTarget(name, linkname, isFile) {
        const parts = components(linkname);
        const s = this.#strip;
        if (parts === 'absolute' || parts === 'dotdot' || (s && parts[0] !== this.#top)) {
            refuse(name, `a hard link to ${showName(linkname)}, outside the archive's folder`);
        }
        const target = parts.slice(s).join('/');
        if (target === '' ||
            this.#links.has(target) ||
            parts.slice(s, -1).some((_, i) => this.#links.has(parts.slice(s, s + i + 1).join('/'))) ||
            !isFile(target)) {
            refuse(name, `a hard link to ${showName(linkname)}, which is not a file extracted before it`);
        }
        return target;
    }
}

// EXTERNAL MODULE: ./src/archives/spec.ts
var archives_spec = __webpack_require__(1812);
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
class TarFormatError extends Error {
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
        throw new TarFormatError('the archive ends in the middle of an entry (truncated download?)', 'TRUNCATED');
    }
    #onHeader(block) {
        if (isZero(block)) {
            this.#zeroBlocks++;
            if (this.#zeroBlocks >= 2)
                this.#phase = 'done';
            return;
        }
        if (this.#zeroBlocks)
            throw new TarFormatError('a zero block in the middle of the archive');
        verifyChecksum(block);
        const flag = String.fromCharCode(block[156]);
        const size = readNumber(block, 124, 12);
        if (size < 0 || !Number.isSafeInteger(size))
            throw new TarFormatError('an entry with an impossible size');
        if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K')
            this.#startMeta(flag, size);
        else
            this.#startEntry(block, flag, size);
    }
    /** A header whose data describes the next entry (pax, GNU long name or link). */
    #startMeta(flag, size) {
        if (size > 1 << 20)
            throw new TarFormatError(`a ${flag} header of ${size} bytes`);
        this.#metaKind = flag;
        this.#remaining = size;
        this.#padding = pad(size);
        this.#phase = size ? 'meta' : this.#padding ? 'padding' : 'header';
        if (!size)
            this.#onMeta(Buffer.alloc(0));
    }
    #startEntry(block, flag, size) {
        const { name, linkname, entrySize } = this.#names(block, size);
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
    /** The entry's name, link name and size: the header's, unless a pax or GNU header before it said otherwise. */
    #names(block, size) {
        const ustar = block.toString('latin1', 257, 262) === 'ustar';
        const gnu = block.toString('latin1', 257, 265) === 'ustar  \0';
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
                throw new TarFormatError('a pax size that is not a number');
            entrySize = Number(this.#pax.size);
        }
        this.#longName = undefined;
        this.#longLink = undefined;
        this.#pax = {};
        return { name, linkname, entrySize };
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
            throw new TarFormatError('a header with a malformed number (not a tar archive?)');
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
        throw new TarFormatError('a header with a bad checksum (corrupt archive, or not a tar archive)');
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
            throw new TarFormatError('a malformed pax header');
        const record = buf.toString('utf8', space + 1, off + len - 1);
        const eq = record.indexOf('=');
        if (eq > 0)
            out[record.slice(0, eq)] = record.slice(eq + 1);
        off += len;
    }
    return out;
}

;// CONCATENATED MODULE: ./src/archives/errors.ts
/** Failures of the archives as messages that say what happened and what to do. */




/** An extraction or file-system failure of one line (an ActionError passes as it is). */
function explain(err, spec, commit, relDest) {
    const name = (0,archives_spec/* archiveLabel */.rz)(spec);
    const untouched = `${relDest} was left as it was.`;
    if (err instanceof UnsafeArchiveError) {
        return new errors/* ActionError */.l(`Refused the archive of ${name} (commit ${commit.slice(0, 12)}): ${err.message}. Nothing was extracted; ${untouched}`);
    }
    if (err instanceof errors/* ActionError */.l)
        return err;
    const code = err?.code;
    if (err instanceof TarFormatError) {
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
/** The step's error when lines failed: the first line's failure, and how many more there were. */
function linesFailed(failures) {
    const first = failures[0];
    const more = failures.length > 1
        ? ` (${failures.length - 1} more line${failures.length > 2 ? 's' : ''} failed too; see the warnings)`
        : '';
    const message = `archives line ${first.spec.line}: ${(0,errors/* errorMessage */.g)(first.err)}${more}`;
    return first.err instanceof errors/* ActionError */.l
        ? new errors/* ActionError */.l(message, { cause: first.err })
        : new errors/* ActionError */.l(message, { cause: first.err, detail: String(first.err?.stack ?? first.err) });
}

// EXTERNAL MODULE: ./src/shared/fs-safe.ts
var fs_safe = __webpack_require__(2774);
;// CONCATENATED MODULE: ./src/archives/destination.ts
/**
 * DEST and its staging folders. The staging folder lives next to DEST (same
 * file system), so the swap is a rename; on failure it is removed and DEST
 * is left as it was.
 */




let umaskCache;
function umask() {
    umaskCache ??= process.umask();
    return umaskCache;
}
/**
 * `open` creates DEST's parent (inside the workspace, symlinks resolved);
 * `staging()` gives a fresh empty folder next to DEST (dropping the previous
 * one); `commit()` swaps it in; `abort()` removes whatever is left, DEST
 * untouched.
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
        if (!(0,fs_safe/* isInside */.FK)(realParent, realWorkspace)) {
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
        if (cur === created || !(0,fs_safe/* isInside */.FK)(cur, created))
            return;
        cur = external_node_path_default().dirname(cur);
    }
}

;// CONCATENATED MODULE: ./src/archives/summary.ts
/** The job summary's table of fetched archives, and sizes in words. */

function formatBytes(n) {
    if (n < 1024)
        return `${n} B`;
    if (n < 1024 * 1024)
        return `${(n / 1024).toFixed(1)} KiB`;
    if (n < 1024 * 1024 * 1024)
        return `${(n / 1024 / 1024).toFixed(1)} MiB`;
    return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
/** Text for a table cell: Markdown's special characters escaped. */
const cell = (s) => s.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);
function archivesSummary(done, workspace) {
    let md = '### Bitbucket archives\n\n| Repository | Ref | Commit | Size | Time | Path |\n|---|---|---|---|---|---|\n';
    for (const d of done) {
        const r = d.result;
        md += `| ${cell(r.repository)} | ${cell(r.ref)} | \`${r.commit.slice(0, 12)}\` | ${formatBytes(r.bytes)} | ${(d.ms / 1000).toFixed(1)} s${d.cached ? ' (cache)' : ''} | ${cell(external_node_path_default().relative(workspace, r.path))} |\n`;
    }
    return md + '\n';
}

;// CONCATENATED MODULE: ./src/archives/one-archive.ts
/**
 * One line of `archives`: its ref resolved to a commit, the archive turned
 * into an extracted staging folder next to DEST, then swapped in. Three paths:
 *
 * - cached (`cache: true`, the commit in the tool cache): extracted from
 *   there, and used only when its bytes match the sha256 recorded with it;
 * - through a file (a `sha256:` pin, or `cache: true`): downloaded to a temp
 *   file under RUNNER_TEMP and checked first, so a pin mismatch writes
 *   nothing; then extracted, and kept in the tool cache when asked;
 * - streamed (otherwise): extracted as it downloads.
 */








async function fetchOne(ctx, stager, spec, cache) {
    const { config, core } = ctx;
    const started = Date.now();
    const name = (0,archives_spec/* archiveLabel */.rz)(spec);
    const authorization = `Bearer ${ctx.accessToken}`;
    const refDeps = { http: ctx.http, apiUrl: config.apiUrl, authorization };
    const { commit, kind } = await config.provider.resolveRef(refDeps, spec.workspace, spec.repo, spec.ref);
    core.info(`${name}: ${kind} → commit ${commit}`);
    const relDest = external_node_path_default().relative(config.workspace, spec.dest) || '.';
    const dest = await Destination.open(spec.dest, config.workspace);
    const deps = {
        http: ctx.http,
        info: (m) => core.info(m),
        debug: (m) => core.debug(ctx.masker.redact(m)),
    };
    const line = { ctx, stager, spec, commit, authorization, dest, deps };
    try {
        const staged = (cache ? await fromCache(line) : undefined) ??
            (spec.sha256 || cache ? await throughFile(line) : await streamed(line));
        await dest.commit(staged.stats.topMode);
        const ms = Date.now() - started;
        core.info(`${name}: ${staged.cached ? 'extracted from the cache' : `downloaded ${formatBytes(staged.bytes)}`}, ${staged.stats.files} files into ${relDest} in ${(ms / 1000).toFixed(1)} s (sha256 ${staged.sha256})`);
        if (cache && !staged.cached && line.tmp)
            await keepInCache(line, staged);
        const { sha256, bytes } = staged;
        const result = {
            repository: `${spec.workspace}/${spec.repo}`,
            ref: spec.ref,
            commit,
            path: spec.dest,
            sha256,
            bytes,
        };
        return { result, kind, ms, cached: staged.cached };
    }
    catch (err) {
        await dest.abort().catch(() => { });
        throw explain(err, spec, commit, relDest);
    }
    finally {
        if (line.tmp)
            await promises_default().rm(line.tmp, { recursive: true, force: true }).catch(() => { });
    }
}
/** The commit's archive from the tool cache, if there and intact (else undefined: download it). */
async function fromCache(line) {
    const { ctx, spec, commit } = line;
    const hit = findCached(spec.workspace, spec.repo, commit);
    if (!hit)
        return undefined;
    const name = (0,archives_spec/* archiveLabel */.rz)(spec);
    ctx.core.info(`${name}: commit ${commit.slice(0, 12)} is in the tool cache; not downloading`);
    checkPin(spec, hit.sha256, commit, 'cached archive');
    const r = await line.stager.stage({ source: { kind: 'file', file: hit.file }, staging: await line.dest.staging(), flat: flat(line) }, line.deps);
    if (r.sha256 === hit.sha256)
        return { sha256: hit.sha256, bytes: hit.bytes, stats: extracted(r), cached: true };
    ctx.core.warning(`${name}: the cached archive of commit ${commit.slice(0, 12)} does not match its recorded sha256; downloading it again.`);
    return undefined;
}
/** Downloaded to a temp file, checked against the pin, then extracted. */
async function throughFile(line) {
    line.tmp = await promises_default().mkdtemp(external_node_path_default().join(line.ctx.config.runnerTemp, 'bitbucket-archive-'));
    const file = external_node_path_default().join(line.tmp, CACHE_FILE);
    const d = await line.stager.stage({ source: download(line), saveTo: file }, line.deps);
    checkPin(line.spec, d.sha256, line.commit, 'archive');
    const r = await line.stager.stage({ source: { kind: 'file', file }, staging: await line.dest.staging(), flat: flat(line) }, line.deps);
    return { sha256: d.sha256, bytes: d.bytes, stats: extracted(r), cached: false };
}
/** Extracted as it downloads. */
async function streamed(line) {
    const r = await line.stager.stage({ source: download(line), staging: await line.dest.staging(), flat: flat(line) }, line.deps);
    return { sha256: r.sha256, bytes: r.bytes, stats: extracted(r), cached: false };
}
/** Whether the provider's archives hold their entries at the root (no top-level folder). */
function flat(line) {
    return !line.ctx.config.provider.archiveHasTopFolder;
}
function download(line) {
    const { spec, commit } = line;
    const { provider, bitbucketUrl, apiUrl } = line.ctx.config;
    return {
        kind: 'download',
        archive: { workspace: spec.workspace, repo: spec.repo, ref: spec.ref, commit },
        bitbucketUrl: bitbucketUrl.href,
        url: provider.archiveUrl({ bitbucketUrl, apiUrl }, spec.workspace, spec.repo, commit).href,
        authorization: line.authorization,
    };
}
function extracted(r) {
    if (!r.stats)
        throw new Error('internal: the extraction reported no result');
    return r.stats;
}
async function keepInCache(line, staged) {
    const { ctx, spec, commit } = line;
    const name = (0,archives_spec/* archiveLabel */.rz)(spec);
    try {
        await storeInCache(line.tmp, spec.workspace, spec.repo, commit, staged.sha256, staged.bytes);
        ctx.core.info(`${name}: kept in the tool cache`);
    }
    catch (err) {
        ctx.core.warning(`${name}: could not store the archive in the tool cache (${(0,errors/* errorMessage */.g)(err)}); the next run downloads it again.`);
    }
}
function checkPin(spec, actual, commit, what) {
    if (!spec.sha256 || spec.sha256 === actual)
        return;
    throw new errors/* ActionError */.l(`The ${what} of ${(0,archives_spec/* archiveLabel */.rz)(spec)} (commit ${commit.slice(0, 12)}) has sha256 ${actual}, but line ${spec.line} pins ${spec.sha256}; nothing was written. If the change is expected (the tag was moved, or Bitbucket regenerated the archive), update the pin; otherwise do not trust this archive.`);
}

// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
// EXTERNAL MODULE: external "node:worker_threads"
var external_node_worker_threads_ = __webpack_require__(5919);
// EXTERNAL MODULE: ./src/net/errors.ts
var net_errors = __webpack_require__(3688);
;// CONCATENATED MODULE: ./src/archives/worker/protocol.ts
/**
 * The messages between the main thread (pool.ts) and the archive worker
 * (worker.ts). One worker serves several stages at a time: the main thread
 * sends `{id, job}` (or `{close: true}`); the worker answers with `info` and
 * `debug` log lines, then `done` or `error`, each tagged with the job's id
 * (id 0: the worker's own debug lines).
 *
 * An error crosses as a WireError and is rebuilt with its class and the
 * fields the caller's messages depend on (status, phase, code, detail).
 */




function toWire(err) {
    const e = err;
    const wire = {
        name: e?.name ?? 'Error',
        message: e?.message ?? String(err),
        detail: e?.detail ?? e?.stack,
    };
    if (typeof e?.code === 'string')
        wire.code = e.code;
    if (err instanceof HttpError) {
        if (err.status !== undefined)
            wire.status = err.status;
        wire.phase = err.phase;
    }
    return wire;
}
/** The error `toWire` described, rebuilt with its class (a plain Error with its code for an unknown one). */
function fromWire(w) {
    switch (w.name) {
        case 'UnsafeArchiveError':
            return new UnsafeArchiveError(w.message);
        case 'TarFormatError':
            return new TarFormatError(w.message, w.code);
        case 'HttpError':
            return new net_errors/* HttpError */.j$(w.message, { status: w.status, code: w.code, phase: w.phase, detail: w.detail });
        case 'ActionError':
            return new errors/* ActionError */.l(w.message, { detail: w.detail });
        default:
            return Object.assign(new Error(w.message), { code: w.code, stack: w.detail });
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: ./src/net/retry.ts
var retry = __webpack_require__(7893);
// EXTERNAL MODULE: ./src/net/url.ts
var url = __webpack_require__(486);
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
    return (0,url/* joinUrl */.we)(bitbucketUrl, `${encodeURIComponent(a.workspace)}/${encodeURIComponent(a.repo)}/get/${a.commit}.tar.gz`);
}
const SCOPE_HINT = 'Check that the OAuth consumer has the Repositories: Read permission (scope `repository`) and that its user (or workspace) can read the repository.';
/** Throws unless the response is the archive itself. */
function checkArchiveResponse(response, a) {
    const label = (0,archives_spec/* archiveLabel */.rz)(a);
    const type = (response.headers['content-type'] ?? '').toLowerCase();
    const login = /\/(account\/signin|login|site\/login)\b/.test(response.url.pathname) || /[?&]next=/.test(response.url.search);
    if (response.status >= 300 && response.status < 400) {
        throw new errors/* ActionError */.l(`The archive download of ${label} was redirected too many times (last to ${response.url.host}); check \`bitbucket-url\` and any proxy.`);
    }
    if (login || (response.status < 300 && type.includes('text/html'))) {
        throw new errors/* ActionError */.l(`Bitbucket answered the archive download of ${label} with ${login ? 'its login page' : 'an HTML page'} instead of the archive: the token was not accepted for the repository. ${SCOPE_HINT} If \`bitbucket-url\` is not the site that issued the token, fix it.`);
    }
    if (response.status === 401 || response.status === 403) {
        throw new errors/* ActionError */.l(`Bitbucket refused the archive download of ${label} (HTTP ${response.status} from ${response.url.host}). ${SCOPE_HINT}`);
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
 * once per attempt; retries when the body breaks off (a stall once only).
 * `consume` must start from scratch each time.
 */
async function downloadArchive(deps, a, consume) {
    const label = (0,archives_spec/* archiveLabel */.rz)(a);
    let stalls = 0;
    /** What the failed attempt received, for the debug line. */
    let got = '';
    const attempt = async (n) => {
        const response = await fetchArchiveResponse(deps, a);
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
            return { result, sha256: hashing.digest(), bytes: hashing.bytes, attempts: n };
        }
        catch (err) {
            response.body.destroy();
            hashing.destroy();
            got = `attempt ${n} got ${hashing.bytes}${Number.isFinite(expected) ? ` of ${expected}` : ''} bytes`;
            throw err;
        }
    };
    return (0,retry/* withRetries */.LH)(attempt, {
        policy: deps.http.retry,
        label,
        debug: deps.debug,
        sleep: deps.sleep,
        random: deps.random,
        // Only a body that broke off is fetched again: a refusal, an unsafe archive or a failed request is final.
        decide: (err) => {
            if (err instanceof errors/* ActionError */.l || !(0,retry/* shouldRetryError */.wE)(err, true))
                return { retry: false };
            // A stall already cost a full body timeout: one more try at most, so that a server that stops
            // answering ends the step within about two minutes.
            if ((0,net_errors/* errorCode */.CA)(err) === 'UND_ERR_BODY_TIMEOUT' && ++stalls >= 2)
                return { retry: false };
            return { retry: true, why: `${got}: ${(0,errors/* errorMessage */.g)(err)}` };
        },
        onRetry: (err, _n, waitMs) => deps.info(`${label}: the download broke off (${describeBreak(err)}); trying again in ${(waitMs / 1000).toFixed(1)} s`),
        giveUp: (err, attempts) => err instanceof errors/* ActionError */.l || !(0,retry/* shouldRetryError */.wE)(err, true)
            ? err
            : new errors/* ActionError */.l(`The archive download of ${label} broke off ${attempts} times (last: ${describeBreak(err)}). Check the runner's network and any HTTPS_PROXY setting, then re-run the job.`, { cause: err }),
    });
}
/** The answer to the archive's URL, once it is known to be the archive (its body not read yet). */
async function fetchArchiveResponse(deps, a) {
    const response = await deps.http.request(deps.url ?? archiveUrl(deps.bitbucketUrl, a), {
        what: `the archive of ${(0,archives_spec/* archiveLabel */.rz)(a)}`,
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
    return response;
}
function describeBreak(err) {
    switch ((0,net_errors/* errorCode */.CA)(err)) {
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

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
var external_node_zlib_default = /*#__PURE__*/__webpack_require__.n(external_node_zlib_);
;// CONCATENATED MODULE: ./src/archives/links.ts
/**
 * The archive's symlinks. They are kept in memory while the files are
 * written and created last, so nothing is ever written through one. Each is
 * checked when it comes, against the links so far, and all again at the end:
 * a chain may leave the tree only once it is complete.
 */

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
class Symlinks {
    #targets = new Map();
    #pending = [];
    get size() {
        return this.#targets.size;
    }
    has(rel) {
        return this.#targets.has(rel);
    }
    /** Records the symlink entry `name` at `rel`; refuses one that leads outside the archive's folder. */
    add(name, rel, target) {
        this.#targets.set(rel, target);
        if (resolveLink(this.#targets, rel) !== 'inside')
            refuse(name, `a symlink to ${showName(target)}, outside the archive's folder`);
        this.#pending.push({ rel, target, name });
    }
    /** Checks every link again against the whole set, then has each created. */
    async createAll(create) {
        for (const link of this.#pending) {
            const where = resolveLink(this.#targets, link.rel);
            if (where !== 'inside')
                refuse(link.name, where === 'loop'
                    ? 'a symlink loop'
                    : `a symlink to ${showName(link.target)}, which leads outside the archive's folder through other symlinks`);
        }
        for (const link of this.#pending)
            await create(link.rel, link.target);
    }
}

;// CONCATENATED MODULE: ./src/archives/writer.ts
/**
 * Writing an archive's entries into its staging folder, by their path below
 * the top-level folder. Files are created with O_EXCL (`wx`: never through an
 * existing file or link) and keep their mode bits (umask applied,
 * setuid/setgid dropped).
 */



const writer_isWindows = process.platform === 'win32';
/**
 * Writes one regular file with synchronous calls on the JavaScript thread (the archive worker), each
 * chunk as it comes: measured faster than the thread pool's round trips for
 * the many small files of a repository (scripts/bench-tar.ts, BENCHMARKS.md),
 * gunzip keeps running in the pool meanwhile, and nothing is buffered, so
 * memory does not grow with the archive.
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
/** The staging folder being filled. Folders are made on demand and remembered (a bounded set). */
class StagingTree {
    #root;
    #dirs = new Set();
    constructor(root) {
        this.#root = root;
        this.#dirs.add(root);
    }
    abs(rel) {
        return writer_isWindows ? external_node_path_default().join(this.#root, ...rel.split('/')) : `${this.#root}/${rel}`;
    }
    /** A new regular file (its folder made if needed), open for writing. */
    openFile(rel, mode) {
        const abs = this.abs(rel);
        this.#ensureParent(abs);
        return new FileWriter(abs, mode & 0o777);
    }
    mkdir(rel, mode) {
        const abs = this.abs(rel);
        if (this.#dirs.has(abs))
            return;
        external_node_fs_default().mkdirSync(abs, { recursive: true, mode: (mode & 0o777) | 0o700 });
        this.#remember(abs);
    }
    hardLink(targetRel, rel) {
        const abs = this.abs(rel);
        this.#ensureParent(abs);
        external_node_fs_default().linkSync(this.abs(targetRel), abs);
    }
    async symlink(rel, target) {
        const abs = this.abs(rel);
        this.#ensureParent(abs);
        await promises_default().symlink(target, abs);
    }
    /** Whether anything (a link included) is at `rel`. */
    exists(rel) {
        try {
            external_node_fs_default().lstatSync(this.abs(rel));
            return true;
        }
        catch {
            return false;
        }
    }
    /** Whether a regular file (not a link to one) is at `rel`. */
    isFile(rel) {
        try {
            return external_node_fs_default().lstatSync(this.abs(rel)).isFile();
        }
        catch {
            return false;
        }
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
}

;// CONCATENATED MODULE: ./src/archives/extract.ts






/**
 * Extracts the gzip-compressed tar `source` into the empty folder `dir`,
 * stripping the single top-level folder (unless `topFolder: false`: entries
 * at the archive's root, as Bitbucket Data Center sends them). Rejects (and stops reading) on the
 * first unsafe entry; the caller removes `dir`.
 */
async function extractTarGz(source, dir, options = {}) {
    const gunzip = external_node_zlib_default().createGunzip({ chunkSize: 256 * 1024 });
    const stream = (0,external_node_stream_.pipeline)(source, gunzip, () => { });
    const x = new Extractor(dir, options.topFolder ?? true);
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
/** The tar parser's handlers: each entry judged, then written. */
class Extractor {
    stats = { files: 0, directories: 0, links: 0, bytes: 0, topMode: 0o755 };
    #tree;
    #links = new Symlinks();
    #policy;
    #current;
    constructor(root, topFolder) {
        this.#tree = new StagingTree(root);
        this.#policy = new EntryPolicy(this.#links, topFolder);
    }
    /** Closes the file being written when extraction stops half-way. */
    closeCurrent() {
        this.#current?.close();
        this.#current = undefined;
    }
    entry(e) {
        switch (e.type) {
            case 'file':
                return this.#file(e);
            case 'directory':
                return this.#directory(e);
            case 'symlink':
                return this.#symlink(e);
            case 'hardlink':
                return this.#hardLink(e);
            case 'char-device':
            case 'block-device':
                return refuse(e.name, 'a device file');
            case 'fifo':
                return refuse(e.name, 'a fifo (named pipe)');
            default:
                return refuse(e.name, `an unsupported entry type ${JSON.stringify(e.flag)}`);
        }
    }
    data(chunk) {
        this.#current?.data(chunk);
    }
    end() {
        this.closeCurrent();
    }
    async finish() {
        await this.#links.createAll((rel, target) => this.#tree.symlink(rel, target));
    }
    #file(e) {
        const rel = this.#policy.relative(e.name, e.type);
        this.stats.files++;
        this.stats.bytes += e.size;
        this.#current = this.#tree.openFile(rel, e.mode);
    }
    #directory(e) {
        const rel = this.#policy.relative(e.name, e.type);
        if (rel === '') {
            if (e.mode)
                this.stats.topMode = e.mode & 0o777;
            return;
        }
        this.#tree.mkdir(rel, e.mode);
        this.stats.directories++;
    }
    #symlink(e) {
        const rel = this.#policy.relative(e.name, e.type);
        this.#policy.checkSymlink(e.name, rel, e.linkname);
        if (this.#links.has(rel) || this.#tree.exists(rel))
            refuse(e.name, 'a symlink over another entry');
        this.#links.add(e.name, rel, e.linkname);
        this.stats.links++;
    }
    #hardLink(e) {
        const rel = this.#policy.relative(e.name, e.type);
        // Nothing but extracted files and folders exists in the staging folder yet (symlinks come last),
        // so a regular file there is one this archive wrote, complete and closed.
        const target = this.#policy.hardLinkTarget(e.name, e.linkname, (t) => this.#tree.isFile(t));
        this.#tree.hardLink(target, rel);
        this.stats.links++;
    }
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
        url: s.url === undefined ? undefined : new URL(s.url),
        authorization: s.authorization,
        info: deps.info,
        debug: deps.debug,
    });
    if ('saveTo' in job) {
        const d = await downloadArchive(downloadDeps(job.source), job.source.archive, toFile(job.saveTo));
        return { sha256: d.sha256, bytes: d.bytes, stats: undefined };
    }
    const options = { topFolder: !job.flat };
    if (source.kind === 'file') {
        const hashing = new HashingStream();
        const stats = await extractTarGz(external_node_fs_default().createReadStream(source.file, { highWaterMark: 256 * 1024 }).pipe(hashing), emptied(job.staging), options);
        return { sha256: hashing.digest(), bytes: hashing.bytes, stats };
    }
    const staging = job.staging;
    const d = await downloadArchive(downloadDeps(source), source.archive, (body) => extractTarGz(body, emptied(staging), options));
    return { sha256: d.sha256, bytes: d.bytes, stats: d.result };
}

;// CONCATENATED MODULE: ./src/archives/worker/pool.ts
/**
 * Running the stage of stage.ts in a worker thread (worker.ts; the messages
 * are protocol.ts's). Falls back to the main thread when the worker bundle is
 * not there (running from source).
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
/** The step's one worker thread, started on first use; several stages run in it at a time. */
class StageWorker {
    #worker;
    #pending = new Map();
    #next = 1;
    #failure;
    constructor(script, debug, env) {
        this.#worker = new external_node_worker_threads_.Worker(script, { resourceLimits: LIMITS, env });
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
                    p.reject(fromWire(m.error));
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
    #env;
    #worker;
    /** `env`: the worker's environment (proxy and tuning variables). */
    constructor(debug, env) {
        this.#debug = debug;
        this.#env = env;
    }
    stage(job, deps) {
        if (!this.#script)
            return runStage(job, deps);
        const src = job.source;
        const what = src.kind === 'file' ? src.file : (0,archives_spec/* archiveLabel */.rz)(src.archive);
        deps.debug(`${'saveTo' in job ? 'downloading' : src.kind === 'file' ? 'extracting' : 'downloading and extracting'} ${what} in a worker thread`);
        this.#worker ??= new StageWorker(this.#script, this.#debug, this.#env);
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
 * from the tool cache), verified and extracted into its DEST (one-archive.ts);
 * a few lines at a time, results in input order, a job summary table at the
 * end (summary.ts). Extraction, and the download feeding it, runs in a worker
 * thread with a small heap (worker/), which keeps memory flat whatever the
 * archive's size.
 */






/** Archives fetched at once: enough to hide latency, few enough for 2-core runners and Bitbucket's limits. */
const CONCURRENCY = 4;
async function fetchArchives(ctx) {
    const specs = ctx.config.archives;
    let cache = ctx.config.cache;
    if (cache && !cacheAvailable(ctx.env)) {
        ctx.core.warning('`cache: true` needs RUNNER_TOOL_CACHE (set on GitHub-hosted and self-hosted runners); archives are downloaded without the cache.');
        cache = false;
    }
    ctx.core.info(`Fetching ${specs.length} archive${specs.length === 1 ? '' : 's'} (up to ${CONCURRENCY} at a time)`);
    const stager = new Stager((m) => ctx.core.debug(ctx.masker.redact(m)), ctx.env);
    let lanes;
    try {
        lanes = await inLanes(specs, CONCURRENCY, (spec) => fetchOne(ctx, stager, spec, cache));
    }
    finally {
        await stager.close();
    }
    const completed = lanes.done.filter((d) => d !== undefined);
    if (completed.length)
        await ctx.core.appendSummary(archivesSummary(completed, ctx.config.workspace));
    if (lanes.failures.length) {
        const failures = lanes.failures.map((f) => ({ spec: f.item, err: f.err }));
        for (const f of failures.slice(1))
            ctx.core.warning(`archives line ${f.spec.line}: ${(0,errors/* errorMessage */.g)(f.err)}`);
        throw linesFailed(failures);
    }
    return lanes.done.map((d) => d.result);
}
/**
 * Runs `run` on the items in their order, `width` at a time; once one fails,
 * no further item starts (those running finish).
 */
async function inLanes(items, width, run) {
    const lanes = { done: new Array(items.length), failures: [] };
    let next = 0;
    const lane = async () => {
        while (next < items.length && lanes.failures.length === 0) {
            const i = next++;
            const item = items[i];
            try {
                lanes.done[i] = await run(item);
            }
            catch (err) {
                lanes.failures.push({ item, err });
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
    return lanes;
}


/***/ })

};
