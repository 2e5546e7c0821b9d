export const id = 717;
export const ids = [717];
export const modules = {

/***/ 9717:
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
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
var external_node_fs_default = /*#__PURE__*/__webpack_require__.n(external_node_fs_);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
var promises_default = /*#__PURE__*/__webpack_require__.n(promises_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: ./node_modules/@actions/tool-cache/lib/tool-cache.js + 2 modules
var tool_cache = __webpack_require__(9805);
;// CONCATENATED MODULE: ./src/archives/cache.ts
/**
 * `cache: true`: archives kept in the runner's tool cache
 * (`$RUNNER_TOOL_CACHE/bitbucket-archive/{ws}/{repo}/0.0.0-c{commit}/{arch}`),
 * as the `.tar.gz` itself plus `archive.json` with the sha256 and size of the
 * original download, so a hit reports (and a pin is checked against) the
 * same values. The cached file is hashed before anything is extracted from
 * it: bytes that do not match the record are never read as an archive.
 *
 * Trust: whoever can write the runner's tool cache can change what later
 * jobs extract (the record beside the file included); the cache is trusted
 * as the runner itself is. Archives of private repositories stay readable
 * there by anyone who can read the tool cache.
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
/** The sha256 and size of a file, read as a stream. */
async function hashFile(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    let bytes = 0;
    await (0,external_node_stream_promises_.pipeline)(external_node_fs_default().createReadStream(file, { highWaterMark: 1024 * 1024 }), async (chunks) => {
        for await (const chunk of chunks) {
            hash.update(chunk);
            bytes += chunk.length;
        }
    });
    return { sha256: hash.digest('hex'), bytes };
}

// EXTERNAL MODULE: external "node:buffer"
var external_node_buffer_ = __webpack_require__(4573);
// EXTERNAL MODULE: ./src/shared/dest-rules.ts
var dest_rules = __webpack_require__(8515);
;// CONCATENATED MODULE: ./src/archives/names.ts
/**
 * Member names and link targets as the runner's file system will take them.
 *
 * Names are byte strings: one char per byte (latin1), as the tar reader
 * hands them over, so that a name that is not UTF-8 is written byte for byte
 * (as GNU tar does) where the OS allows it. Comparisons that the file system
 * may make loosely (case, Unicode normalisation) use `fold`; what the OS
 * refuses or rewrites (Windows: `\`, `<>:"|?*`, trailing dots and spaces,
 * device names) is told by `FsRules`, so that the Windows and macOS logic
 * runs in the unit tests on any OS.
 */


/** The longest member path or link target accepted, in bytes (Linux's PATH_MAX). */
const MAX_PATH_BYTES = 4096;
function fsRules(platform) {
    const windows = platform === 'win32';
    const darwin = platform === 'darwin';
    return { windows, caseInsensitive: windows || darwin, utf8Only: windows || darwin };
}
/** The rules of the OS this runs on. */
const HOST_RULES = fsRules(process.platform);
/** The bytes of a byte string. */
function bytesOf(s) {
    return Buffer.from(s, 'latin1');
}
/** A byte string holding UTF-8 (or plain ASCII). */
function isUtf8Name(s) {
    // eslint-disable-next-line no-control-regex -- the ASCII range as a fast path
    return /^[\x00-\x7f]*$/.test(s) || (0,external_node_buffer_.isUtf8)(bytesOf(s));
}
/** A byte string as text: UTF-8 decoded when it is UTF-8, else every byte above 0x7f as `\xNN`. */
function nameText(s) {
    if (isUtf8Name(s))
        return bytesOf(s).toString('utf8');
    return s.replace(/[\x80-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}
/**
 * A path component as a case-insensitive file system compares it: NFC, then
 * case folded (upper then lower case, so that `ſ`, `K` and `ß` meet their
 * ASCII look-alikes). Folding more than a file system does only refuses more.
 */
function fold(component) {
    // eslint-disable-next-line no-control-regex -- the ASCII range as a fast path
    if (/^[\x00-\x7f]*$/.test(component))
        return component.toLowerCase();
    return nameText(component).normalize('NFC').toUpperCase().toLowerCase();
}
/** `isDotGitText` (shared/dest-rules.ts) for a component of a member name (a byte string). */
function isDotGit(component) {
    return /g/i.test(component) && (0,dest_rules/* isDotGitText */.pb)(nameText(component));
}
// eslint-disable-next-line no-control-regex -- control characters are what Windows refuses
const WINDOWS_CHARS = /[<>:"|?*\x00-\x1f]/;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
/** Why Windows cannot hold the path component `c` as it is, or undefined. */
function windowsProblem(c) {
    if (WINDOWS_CHARS.test(c))
        return 'a character that Windows does not allow in names (<>:"|?* or a control character)';
    if (/[. ]$/.test(c))
        return 'a name ending in a dot or a space, which Windows drops';
    if (WINDOWS_DEVICE.test(nameText(c).replace(/[ .]+$/, '')))
        return 'a Windows device name (CON, NUL, COM1, …)';
    return undefined;
}

;// CONCATENATED MODULE: ./src/archives/entry-policy.ts
/**
 * Which tar entries may be extracted, judged by their names, on every OS:
 * every entry below the archive's single top-level folder (which is
 * stripped); no absolute name, no `..` component, no `.git` component (any
 * case, any spelling a file system takes for it), no name longer than 4,096
 * bytes or holding a NUL; nothing at or below one of the archive's symlinks,
 * compared case-insensitively after NFC (where `L` and `l` are one folder,
 * a path below `l` runs through the link `L`); symlink targets relative,
 * non-empty and without `\`; hard links only to files of the same folder.
 * Where the runner's OS cannot hold a name as it is (names.ts), it is
 * refused too. Where a symlink finally leads is links.ts's job.
 */


/** An archive that breaks the rules of extract.ts. Never retried. */
class UnsafeArchiveError extends errors/* ActionError */.l {
    constructor(message) {
        super(message);
        this.name = 'UnsafeArchiveError';
    }
}
/** A member name (a byte string) for a message: decoded, control characters escaped, length capped. */
function showName(name) {
    const text = nameText(name);
    const s = JSON.stringify(text.length > 100 ? text.slice(0, 100) + '…' : text);
    return s.replace(/::/g, ':\u200b:');
}
/** Refuses the entry `name`, saying why. */
function refuse(name, why) {
    throw new UnsafeArchiveError(`the archive has an unsafe entry ${showName(name)}: ${why}`);
}
function isAbsoluteName(name) {
    return name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.startsWith('\\');
}
/** A member name's path components (`.` and empty ones dropped), or why it has none that may be used. */
function components(name, rules) {
    if (isAbsoluteName(name))
        return 'absolute';
    const parts = name.split(rules.windows ? /[\\/]+/ : /\/+/).filter((c) => c !== '' && c !== '.');
    if (parts.includes('..'))
        return 'dotdot';
    return parts;
}
/** Why a path (a member name, a hard link's member) may not be used as it is, or undefined. */
function pathProblem(name) {
    if (name.length > MAX_PATH_BYTES)
        return `a path longer than ${MAX_PATH_BYTES.toLocaleString('en-US')} bytes`;
    if (name.includes('\0'))
        return 'a name holding a NUL byte';
    return undefined;
}
/** Why the path component `c` may not be written on this OS, or undefined. */
function componentProblem(c, rules) {
    if (isDotGit(c))
        return 'a .git path component (a planted .git folder would make later git commands run its configuration)';
    if (rules.utf8Only && !isUtf8Name(c))
        return "a name that is not UTF-8, which this runner's file system cannot store";
    if (rules.windows)
        return windowsProblem(c);
    return undefined;
}
/** The entries of one archive, judged in order (the first one names the top-level folder). */
class EntryPolicy {
    #links;
    #rules;
    #topFolder;
    #top;
    /** `topFolder`: the entries sit in a single top-level folder, which is stripped; else at the root. */
    constructor(links, rules, topFolder = true) {
        this.#links = links;
        this.#rules = rules;
        this.#topFolder = topFolder;
    }
    /** The entry's path below the top-level folder (no parts for the folder itself). */
    relative(name, type) {
        const parts = this.#parts(name);
        if (parts.length === 0 && !(type === 'directory' && !this.#topFolder))
            refuse(name, 'an empty name');
        const rel = this.#topFolder ? this.#strip(name, parts, type) : parts;
        const hit = this.#links.runsInto(rel);
        if (hit === rel.length && hit > 0)
            refuse(name, 'a second entry for a symlink');
        if (hit > 0)
            refuse(name, `it lies below the symlink ${showName(rel.slice(0, hit).join('/'))}`);
        return { parts: rel, path: rel.join('/') };
    }
    /** Refuses a symlink that is the top-level folder, or whose target is empty, too long, invalid or absolute. */
    checkSymlink(name, rel, target) {
        if (rel.parts.length === 0)
            refuse(name, 'the top-level folder is a symlink');
        if (target === '' || target.includes('\0'))
            refuse(name, 'a symlink with an empty or invalid target');
        if (target.length > MAX_PATH_BYTES)
            refuse(name, `a symlink whose target is longer than ${MAX_PATH_BYTES.toLocaleString('en-US')} bytes`);
        if (target.includes('\\'))
            refuse(name, `a symlink to ${showName(target)}: a target holding "\\" (Windows reads it as a folder separator)`);
        if (isAbsoluteName(target))
            refuse(name, `a symlink to the absolute path ${showName(target)}`);
    }
    /**
     * The path below the top-level folder of the member a hard link names,
     * which must be a file extracted before it (`isFile`), reached through no symlink.
     */
    hardLinkTarget(name, linkname, isFile) {
        const problem = pathProblem(linkname);
        const parts = problem ? 'absolute' : components(linkname, this.#rules);
        if (parts === 'absolute' || parts === 'dotdot' || (this.#topFolder && parts[0] !== this.#top)) {
            refuse(name, `a hard link to ${showName(linkname)}, outside the archive's folder`);
        }
        const rel = this.#topFolder ? parts.slice(1) : parts;
        const target = { parts: rel, path: rel.join('/') };
        if (rel.length === 0 || this.#links.runsInto(rel) > 0 || !isFile(target)) {
            refuse(name, `a hard link to ${showName(linkname)}, which is not a file extracted before it`);
        }
        return target;
    }
    /** The components below the single top-level folder (named by the first entry). */
    #strip(name, parts, type) {
        this.#top ??= parts[0];
        if (parts[0] !== this.#top || (parts.length === 1 && type !== 'directory')) {
            throw new UnsafeArchiveError(`the archive does not hold a single top-level folder (${showName(this.#top)} and ${showName(name)}); a Bitbucket archive always does, so this is not one.`);
        }
        return parts.slice(1);
    }
    /** The name's components, each checked; refuses what may not be written. */
    #parts(name) {
        const problem = pathProblem(name);
        if (problem)
            refuse(name, problem);
        const parts = components(name, this.#rules);
        if (parts === 'absolute')
            refuse(name, 'an absolute path');
        if (parts === 'dotdot')
            refuse(name, 'a ".." path component (it would land outside DEST)');
        for (const c of parts) {
            const why = componentProblem(c, this.#rules);
            if (why)
                refuse(name, why);
        }
        return parts;
    }
}

// EXTERNAL MODULE: ./src/archives/spec.ts
var archives_spec = __webpack_require__(1812);
;// CONCATENATED MODULE: ./src/archives/tar-reader.ts
/**
 * A small streaming tar reader: ustar and GNU headers, pax extended headers
 * (local `x` or Solaris `X`, and global `g`: `path`, `linkpath`, `size`), GNU long names
 * (`L`, `K`). Bytes are pushed in as they come (any chunking); entries and
 * their data are handed to the callbacks synchronously, data as views of the
 * pushed chunks (no copy).
 *
 * Names and link targets are byte strings (one char per byte, latin1): a
 * name that is not UTF-8 reaches the writer as it was stored.
 *
 * Where GNU tar and Python's tarfile read an archive the same way, so does
 * this reader; where they disagree, or where GNU tar reports an error, the
 * archive is refused as malformed (TarFormatError, never retried) rather
 * than read a third way: two pax headers (or two GNU long names) for one
 * entry, a pax record whose length is not plain decimal or does not end in a
 * newline, a numeric field of blanks, a negative base-256 number, a pax
 * `size` beyond 2^53. Sparse entries (old GNU `S`, pax `GNU.sparse.*`) are
 * reported as type `sparse` with their name (their data skipped in step).
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
const malformed = (what) => new TarFormatError(what);
const BLOCK = 512;
/** The largest pax or GNU long-name header read (they are held in memory). */
const MAX_META = 1 << 20;
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
    S: 'sparse',
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
    /** The records of a pending local pax header (`x`), and of every global one (`g`) so far. */
    #local;
    #global = new Map();
    #longName;
    #longLink;
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
        while (off < chunk.length && this.#phase !== 'done') {
            if (this.#phase === 'header' || this.#phase === 'sparse-map')
                off = this.#block(chunk, off);
            else
                off = this.#body(chunk, off);
        }
    }
    /** Call at the end of input: throws when the archive stopped in the middle. */
    finish() {
        if (this.#phase === 'done')
            return;
        // Some writers end with no zero block at all; accept EOF on a header boundary after entries.
        const boundary = this.#phase === 'header' && this.#headerFill === 0 && !this.#pending();
        if (boundary && this.#entries > 0) {
            this.#phase = 'done';
            return;
        }
        throw new TarFormatError('the archive ends in the middle of an entry (truncated download?)', 'TRUNCATED');
    }
    /** Gathers one 512-byte block (a header, or an old GNU sparse map block) from `off`; the new offset. */
    #block(chunk, off) {
        const onBlock = (b) => (this.#phase === 'header' ? this.#onHeader(b) : this.#onSparseMap(b));
        if (this.#headerFill === 0 && chunk.length - off >= BLOCK) {
            onBlock(chunk.subarray(off, off + BLOCK));
            return off + BLOCK;
        }
        const n = Math.min(BLOCK - this.#headerFill, chunk.length - off);
        chunk.copy(this.#header, this.#headerFill, off, off + n);
        this.#headerFill += n;
        if (this.#headerFill === BLOCK) {
            this.#headerFill = 0;
            onBlock(this.#header);
        }
        return off + n;
    }
    /** Data, meta or padding bytes from `off`; the new offset. */
    #body(chunk, off) {
        if (this.#phase === 'padding') {
            const n = Math.min(this.#padding, chunk.length - off);
            this.#padding -= n;
            if (this.#padding === 0)
                this.#phase = 'header';
            return off + n;
        }
        const n = Math.min(this.#remaining, chunk.length - off);
        const part = chunk.subarray(off, off + n);
        this.#remaining -= n;
        if (this.#phase === 'data')
            this.#h.data(part);
        else
            this.#meta.push(Buffer.from(part));
        if (this.#remaining === 0) {
            if (this.#phase === 'data')
                this.#h.end();
            else
                this.#onMeta(Buffer.concat(this.#meta));
            this.#meta = [];
            this.#phase = this.#padding ? 'padding' : 'header';
        }
        return off + n;
    }
    /** Whether a pax header or GNU long name waits for its entry. */
    #pending() {
        return this.#local !== undefined || this.#longName !== undefined || this.#longLink !== undefined;
    }
    #onHeader(block) {
        if (isZero(block)) {
            if (this.#pending())
                throw malformed('a pax header or GNU long name with no entry after it');
            // The end-of-archive marker is two zero blocks, but GNU tar and Python's tarfile both stop at
            // the first one (GNU tar warns of "a lone zero block"): whatever follows is not read.
            this.#phase = 'done';
            return;
        }
        verifyChecksum(block);
        checkNumbers(block);
        const flag = String.fromCharCode(block[156]);
        const size = readNumber(block, 124, 12, 'size');
        // `X`: the local pax header of old Solaris tar, read as `x` by GNU tar and Python's tarfile.
        if (flag === 'x' || flag === 'X' || flag === 'g' || flag === 'L' || flag === 'K')
            this.#startMeta(flag === 'X' ? 'x' : flag, size);
        else
            this.#startEntry(block, flag, size);
    }
    /** A header whose data describes the next entry (pax, GNU long name or link) or all of them (`g`). */
    #startMeta(flag, size) {
        if (size > MAX_META) {
            const what = flag === 'x' ? 'pax header' : flag === 'g' ? 'global pax header' : `GNU ${flag} header`;
            throw malformed(`a ${what} of ${size} bytes (more than the 1 MiB this reader takes)`);
        }
        const twice = (flag === 'x' && this.#local) ||
            (flag === 'L' && this.#longName !== undefined) ||
            (flag === 'K' && this.#longLink !== undefined);
        // GNU tar keeps the last of them, Python's tarfile the first: neither reading can be trusted.
        if (twice)
            throw malformed(`two ${flag === 'x' ? 'pax headers' : `GNU ${flag} headers`} for one entry`);
        this.#metaKind = flag;
        this.#remaining = size;
        this.#padding = pad(size);
        this.#phase = size ? 'meta' : this.#padding ? 'padding' : 'header';
        if (!size)
            this.#onMeta(Buffer.alloc(0));
    }
    #startEntry(block, flag, headerSize) {
        const m = this.#member(block, headerSize);
        let type = m.sparse ? 'sparse' : (TYPES[flag] ?? 'other');
        // Old tar: a regular file whose name ends in `/` is a directory.
        if (type === 'file' && flag !== '7' && m.name.endsWith('/'))
            type = 'directory';
        // GNU tar and Python's tarfile both skip no data after a hard link or a `5` folder, whatever its size;
        // after a symlink, a device, a fifo or an old-style folder (a file name ending in `/`) one of them does.
        const unread = type === 'hardlink' || (type === 'directory' && flag === '5');
        if (m.size > 0 && !unread && type !== 'file' && type !== 'sparse' && type !== 'other')
            throw malformed(`a ${type} entry with a size of ${m.size} bytes (tar readers disagree on what follows it)`);
        const dataSize = unread ? 0 : m.size;
        const entry = {
            name: m.name.replace(/\/+$/, ''),
            type,
            flag,
            mode: readNumber(block, 100, 8, 'mode') & 0o7777,
            size: type === 'file' ? m.size : 0,
            linkname: m.linkname,
        };
        this.#entries++;
        this.#h.entry(entry);
        this.#remaining = dataSize;
        this.#padding = pad(dataSize);
        // An old GNU sparse header may be followed by more blocks of its map, before the data.
        if (flag === 'S' && block[482] !== 0)
            this.#phase = 'sparse-map';
        else
            this.#afterHeader();
    }
    #afterHeader() {
        if (this.#remaining > 0)
            this.#phase = 'data';
        else {
            this.#h.end();
            this.#phase = this.#padding ? 'padding' : 'header';
        }
    }
    /** One extension block of an old GNU sparse map: byte 504 says whether another follows. */
    #onSparseMap(block) {
        if (block[504] === 0)
            this.#afterHeader();
    }
    /** The entry's name, link name and size: the header's, unless a pax or GNU header before it said otherwise. */
    #member(block, headerSize) {
        let name = cString(block, 0, 100);
        // The prefix field is POSIX ustar's only (magic "ustar\0"); GNU headers keep other things there.
        if (block.toString('latin1', 257, 263) === 'ustar\0') {
            const prefix = cString(block, 345, 155);
            if (prefix)
                name = `${prefix}/${name}`;
        }
        let linkname = cString(block, 157, 100);
        if (this.#longName !== undefined)
            name = this.#longName;
        if (this.#longLink !== undefined)
            linkname = this.#longLink;
        const local = this.#local;
        const pax = (key) => local?.get(key) ?? this.#global.get(key);
        const sparse = [...(local?.keys() ?? []), ...this.#global.keys()].some((k) => k.startsWith('GNU.sparse.'));
        name = (sparse ? pax('GNU.sparse.name') : undefined) ?? pax('path') ?? name;
        linkname = pax('linkpath') ?? linkname;
        const paxSize = pax('size');
        const size = paxSize === undefined ? headerSize : sizeOf(paxSize);
        this.#longName = undefined;
        this.#longLink = undefined;
        this.#local = undefined;
        return { name, linkname, size, sparse };
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
                this.#local = parsePax(buf);
                break;
            case 'g':
                // Global records apply to every entry after them (git archive puts the commit in one, as a comment).
                for (const [key, value] of parsePax(buf))
                    this.#global.set(key, value);
                if ([...this.#global].reduce((n, [k, v]) => n + k.length + v.length, 0) > MAX_META)
                    throw malformed('global pax headers of more than 1 MiB');
                break;
        }
    }
}
function sizeOf(value) {
    if (!/^\d+$/.test(value))
        throw malformed('a pax size that is not a number');
    const size = Number(value);
    if (!Number.isSafeInteger(size))
        throw malformed(`a pax size of ${value.slice(0, 30)} bytes, beyond 2^53`);
    return size;
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
/** The bytes up to the first NUL, one char per byte. */
function cString(buf, off, len) {
    const nul = buf.indexOf(0, off);
    const end = nul < 0 || nul > off + len ? off + len : nul;
    return buf.toString('latin1', off, end);
}
const NUMBER_FIELDS = [
    [100, 8, 'mode'],
    [108, 8, 'uid'],
    [116, 8, 'gid'],
    [124, 12, 'size'],
    [136, 12, 'mtime'],
];
/**
 * Every numeric field of the header must read (GNU tar refuses blanks and
 * out-of-range values too); the device numbers, which many writers leave
 * blank, must at least not be negative base-256.
 */
function checkNumbers(block) {
    for (const [off, len, what] of NUMBER_FIELDS)
        readNumber(block, off, len, what);
    if (block[329] === 0xff || block[337] === 0xff)
        throw malformed('a negative base-256 device number');
}
/**
 * Octal (leading spaces, then digits, ended by a NUL, a space or the field's
 * end; all NULs read as 0, all blanks are refused, as by GNU tar), or
 * base-256 when the first byte is 0x80 (0xff, negative, is refused).
 */
function readNumber(buf, off, len, what) {
    const first = buf[off];
    if (first & 0x80) {
        if (first !== 0x80)
            throw malformed(`a ${first === 0xff ? 'negative' : 'malformed'} base-256 ${what} field`);
        let n = 0;
        for (let i = 1; i < len; i++)
            n = n * 256 + buf[off + i];
        if (!Number.isSafeInteger(n))
            throw malformed(`a base-256 ${what} field beyond 2^53`);
        return n;
    }
    const end = off + len;
    let i = off;
    while (i < end && buf[i] === 0x20)
        i++;
    if (i === end)
        throw malformed(`a ${what} field of blanks only`);
    let n = 0;
    for (; i < end && buf[i] >= 0x30 && buf[i] <= 0x37; i++)
        n = n * 8 + (buf[i] - 0x30);
    if (i < end && buf[i] !== 0 && buf[i] !== 0x20)
        throw malformed(`a header with a malformed ${what} field (not a tar archive?)`);
    return n;
}
/** The stored checksum must be the sum of the header's bytes, taken unsigned or signed (both are written). */
function verifyChecksum(block) {
    const stored = readNumber(block, 148, 8, 'checksum');
    let unsigned = 0;
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) {
        const b = i >= 148 && i < 156 ? 0x20 : block[i];
        unsigned += b;
        signed += b > 127 ? b - 256 : b;
    }
    if (stored !== unsigned && stored !== signed)
        throw malformed('a header with a bad checksum (corrupt archive, or not a tar archive)');
}
/**
 * pax records: `LEN KEY=VALUE\n`, LEN in plain decimal counting the whole
 * record in bytes; keys and values as byte strings. NUL bytes after the last
 * record end the header (GNU tar stops there too); anything else that is not
 * a whole record is refused.
 */
function parsePax(buf) {
    const out = new Map();
    let off = 0;
    while (off < buf.length && buf[off] !== 0) {
        const space = buf.indexOf(0x20, off);
        const digits = space < 0 ? '' : buf.toString('latin1', off, space);
        const len = Number(digits);
        if (!/^\d{1,9}$/.test(digits) || off + len > buf.length || len <= digits.length + 1)
            throw malformed('a pax header with a malformed record length');
        if (buf[off + len - 1] !== 0x0a)
            throw malformed('a pax record that does not end where its length says');
        const eq = buf.indexOf(0x3d, space + 1);
        if (eq <= space + 1 || eq >= off + len - 1)
            throw malformed('a pax record without a key');
        // GNU tar stops reading a key at a NUL, Python's tarfile does not: refused, as GNU tar does.
        if (buf.subarray(space + 1, eq).includes(0))
            throw malformed('a pax record with a NUL in its key');
        out.set(buf.toString('latin1', space + 1, eq), buf.toString('latin1', eq + 1, off + len - 1));
        off += len;
    }
    for (; off < buf.length; off++)
        if (buf[off] !== 0)
            throw malformed('a pax header with bytes after a NUL');
    return out;
}

;// CONCATENATED MODULE: ./src/archives/errors.ts
/** Failures of the archives as messages that say what happened and what to do. */




/** An error's message for an error line: at most 300 characters (a path can be thousands). */
function errors_short(err) {
    const m = (0,errors/* errorMessage */.g)(err);
    return m.length > 300 ? `${m.slice(0, 300)}…` : m;
}
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
        return new errors/* ActionError */.l(`The archive of ${name} is not a valid gzip file (${errors_short(err)}); ${untouched} Check \`bitbucket-url\` and any proxy that may rewrite answers.`);
    }
    if (code === 'ENOSPC')
        return new errors/* ActionError */.l(`The runner ran out of disk space while extracting ${name}; ${untouched} Free some space or fetch fewer archives.`);
    if (code === 'EACCES' || code === 'EPERM') {
        return new errors/* ActionError */.l(`Could not write ${name} into ${relDest}: ${errors_short(err)}. Check the permissions of the folder.`);
    }
    if (code === 'EEXIST' || code === 'ENOTDIR') {
        return new errors/* ActionError */.l(`The archive of ${name} has conflicting entries (${errors_short(err)}); ${untouched}`);
    }
    return new errors/* ActionError */.l(`Fetching ${name} into ${relDest} failed: ${errors_short(err)}. ${untouched}`, {
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
 * - cached (`cache: true`, the commit in the tool cache): hashed first, and
 *   extracted only when its bytes match the sha256 recorded with it;
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
/**
 * The commit's archive from the tool cache, if there and intact (else
 * undefined: download it). Its bytes are hashed first: a pin is checked
 * against them, and bytes that do not match the record are never extracted.
 */
async function fromCache(line) {
    const { ctx, spec, commit } = line;
    const hit = findCached(spec.workspace, spec.repo, commit);
    if (!hit)
        return undefined;
    const name = (0,archives_spec/* archiveLabel */.rz)(spec);
    const actual = await hashFile(hit.file);
    if (actual.sha256 !== hit.sha256 || actual.bytes !== hit.bytes) {
        ctx.core.warning(`${name}: the cached archive of commit ${commit.slice(0, 12)} does not match its recorded sha256; downloading it again.`);
        return undefined;
    }
    ctx.core.info(`${name}: commit ${commit.slice(0, 12)} is in the tool cache; not downloading`);
    checkPin(spec, actual.sha256, commit, 'cached archive');
    const r = await line.stager.stage({ source: { kind: 'file', file: hit.file }, staging: await line.dest.staging(), flat: flat(line) }, line.deps);
    if (r.sha256 !== actual.sha256)
        throw new errors/* ActionError */.l(`The cached archive of ${name} changed while it was extracted (something else writes the runner's tool cache); ${external_node_path_default().relative(ctx.config.workspace, spec.dest)} was left as it was. Re-run the job.`);
    return { sha256: actual.sha256, bytes: actual.bytes, stats: extracted(r), cached: true };
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
        bitbucketType: provider.type,
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

// EXTERNAL MODULE: ./src/bitbucket/providers.ts
var providers = __webpack_require__(2307);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: ./src/net/retry.ts
var retry = __webpack_require__(7893);
// EXTERNAL MODULE: ./src/net/url.ts
var url = __webpack_require__(486);
// EXTERNAL MODULE: ./src/bitbucket/cloud/provider.ts
var provider = __webpack_require__(9022);
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
/** Throws unless the response is the archive itself; `wording` names the provider and its fixes. */
function checkArchiveResponse(response, a, wording = provider/* CLOUD */.OZ.wording) {
    const { product, archiveAccess, archiveMissing, archiveInput } = wording;
    const label = (0,archives_spec/* archiveLabel */.rz)(a);
    const type = (response.headers['content-type'] ?? '').toLowerCase();
    const login = /\/(account\/signin|login|site\/login)\b/.test(response.url.pathname) || /[?&]next=/.test(response.url.search);
    if (response.status >= 300 && response.status < 400) {
        throw new errors/* ActionError */.l(`The archive download of ${label} was redirected too many times (last to ${response.url.host}); check ${archiveInput} and any proxy.`);
    }
    if (login || (response.status < 300 && type.includes('text/html'))) {
        throw new errors/* ActionError */.l(`${product} answered the archive download of ${label} with ${login ? 'its login page' : 'an HTML page'} instead of the archive: the token was not accepted for the repository. ${archiveAccess} If ${archiveInput} is not the site that issued the token, fix it.`);
    }
    if (response.status === 401 || response.status === 403) {
        throw new errors/* ActionError */.l(`${product} refused the archive download of ${label} (HTTP ${response.status} from ${response.url.host}). ${archiveAccess}`);
    }
    if (response.status === 404) {
        throw new errors/* ActionError */.l(`${product} has no archive for ${label} (commit ${a.commit}, HTTP 404). ${archiveMissing}`);
    }
    if (response.status !== 200) {
        throw new errors/* ActionError */.l(`The archive download of ${label} answered HTTP ${response.status}. ${response.status >= 500 || response.status === 429 ? `${product} may be degraded; re-run the job later.` : `Check ${archiveInput}.`}`);
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
            if ((0,net_errors/* isStall */.XF)(err) && ++stalls >= 2)
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
        checkArchiveResponse(response, a, deps.wording);
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
        case 'BODY_TOO_SLOW':
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
 *
 * Links are looked up twice: by their exact names (what Linux does) and by
 * folded names (`fold`: what macOS and Windows do, where `L` and `l` are one
 * file), and a link must stay inside under both readings, on every OS. The
 * work is linear in the length of the names: paths are walked component by
 * component through a tree of the links' folders (no prefix is joined and
 * looked up again), and all the resolving of one archive shares a budget of
 * steps, so that no archive can keep the worker busy for long.
 */


/** Symlinks followed in one resolution before it counts as a loop (Linux's limit). */
const MAX_HOPS = 40;
/** Path components walked while resolving the links of one archive, all of them together. */
const RESOLVE_BUDGET = 10_000_000;
/** The links of an archive as a tree of path components, keyed one way (exact or folded). */
class LinkIndex {
    #key;
    #ids = new Map();
    /** Link targets, by the id of the link's own node. */
    #targets = new Map();
    /** Nodes with a node below them (so with a link below them: only links' paths are inserted). */
    #parents = new Set();
    #next = 1;
    constructor(key) {
        this.#key = key;
    }
    get size() {
        return this.#targets.size;
    }
    /** The node below `parent` named `component`; -1 when there is none (nothing below it is a link). */
    child(parent, component) {
        if (parent < 0)
            return -1;
        return this.#ids.get(`${parent}/${this.#key(component)}`) ?? -1;
    }
    target(id) {
        return this.#targets.get(id);
    }
    /** The node of `parts` (created with its ancestors); the top-level folder is node 0. */
    insert(parts) {
        let id = 0;
        for (const c of parts) {
            const k = `${id}/${this.#key(c)}`;
            let next = this.#ids.get(k);
            if (next === undefined) {
                this.#ids.set(k, (next = this.#next++));
                this.#parents.add(id);
            }
            id = next;
        }
        return id;
    }
    /** The node of `parts`, or -1 when no link lies at or below it. */
    find(parts, end = parts.length) {
        let id = 0;
        for (let i = 0; i < end && id >= 0; i++)
            id = this.child(id, parts[i]);
        return id;
    }
    /** How many leading components of `parts` end on a link (1-based), or 0 when the path meets none. */
    firstLink(parts) {
        let id = 0;
        for (let i = 0; i < parts.length; i++) {
            id = this.child(id, parts[i]);
            if (id < 0)
                return 0;
            if (this.#targets.has(id))
                return i + 1;
        }
        return 0;
    }
    setTarget(id, target) {
        this.#targets.set(id, target);
    }
    /** Whether a link lies strictly below node `id`. */
    hasBelow(id) {
        return this.#parents.has(id);
    }
}
/** A work budget shared by every resolution of one archive. */
class Budget {
    #left;
    constructor(steps) {
        this.#left = steps;
    }
    spend(name) {
        if (--this.#left < 0)
            throw new UnsafeArchiveError(`the archive's symlinks take too long to check (more than ${RESOLVE_BUDGET.toLocaleString('en-US')} steps, at ${showName(name)})`);
    }
}
/**
 * Where the link at `parts` (below the top-level folder) leads, following
 * the other links of `index`: 'inside' the tree, 'outside', or a 'loop'.
 */
function resolve(index, parts, budget, name) {
    // The folder being walked, as node ids of `index` (-1: a folder with no link at or below it).
    const dir = [];
    for (let i = 0; i < parts.length - 1; i++)
        dir.push(index.child(dir.length ? dir.at(-1) : 0, parts[i]));
    // What is left to walk: targets being followed, innermost last.
    const frames = [{ parts: splitTarget(index.target(index.find(parts))), at: 0 }];
    let hops = 0;
    while (frames.length) {
        const frame = frames.at(-1);
        if (frame.at === frame.parts.length) {
            frames.pop();
            continue;
        }
        const c = frame.parts[frame.at++];
        budget.spend(name);
        if (c === '' || c === '.')
            continue;
        if (c === '..') {
            if (dir.length === 0)
                return 'outside';
            dir.pop();
            continue;
        }
        const id = index.child(dir.length ? dir.at(-1) : 0, c);
        const target = id < 0 ? undefined : index.target(id);
        if (target === undefined)
            dir.push(id);
        else if (++hops > MAX_HOPS)
            return 'loop';
        else if (target.startsWith('/'))
            return 'outside';
        else
            frames.push({ parts: splitTarget(target), at: 0 });
    }
    return 'inside';
}
function splitTarget(target) {
    return target.split('/');
}
class Symlinks {
    #exact = new LinkIndex((c) => c);
    #folded = new LinkIndex(fold);
    #pending = [];
    #budget = new Budget(RESOLVE_BUDGET);
    get size() {
        return this.#folded.size;
    }
    /**
     * How many leading components of `parts` name a symlink of the archive,
     * compared case-insensitively after NFC (0: none does): the path runs
     * through that link, or is that link when it is all of `parts`.
     */
    runsInto(parts) {
        return this.#folded.size ? this.#folded.firstLink(parts) : 0;
    }
    /** Records the symlink entry `name` at `parts`; refuses one that leads outside the archive's folder. */
    add(name, parts, target) {
        const id = this.#folded.insert(parts);
        if (this.#folded.target(id) !== undefined)
            refuse(name, 'a second entry for a symlink');
        if (this.#folded.hasBelow(id))
            refuse(name, 'a symlink above another symlink of the archive');
        this.#folded.setTarget(id, target);
        this.#exact.setTarget(this.#exact.insert(parts), target);
        const where = this.#where(parts, name);
        if (where === 'loop')
            refuse(name, 'a symlink loop');
        if (where !== 'inside')
            refuse(name, `a symlink to ${showName(target)}, outside the archive's folder`);
        this.#pending.push({ parts, target, name });
    }
    /**
     * Checks every link again against the whole set and against what was
     * written (nothing may lie at or below a link, compared case-insensitively),
     * then has each created.
     */
    async createAll(list, create) {
        for (const link of this.#pending) {
            const where = this.#where(link.parts, link.name);
            if (where !== 'inside')
                refuse(link.name, where === 'loop'
                    ? 'a symlink loop'
                    : `a symlink to ${showName(link.target)}, which leads outside the archive's folder through other symlinks`);
        }
        if (this.#pending.length)
            this.#checkWritten(list);
        for (const link of this.#pending)
            await create(link.parts, link.target, link.name);
    }
    /** The link's reading by exact names and by folded names: the worse of the two. */
    #where(parts, name) {
        const exact = resolve(this.#exact, parts, this.#budget, name);
        return exact !== 'inside' ? exact : resolve(this.#folded, parts, this.#budget, name);
    }
    /**
     * Walks the written tree along the links' folders (each folder listed once
     * at most): an entry whose folded path is a link's, or lies below one, was
     * written before the link came.
     */
    #checkWritten(list) {
        const todo = [{ parts: [], id: 0 }];
        while (todo.length) {
            const { parts, id } = todo.pop();
            for (const entry of list(parts)) {
                this.#budget.spend(entry.name);
                const child = this.#folded.child(id, entry.name);
                if (child < 0)
                    continue;
                const at = [...parts, entry.name];
                const link = this.#folded.target(child);
                if (link === undefined) {
                    if (entry.isDirectory)
                        todo.push({ parts: at, id: child });
                    continue;
                }
                const linkName = this.#pending.find((l) => this.#folded.find(l.parts) === child).name;
                refuse(linkName, entry.isDirectory
                    ? `entries of the archive lie below this symlink (in ${showName(at.join('/'))})`
                    : `a second entry for a symlink (${showName(at.join('/'))})`);
            }
        }
    }
}

;// CONCATENATED MODULE: ./src/archives/writer.ts
/**
 * Writing an archive's entries into its staging folder, by their path below
 * the top-level folder (byte strings, joined with `/`). Files are created
 * with O_EXCL (`wx`: never through an existing file or link) and keep their
 * mode bits (umask applied, setuid/setgid dropped).
 *
 * Names reach the file system byte for byte on POSIX (Buffer paths); on
 * Windows, where Node passes UTF-16, as the UTF-8 they hold (the policy
 * refuses other names there). Folders are made one component at a time, and
 * a component that is already there must be a real folder (`lstat`): the
 * file system cannot lead a write through a link, whatever it takes for the
 * same name (case, normalisation).
 */





const isWindows = process.platform === 'win32';
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
/**
 * The file-system path of `rel` (a byte string, components joined with `/`)
 * below `root`: its bytes as they are on POSIX (a Buffer path); on Windows,
 * where Node passes UTF-16, the UTF-8 they hold, joined the Win32 way.
 */
function stagingPath(root, rel, windows) {
    if (windows)
        return external_node_path_default().win32.join(root, ...bytesOf(rel).toString('utf8').split('/'));
    return Buffer.concat([Buffer.from(`${root}/`), bytesOf(rel)]);
}
/** Folders known to exist, as a tree of ids (0: the root); bounded, so memory does not grow with the archive. */
class KnownDirs {
    #ids = new Map();
    #next = 1;
    child(parent, component) {
        return this.#ids.get(`${parent}/${component}`);
    }
    add(parent, component) {
        if (this.#ids.size >= 4096)
            this.#ids.clear(); // ids already handed out stay unique: #next goes on
        const id = this.#next++;
        this.#ids.set(`${parent}/${component}`, id);
        return id;
    }
}
/** The staging folder being filled. */
class StagingTree {
    #root;
    #known = new KnownDirs();
    #meter;
    constructor(root, meter = () => { }) {
        this.#root = root;
        this.#meter = meter;
    }
    /** The file-system path of `rel` (components joined with `/`). */
    abs(rel) {
        return stagingPath(this.#root, rel, isWindows);
    }
    /** A new regular file (its folder made if needed), open for writing. */
    openFile(parts, mode, name) {
        this.#ensureDir(parts, parts.length - 1, name);
        return new FileWriter(this.abs(parts.join('/')), mode & 0o777);
    }
    mkdir(parts, mode, name) {
        this.#ensureDir(parts, parts.length, name, mode);
    }
    hardLink(target, parts, name) {
        this.#ensureDir(parts, parts.length - 1, name);
        external_node_fs_default().linkSync(this.abs(target.join('/')), this.abs(parts.join('/')));
    }
    async symlink(parts, target, name) {
        this.#ensureDir(parts, parts.length - 1, name);
        // A string on Windows: Node turns its `/` into `\` there (a Buffer would be taken as it is).
        await promises_default().symlink(isWindows ? bytesOf(target).toString('utf8') : bytesOf(target), this.abs(parts.join('/')));
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
    /** The entries of the folder at `parts`, names as byte strings, read as a stream (nothing held). */
    *list(parts) {
        // Node takes `encoding: 'buffer'` here (names as bytes), though its types say otherwise.
        const dir = external_node_fs_default().opendirSync(this.abs(parts.join('/')), { encoding: 'buffer' });
        try {
            for (let d = dir.readSync(); d; d = dir.readSync()) {
                const raw = d.name;
                yield { name: typeof raw === 'string' ? raw : raw.toString('latin1'), isDirectory: d.isDirectory() };
            }
        }
        finally {
            dir.closeSync();
        }
    }
    /**
     * Makes the folder of the first `count` components of `parts`, one
     * component at a time; each one already there must be a real folder.
     */
    #ensureDir(parts, count, name, mode = 0o755) {
        let id = 0;
        let i = 0;
        for (let next; i < count && (next = this.#known.child(id, parts[i])) !== undefined; i++)
            id = next;
        for (; i < count; i++) {
            const rel = parts.slice(0, i + 1).join('/');
            const abs = this.abs(rel);
            try {
                external_node_fs_default().mkdirSync(abs, { mode: ((i === parts.length - 1 ? mode : 0o755) & 0o777) | 0o700 });
            }
            catch (err) {
                if (err.code !== 'EEXIST')
                    throw err;
                const st = external_node_fs_default().lstatSync(abs);
                if (st.isSymbolicLink())
                    refuse(name, `its folder ${showName(rel)} is a symlink on disk`);
                if (!st.isDirectory())
                    throw err;
            }
            this.#meter(rel.length);
            id = this.#known.add(id, parts[i]);
        }
    }
}

;// CONCATENATED MODULE: ./src/archives/extract.ts







/** The most entries (and folders made for them) one archive may have. */
const MAX_ENTRIES = 1_000_000;
/** The most bytes of names (entries and folders made) one archive may write. */
const MAX_NAME_BYTES = 256 * 1024 * 1024;
/**
 * Extracts the gzip-compressed tar `source` into the empty folder `dir`,
 * stripping the single top-level folder (unless `topFolder: false`: entries
 * at the archive's root, as Bitbucket Data Center sends them). Rejects (and stops reading) on the
 * first unsafe entry; the caller removes `dir`.
 */
async function extractTarGz(source, dir, options = {}) {
    const gunzip = external_node_zlib_default().createGunzip({ chunkSize: 256 * 1024 });
    const stream = (0,external_node_stream_.pipeline)(source, gunzip, () => { });
    const x = new Extractor(dir, options);
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
/** A file-system error at the entry `name`, with a short message that names the entry (not the staging path). */
function entryFailure(err, name) {
    const e = err;
    if (err instanceof UnsafeArchiveError || typeof e?.code !== 'string' || !e.syscall)
        return err;
    if (e.code === 'ENAMETOOLONG')
        refuse(name, 'a name longer than the file system allows');
    if (e.code === 'EILSEQ')
        refuse(name, "a name that this runner's file system cannot store");
    return Object.assign(new Error(`${e.code} (${e.syscall}) at ${showName(name)}`), { code: e.code });
}
/** The tar parser's handlers: each entry judged, then written. */
class Extractor {
    stats = { files: 0, directories: 0, links: 0, bytes: 0, topMode: 0o755 };
    #tree;
    #links = new Symlinks();
    #policy;
    #current;
    #name = '';
    #entries = 0;
    #nameBytes = 0;
    #maxEntries;
    #maxNameBytes;
    constructor(root, options) {
        this.#maxEntries = Math.min(options.limits?.entries ?? MAX_ENTRIES, MAX_ENTRIES);
        this.#maxNameBytes = Math.min(options.limits?.nameBytes ?? MAX_NAME_BYTES, MAX_NAME_BYTES);
        this.#tree = new StagingTree(root, (bytes) => this.#count(bytes));
        this.#policy = new EntryPolicy(this.#links, options.rules ?? HOST_RULES, options.topFolder ?? true);
    }
    /** Closes the file being written when extraction stops half-way. */
    closeCurrent() {
        this.#current?.close();
        this.#current = undefined;
    }
    entry(e) {
        this.#name = e.name;
        this.#count(e.name.length);
        try {
            this.#write(e);
        }
        catch (err) {
            throw entryFailure(err, e.name);
        }
    }
    data(chunk) {
        try {
            this.#current?.data(chunk);
        }
        catch (err) {
            throw entryFailure(err, this.#name);
        }
    }
    end() {
        this.closeCurrent();
    }
    async finish() {
        const tree = this.#tree;
        let name = '';
        try {
            await this.#links.createAll((parts) => tree.list(parts), (parts, target, linkName) => tree.symlink(parts, target, (name = linkName)));
        }
        catch (err) {
            throw entryFailure(err, name);
        }
    }
    /** One more entry or folder, and the bytes of its name: refused beyond the bounds. */
    #count(nameBytes) {
        if (++this.#entries > this.#maxEntries)
            throw new UnsafeArchiveError(`it holds more than ${this.#maxEntries.toLocaleString('en-US')} entries (folders made for them included), more than this action extracts`);
        if ((this.#nameBytes += nameBytes) > this.#maxNameBytes)
            throw new UnsafeArchiveError(`its names add up to more than ${this.#maxNameBytes.toLocaleString('en-US')} bytes, more than this action extracts`);
    }
    #write(e) {
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
            case 'sparse':
                return refuse(e.name, 'a sparse file (git never writes one; its data would not be what the file holds)');
            default:
                return refuse(e.name, `an unsupported entry type ${JSON.stringify(e.flag)}`);
        }
    }
    #file(e) {
        const rel = this.#policy.relative(e.name, e.type);
        this.stats.files++;
        this.stats.bytes += e.size;
        this.#current = this.#tree.openFile(rel.parts, e.mode, e.name);
    }
    #directory(e) {
        const rel = this.#policy.relative(e.name, e.type);
        if (rel.parts.length === 0) {
            if (e.mode)
                this.stats.topMode = e.mode & 0o777;
            return;
        }
        this.#tree.mkdir(rel.parts, e.mode, e.name);
        this.stats.directories++;
    }
    #symlink(e) {
        const rel = this.#policy.relative(e.name, e.type);
        this.#policy.checkSymlink(e.name, rel, e.linkname);
        if (this.#tree.exists(rel.path))
            refuse(e.name, 'a symlink over another entry');
        this.#links.add(e.name, rel.parts, e.linkname);
        this.stats.links++;
    }
    #hardLink(e) {
        const rel = this.#policy.relative(e.name, e.type);
        // Nothing but extracted files and folders exists in the staging folder yet (symlinks come last),
        // so a regular file there is one this archive wrote, complete and closed.
        const target = this.#policy.hardLinkTarget(e.name, e.linkname, (t) => this.#tree.isFile(t.path));
        this.#tree.hardLink(target.parts, rel.parts, e.name);
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
        wording: providers/* PROVIDERS */.x[s.bitbucketType ?? 'cloud'].wording,
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
