export const id = 135;
export const ids = [135];
export const modules = {

/***/ 8135:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  CONCURRENCY: () => (/* binding */ CONCURRENCY),
  fetchDownloads: () => (/* binding */ fetchDownloads),
  parseDownloads: () => (/* reexport */ downloads_spec/* parseDownloads */.N8)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/shared/errors.ts
var errors = __webpack_require__(8382);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
var external_node_fs_default = /*#__PURE__*/__webpack_require__.n(external_node_fs_);
// EXTERNAL MODULE: ./src/net/errors.ts
var net_errors = __webpack_require__(3688);
// EXTERNAL MODULE: ./src/net/retry.ts
var retry = __webpack_require__(7893);
// EXTERNAL MODULE: external "node:v8"
var external_node_v8_ = __webpack_require__(8877);
var external_node_v8_default = /*#__PURE__*/__webpack_require__.n(external_node_v8_);
// EXTERNAL MODULE: external "node:vm"
var external_node_vm_ = __webpack_require__(714);
var external_node_vm_default = /*#__PURE__*/__webpack_require__.n(external_node_vm_);
;// CONCATENATED MODULE: ./src/downloads/gc.ts
/**
 * A young-generation collection on demand, to keep memory flat while a large
 * file streams through the main thread.
 *
 * Every chunk the socket delivers is a new ArrayBuffer; once written it is
 * garbage, but V8 lets tens of megabytes of such buffers pile up before it
 * collects them (BENCHMARKS.md, "Downloads": +60 MiB for a 256 MiB file, and
 * the page faults of ever-new memory made the download 2× slower). The
 * runner starts the action as `node dist/main/index.js`, so no V8 flag can be
 * passed at start-up; `--expose-gc` set at run time makes `gc` available in
 * a new context, whose collector is the process's one. Without it (another
 * runtime), this does nothing.
 */


let gc;
function load() {
    try {
        external_node_v8_default().setFlagsFromString('--expose-gc');
        const fn = external_node_vm_default().runInNewContext('typeof gc === "function" ? gc : undefined');
        return typeof fn === 'function' ? fn : null;
    }
    catch {
        return null;
    }
}
/** Collects the young generation (a scavenge: about a millisecond), freeing the chunks already consumed. */
function collectYoung() {
    if (gc === undefined)
        gc = load();
    gc?.({ type: 'minor' });
}

// EXTERNAL MODULE: ./src/shared/format.ts
var format = __webpack_require__(6338);
// EXTERNAL MODULE: ./src/net/url.ts
var net_url = __webpack_require__(486);
;// CONCATENATED MODULE: ./src/downloads/list.ts
/**
 * The Downloads section through the REST API, with the Bearer token:
 * `GET {api-url}/repositories/{ws}/{repo}/downloads` (paginated: `values`,
 * `next`) and the messages for its refusals.
 */



const SCOPE_HINT = 'The OAuth consumer needs the Repositories: Read permission (scope `repository`), and its user (or workspace) must be able to read the repository.';
/** Pages read at most (100 files each). */
const MAX_PAGES = 1000;
function downloadsPath(workspace, repo) {
    return `repositories/${encodeURIComponent(workspace)}/${encodeURIComponent(repo)}/downloads`;
}
/** `{api-url}/repositories/{ws}/{repo}/downloads/{name}` */
function fileUrl(apiUrl, workspace, repo, name) {
    return (0,net_url/* joinUrl */.we)(apiUrl, `${downloadsPath(workspace, repo)}/${encodeURIComponent(name)}`);
}
/** The API's own error text, shown quoted and made safe, or ''. */
function apiSaid(json) {
    const error = json?.error;
    return typeof error?.message === 'string' && error.message ? ` ("${(0,format/* shown */.SP)(error.message.slice(0, 200))}")` : '';
}
/** The message for a 401 or 403 of the API, or undefined for any other status. */
function refusal(status, said, full, doing) {
    if (status === 401) {
        return new errors/* ActionError */.l(`The Bitbucket API refused the access token while ${doing} (HTTP 401${said}). The token may have expired or been revoked, or lacks the scope \`repository\`: ${SCOPE_HINT} Re-run the job, and check that \`api-url\` belongs to the same Bitbucket as \`bitbucket-url\`.`);
    }
    if (status === 403) {
        return new errors/* ActionError */.l(`The token may not read the Downloads section of ${full} (HTTP 403${said} while ${doing}). ${SCOPE_HINT} Tick the permission on the consumer, then get a new refresh token with \`bitbucket-oauth login\`.`);
    }
    return undefined;
}
function repositoryNotFound(full, doing) {
    return new errors/* ActionError */.l(`Repository ${full} was not found, or the token cannot see it (while ${doing}). Check the spelling of WORKSPACE/REPO; ${SCOPE_HINT}`);
}
function degraded(status, said, doing) {
    return new errors/* ActionError */.l(`The Bitbucket API answered HTTP ${status}${said} while ${doing}. ${status >= 500 || status === 429 ? 'Bitbucket may be degraded; re-run the job later.' : 'Check `api-url`.'}`);
}
function item(value) {
    if (!value || typeof value !== 'object')
        return undefined;
    const v = value;
    if (typeof v.name !== 'string' || v.name === '')
        return undefined;
    return {
        name: v.name,
        size: typeof v.size === 'number' && Number.isSafeInteger(v.size) && v.size >= 0 ? v.size : undefined,
        createdOn: typeof v.created_on === 'string' ? v.created_on : undefined,
    };
}
/**
 * The files of a repository's Downloads section, in the API's order: every
 * page with `all`, else the first page only (for an error message).
 */
async function listDownloads(deps, workspace, repo, options) {
    const full = `${workspace}/${repo}`;
    const doing = `listing the Downloads of ${full}`;
    const first = (0,net_url/* joinUrl */.we)(deps.apiUrl, downloadsPath(workspace, repo));
    first.searchParams.set('pagelen', '100');
    const seen = new Set();
    const items = [];
    let url = first;
    for (let page = 1; url; page++) {
        if (page > MAX_PAGES)
            throw new errors/* ActionError */.l(`The Downloads list of ${full} has more than ${MAX_PAGES} pages; name the file exactly instead of with a pattern.`);
        seen.add(url.href);
        const { response, text } = await deps.http.text(url, {
            what: `the Downloads list of ${full}`,
            authorization: deps.authorization,
            headers: { accept: 'application/json' },
        });
        const json = (0,format/* parseJsonObject */.dw)(text);
        const said = apiSaid(json);
        const refused = refusal(response.status, said, full, doing);
        if (refused)
            throw refused;
        if (response.status === 404)
            throw repositoryNotFound(full, doing);
        if (response.status !== 200)
            throw degraded(response.status, said, doing);
        if (!json || !Array.isArray(json.values))
            throw new errors/* ActionError */.l(`The Bitbucket API answered the Downloads list of ${full} without a list of files; check that \`api-url\` points at the Bitbucket Cloud REST API (https://api.bitbucket.org/2.0).`);
        for (const v of json.values) {
            const it = item(v);
            if (it)
                items.push(it);
        }
        url = undefined;
        if (options.all && typeof json.next === 'string' && json.next) {
            let next;
            try {
                next = new URL(json.next, first);
            }
            catch {
                throw new errors/* ActionError */.l(`The Downloads list of ${full} named a next page that is not a URL; check \`api-url\`.`);
            }
            // The token goes only where it was meant to: the next page must be on the API's own origin.
            if (next.origin !== deps.apiUrl.origin)
                throw new errors/* ActionError */.l(`The Downloads list of ${full} named its next page on another host (${next.host}); the token is not sent there. Check \`api-url\` and any proxy.`);
            if (!seen.has(next.href))
                url = next;
        }
    }
    return items;
}

// EXTERNAL MODULE: ./src/shared/dest-rules.ts
var dest_rules = __webpack_require__(8515);
;// CONCATENATED MODULE: ./src/downloads/download.ts
/**
 * One file of a Downloads section into its DEST:
 *
 * `GET {api-url}/repositories/{ws}/{repo}/downloads/{name}` with the Bearer
 * token; Bitbucket answers with a redirect to a signed URL on a storage host,
 * which the HTTP client follows without the token (it never forwards
 * `Authorization` to another origin); its `largeGet` reads the body into one
 * reused buffer. The body streams into a temporary file beside DEST while it
 * is hashed (each chunk copied into the file's write buffer as it comes); the
 * pin is checked; then the file is renamed over DEST, so an existing file is
 * replaced whole and a failure leaves it as it was (the temporary file is
 * removed).
 *
 * A body that breaks off is fetched again, through the API (a fresh signed
 * URL), from where it broke when the storage host takes `Range` (checked with
 * `If-Range` and `Content-Range`), else from the start. A 403 from the
 * storage host means the signed URL expired: a fresh one is asked for.
 * Signed URLs are never printed: messages name the storage host only, and
 * the client's debug lines drop query strings.
 */










/** The API answered 404 for the file: the caller says which names exist. */
class UnknownFileError extends errors/* ActionError */.l {
}
/** Folders this step created for DESTs, so that a failure can remove the empty ones again. */
class CreatedFolders {
    #dirs = [];
    /** Creates the missing folders above `file`, one by one, remembering each. */
    ensureParent(file) {
        const missing = [];
        for (let dir = external_node_path_default().dirname(file); !external_node_fs_default().existsSync(dir); dir = external_node_path_default().dirname(dir)) {
            missing.unshift(dir);
            if (external_node_path_default().dirname(dir) === dir)
                break;
        }
        for (const dir of missing) {
            try {
                external_node_fs_default().mkdirSync(dir);
                this.#dirs.push(dir);
            }
            catch (err) {
                if (err.code !== 'EEXIST')
                    throw err;
            }
        }
    }
    /** Removes every folder it created that is empty now, deepest first. */
    removeEmpty() {
        for (const dir of [...this.#dirs].sort((a, b) => b.length - a.length)) {
            try {
                external_node_fs_default().rmdirSync(dir);
            }
            catch {
                // Not empty (a file landed there) or already gone: keep it.
            }
        }
    }
}
/** The temporary file's write buffer. */
const STAGE_BYTES = 256 << 10;
/** Storage-host refusals (expired signed URLs) in a row before giving up. */
const MAX_REFUSALS = 3;
/**
 * The temporary file: written, hashed, and counted; what was written is
 * exactly what was hashed. Chunks are copied into one write buffer as they
 * come (the HTTP client may reuse a chunk's memory once `push` returns), and
 * the buffer is written out whenever it is full.
 */
class Sink {
    fd;
    file;
    #hash = (0,external_node_crypto_.createHash)('sha256');
    #stage = Buffer.allocUnsafe(STAGE_BYTES);
    #staged = 0;
    /** Bytes in the file. */
    written = 0;
    /** A write failed: the disk, not the network; never retried. */
    failure;
    constructor(file) {
        this.file = file;
        const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = (external_node_fs_default()).constants;
        this.fd = external_node_fs_default().openSync(file, O_WRONLY | O_CREAT | O_EXCL | (O_NOFOLLOW ?? 0), 0o666);
    }
    push(chunk) {
        this.#hash.update(chunk);
        for (let at = 0; at < chunk.length;) {
            const n = chunk.copy(this.#stage, this.#staged, at);
            this.#staged += n;
            at += n;
            if (this.#staged === STAGE_BYTES)
                this.flush();
        }
    }
    flush() {
        try {
            for (let at = 0; at < this.#staged;)
                at += external_node_fs_default().writeSync(this.fd, this.#stage, at, this.#staged - at, this.written + at);
            this.written += this.#staged;
            this.#staged = 0;
        }
        catch (err) {
            this.failure = err;
            throw err;
        }
    }
    /** Back to an empty file: the next attempt starts over. */
    reset() {
        external_node_fs_default().ftruncateSync(this.fd, 0);
        this.#hash = (0,external_node_crypto_.createHash)('sha256');
        this.#staged = 0;
        this.written = 0;
    }
    digest() {
        return this.#hash.digest('hex');
    }
    close() {
        external_node_fs_default().closeSync(this.fd);
    }
}
/** `bytes START-END/TOTAL` */
function parseContentRange(value) {
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/i.exec(value?.trim() ?? '');
    if (!m)
        return undefined;
    const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return Number.isSafeInteger(total) && start <= end && end < total ? { start, end, total } : undefined;
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
        case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
            return 'the file was cut short';
        default:
            return (0,errors/* errorMessage */.g)(err);
    }
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
/** The temporary file beside `dest`: hidden, unique, short enough for any file system. */
function tempPathFor(dest) {
    const base = external_node_path_default().basename(dest).slice(0, 100);
    return external_node_path_default().join(external_node_path_default().dirname(dest), `.${base}.partial-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
}
/** An error for an answer that is not the file (after the client's own retries). */
async function notTheFile(response, job, fromStorage) {
    const full = `${job.workspace}/${job.repo}`;
    const label = `${full}/${(0,format/* shown */.SP)(job.name)}`;
    const status = response.status;
    // A storage host's error body may quote the signature: never read into a message.
    const said = fromStorage ? '' : apiSaid((0,format/* parseJsonObject */.dw)(await response.text().catch(() => '')));
    if (!fromStorage) {
        const refused = refusal(status, said, full, `fetching ${(0,format/* shown */.SP)(job.name)}`);
        if (refused)
            return refused;
        if (status === 404)
            return new UnknownFileError(`${full} has no file named "${(0,format/* shown */.SP)(job.name)}"${said}.`);
    }
    else {
        await response.discard();
        const host = response.url.host;
        if (status === 400)
            return new errors/* ActionError */.l(`The storage host ${host} refused the download of ${label} (HTTP 400). Its signed URLs must be fetched without credentials; a proxy that adds an Authorization header would cause this. Check HTTPS_PROXY and any proxy rules.`);
        if (status === 404 || status === 410)
            return new errors/* ActionError */.l(`The storage host ${host} has no file behind the signed URL of ${label} (HTTP ${status}): it may have been deleted or replaced just now. Re-run the job.`);
    }
    if (status >= 300 && status < 400)
        return new errors/* ActionError */.l(`The download of ${label} was redirected too many times (last to ${response.url.host}); check \`api-url\` and any proxy.`);
    const where = fromStorage ? `The storage host ${response.url.host}` : 'The Bitbucket API';
    return new errors/* ActionError */.l(`${where} answered HTTP ${status}${said} to the download of ${label}. ${status >= 500 || status === 429 ? 'It may be degraded; re-run the job later.' : 'Check `api-url` and any proxy.'}`);
}
/** An attempt that asks again at once: the signed URL had expired, or the storage host sent the wrong range. */
class AskAgain extends Error {
}
/**
 * The state of one file's attempts: what was received, and whether the
 * storage host can resume. The attempts run in the one retry loop
 * (`withRetries`); what they may cost is counted here: breaks of the body (up
 * to the client's retry attempts, at most two stalls), expired signed URLs in
 * a row (MAX_REFUSALS).
 */
class Transfer {
    #deps;
    #job;
    #sink;
    #url;
    #label;
    attempts = 0;
    #breaks = 0;
    #stalls = 0;
    #refusals = 0;
    /** The last break used up the breaks allowed. */
    #exhausted = false;
    /** The whole file's size, from the first full answer. */
    #total;
    /** ETag (strong) or Last-Modified of that answer, for `If-Range`. */
    #validator;
    #canResume = false;
    constructor(deps, job, sink) {
        this.#deps = deps;
        this.#job = job;
        this.#sink = sink;
        this.#url = fileUrl(deps.apiUrl, job.workspace, job.repo, job.name);
        this.#label = `${job.workspace}/${job.repo}/${(0,format/* shown */.SP)(job.name)}`;
    }
    /** Attempts until the whole file is in the temporary file, or it is given up. */
    run() {
        const deps = this.#deps;
        return (0,retry/* withRetries */.LH)((n) => this.#attempt(n), {
            // The limits are the breaks, stalls and refusals counted by `decide`, not the number of attempts.
            policy: { ...deps.http.retry, attempts: Number.MAX_SAFE_INTEGER },
            label: this.#label,
            debug: deps.debug,
            sleep: deps.sleep,
            random: deps.random,
            decide: (err) => this.#decide(err),
            giveUp: (err) => this.#giveUp(err),
            onRetry: (err, _n, waitMs) => this.#announce(err, waitMs),
        });
    }
    async #attempt(n) {
        this.attempts = n;
        const sink = this.#sink;
        const from = this.#canResume && sink.written > 0 && sink.written < this.#total ? sink.written : 0;
        if (from === 0 && sink.written > 0)
            sink.reset();
        const response = await this.#request(from);
        await this.#accept(response, from);
        try {
            await response.consume((chunk) => sink.push(chunk), collectYoung);
            sink.flush();
            if (this.#total !== undefined && sink.written !== this.#total)
                throw Object.assign(new Error(`got ${sink.written} of ${this.#total} bytes`), { code: 'TRUNCATED' });
        }
        catch (err) {
            await response.discard();
            if (!sink.failure)
                sink.flush();
            throw err;
        }
    }
    /** After a failed attempt: at once after AskAgain, after the backoff after a break, else never. */
    #decide(err) {
        if (err instanceof AskAgain)
            return { retry: true, why: err.message, waitMs: 0 };
        if (this.#sink.failure || err instanceof errors/* ActionError */.l || !(0,retry/* shouldRetryError */.wE)(err, true))
            return { retry: false };
        this.#breaks++;
        // A stall already cost a full body window: one more try at most, so that a storage host that
        // stops answering ends the step within about two minutes.
        if ((0,net_errors/* isStall */.XF)(err))
            this.#stalls++;
        this.#exhausted = this.#breaks >= this.#deps.http.retry.attempts || this.#stalls >= 2;
        if (this.#exhausted)
            return { retry: false };
        const waitMs = (0,retry/* backoffDelay */.EY)(this.#deps.http.retry, this.#breaks, this.#deps.random ?? Math.random);
        return { retry: true, why: describeBreak(err), waitMs };
    }
    #giveUp(err) {
        if (!this.#exhausted)
            return err;
        return new errors/* ActionError */.l(`The download of ${this.#label} broke off ${this.#breaks} times (last: ${describeBreak(err)}). Check the runner's network and any HTTPS_PROXY setting, then re-run the job.`, { cause: err });
    }
    /** Before the wait after a break: where it broke, and from where the next attempt goes on. */
    #announce(err, waitMs) {
        if (err instanceof AskAgain)
            return;
        const written = this.#sink.written;
        const of = this.#total !== undefined ? ` of ${formatBytes(this.#total)}` : '';
        const next = this.#canResume && written > 0 ? `resuming from byte ${written}` : 'starting over';
        this.#deps.debug(`${this.#label}: attempt ${this.attempts} broke off after ${written} bytes: ${(0,errors/* errorMessage */.g)(err)}`);
        this.#deps.info(`${this.#label}: the download broke off at ${formatBytes(written)}${of} (${describeBreak(err)}); ${next} in ${(waitMs / 1000).toFixed(1)} s`);
    }
    /** The file route, followed to the storage host; AskAgain after an expired signed URL. */
    async #request(from) {
        const headers = { accept: '*/*' };
        if (from > 0) {
            headers.range = `bytes=${from}-`;
            if (this.#validator)
                headers['if-range'] = this.#validator;
        }
        const response = await this.#deps.http.largeGet(this.#url, {
            what: `the Downloads section of ${this.#job.workspace}/${this.#job.repo}`,
            authorization: this.#deps.authorization,
            headers,
        });
        const fromStorage = response.url.origin !== this.#url.origin;
        if (response.status === 200 || response.status === 206) {
            this.#refusals = 0;
            return response;
        }
        if (!fromStorage || response.status !== 403)
            throw await notTheFile(response, this.#job, fromStorage);
        await response.discard();
        if (++this.#refusals >= MAX_REFUSALS)
            throw new errors/* ActionError */.l(`The storage host ${response.url.host} refused the signed download URL of ${this.#label} ${this.#refusals} times (HTTP 403: the URL had expired by the time it was used). Re-run the job; if it persists, check the runner's clock and any proxy that holds requests back.`);
        this.#deps.info(`${this.#label}: the storage host refused the signed URL (HTTP 403: it has expired); asking Bitbucket for a fresh one`);
        throw new AskAgain('the signed URL had expired');
    }
    /** Checks that the answer continues (206) or restarts (200) the file as expected; AskAgain if not. */
    async #accept(response, from) {
        if (response.status === 206) {
            const range = parseContentRange(response.headers['content-range']);
            if (from && range && range.start === from && range.total === this.#total && range.end === range.total - 1)
                return;
            await response.discard();
            this.#deps.debug(`${this.#label}: the storage host answered the range request with another range; starting over`);
            this.#canResume = false;
            this.#sink.reset();
            if (++this.#breaks >= this.#deps.http.retry.attempts)
                throw new errors/* ActionError */.l(`The storage host ${response.url.host} kept answering the download of ${this.#label} with the wrong part of the file; re-run the job.`);
            throw new AskAgain('the storage host sent another range');
        }
        if (this.#sink.written > 0) {
            this.#deps.debug(`${this.#label}: the storage host sent the whole file again; starting over`);
            this.#sink.reset();
        }
        const length = Number(response.headers['content-length'] ?? NaN);
        this.#total = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
        const etag = response.headers.etag;
        this.#validator = etag && !etag.startsWith('W/') ? etag : response.headers['last-modified'];
        this.#canResume = /\bbytes\b/i.test(response.headers['accept-ranges'] ?? '') && this.#total !== undefined;
    }
}
/**
 * Downloads `job.name` into `job.dest` (see the top of this file). `folders`
 * creates DEST's missing parents; removing them again on failure is the
 * caller's (several files may share a new folder).
 */
async function downloadFile(deps, job, folders) {
    const label = `${job.workspace}/${job.repo}/${(0,format/* shown */.SP)(job.name)}`;
    const rel = () => (0,format/* shown */.SP)(external_node_path_default().relative(deps.workspaceDir, job.dest));
    const problem = (0,dest_rules/* destProblem */.u)(job.dest, deps.workspaceDir, 'file');
    if (problem)
        throw new errors/* ActionError */.l(`DEST ${rel()} ${problem}.`);
    folders.ensureParent(job.dest);
    const sink = new Sink(tempPathFor(job.dest));
    let moved = false;
    try {
        const transfer = new Transfer(deps, job, sink);
        await transfer.run();
        const sha256 = sink.digest();
        const bytes = sink.written;
        sink.close();
        if (job.sha256 && job.sha256 !== sha256)
            throw new errors/* ActionError */.l(`The file ${label} has sha256 ${sha256}, but line ${job.line} pins ${job.sha256}; nothing was written. If the file was replaced on purpose, update the pin; otherwise do not trust it.`);
        const late = (0,dest_rules/* destProblem */.u)(job.dest, deps.workspaceDir, 'file');
        if (late)
            throw new errors/* ActionError */.l(`DEST ${rel()} ${late} (it changed during the download); nothing was written.`);
        external_node_fs_default().renameSync(sink.file, job.dest);
        moved = true;
        return { sha256, bytes, attempts: transfer.attempts };
    }
    finally {
        if (!moved) {
            try {
                sink.close();
            }
            catch {
                // already closed
            }
            external_node_fs_default().rmSync(sink.file, { force: true });
        }
    }
}

;// CONCATENATED MODULE: ./src/downloads/match.ts
/**
 * Picking a file of the Downloads list by pattern: `*` matches any run of
 * characters (also an empty one), the whole name must match, and the newest
 * match wins (by `created_on`; on a tie, the name that sorts last).
 */
/** Whether `name` matches `pattern` as a whole; linear-time (no regular expression backtracking). */
function globMatch(pattern, name) {
    let p = 0;
    let n = 0;
    let star = -1;
    let resume = 0;
    while (n < name.length) {
        if (p < pattern.length && pattern[p] === '*') {
            star = p++;
            resume = n;
        }
        else if (p < pattern.length && pattern[p] === name[n]) {
            p++;
            n++;
        }
        else if (star >= 0) {
            p = star + 1;
            n = ++resume;
        }
        else {
            return false;
        }
    }
    while (p < pattern.length && pattern[p] === '*')
        p++;
    return p === pattern.length;
}
/**
 * A `created_on` as nanoseconds since the epoch (BigInt, so that microsecond
 * timestamps compare exactly); undefined when it cannot be read.
 */
function createdNs(value) {
    if (!value)
        return undefined;
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/i.exec(value.trim());
    if (!m)
        return undefined;
    const ms = Date.parse(`${m[1]}${m[3] ? m[3].replace(/^([+-]\d\d)(\d\d)$/, '$1:$2') : 'Z'}`);
    if (Number.isNaN(ms))
        return undefined;
    const fraction = BigInt((m[2] ?? '').slice(0, 9).padEnd(9, '0'));
    return BigInt(ms) * 1000000n + fraction;
}
/** Sorts before: older, or as old with a name that sorts first. A date that cannot be read counts as oldest. */
function compareAge(a, b) {
    const ta = createdNs(a.createdOn);
    const tb = createdNs(b.createdOn);
    if (ta !== tb) {
        if (ta === undefined)
            return -1;
        if (tb === undefined)
            return 1;
        return ta < tb ? -1 : 1;
    }
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
/** The newest item whose name matches `pattern`, or undefined. */
function newestMatch(pattern, items) {
    let best;
    for (const item of items) {
        if (!globMatch(pattern, item.name))
            continue;
        if (!best || compareAge(best, item) < 0)
            best = item;
    }
    return best;
}

// EXTERNAL MODULE: ./src/archives/spec.ts
var spec = __webpack_require__(1812);
// EXTERNAL MODULE: ./src/downloads/spec.ts
var downloads_spec = __webpack_require__(5726);
;// CONCATENATED MODULE: ./src/downloads/summary.ts
/** The job summary table of the `downloads` input: a row per file, never a secret nor a signed URL. */


/**
 * `s` as a code span in a table cell: shown as written, never as markdown,
 * a link or HTML; line breaks become spaces and `|` is escaped (GitHub's
 * tables split cells on it even inside code).
 */
function codeCell(s) {
    // eslint-disable-next-line no-control-regex -- a line break would end the table
    const text = s.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, ' ').replace(/\|/g, '\\|');
    const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(longest + 1);
    const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
    return `${fence}${pad}${text}${pad}${fence}`;
}
function downloadsSummary(rows, workspace) {
    let md = '### Bitbucket downloads\n\n| Repository | File | Size | Time | Path |\n|---|---|---|---|---|\n';
    for (const r of rows) {
        md += `| ${codeCell(r.repository)} | ${codeCell(r.name)} | ${formatBytes(r.bytes)} | ${(r.ms / 1000).toFixed(1)} s | ${codeCell(external_node_path_default().relative(workspace, r.path))} |\n`;
    }
    return md + '\n';
}

;// CONCATENATED MODULE: ./src/downloads/index.ts
/**
 * The `downloads` input: files of repositories' Downloads sections, each
 * into its DEST (see download.ts), up to four at a time, results in input
 * order, a row per file in the job summary.
 *
 * Patterns are resolved first (every page of each repository's list, read
 * once), then every final DEST is checked again, together with the archives'
 * ones, before anything is written.
 */











/** Files fetched at once: enough to hide latency, few enough for 2-core runners and Bitbucket's limits. */
const CONCURRENCY = 4;
/** Names shown when a file is not there. */
const FEW = 5;
async function pool(items, stop, fn) {
    let next = 0;
    const lane = async () => {
        while (next < items.length && !stop()) {
            const i = next++;
            await fn(items[i], i);
        }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, lane));
}
function lineError(spec, err) {
    const message = `downloads line ${spec.line}: ${(0,errors/* errorMessage */.g)(err)}`;
    if (err instanceof errors/* ActionError */.l)
        return new errors/* ActionError */.l(message, { cause: err });
    const code = err?.code;
    const hint = code === 'ENOSPC'
        ? ' The runner ran out of disk space; free some or fetch fewer files.'
        : code === 'EACCES' || code === 'EPERM'
            ? " Check the permissions of DEST's folder."
            : '';
    return new errors/* ActionError */.l(`${message}.${hint} DEST was left as it was.`, {
        cause: err,
        detail: String(err?.stack ?? err),
    });
}
async function fetchDownloads(ctx) {
    const { core, config } = ctx;
    const specs = config.downloads;
    const run = {
        ctx,
        deps: {
            http: ctx.http,
            apiUrl: config.apiUrl,
            authorization: `Bearer ${ctx.accessToken}`,
            workspaceDir: config.workspace,
            info: (m) => core.info(m),
            debug: (m) => core.debug(ctx.masker.redact(m)),
        },
        failures: [],
    };
    core.info(`Fetching ${specs.length} file${specs.length === 1 ? '' : 's'} from Downloads sections (up to ${CONCURRENCY} at a time)`);
    const resolved = await resolveAll(run, specs);
    let done = [];
    if (run.failures.length === 0) {
        // Every final DEST, with the archives' ones, before anything is written.
        const claims = [...(0,spec/* archiveClaims */.SW)(config.archives), ...resolved.map((r) => (0,downloads_spec/* downloadClaim */.nU)(r.spec.line, r.dest))];
        (0,dest_rules/* checkOverlaps */.BL)(claims, config.workspace);
        done = await downloadAll(run, resolved);
    }
    const completed = done.filter((d) => d !== undefined);
    if (completed.length) {
        const rows = completed.map((d) => ({ ...d.result, ms: d.ms }));
        await core.appendSummary(downloadsSummary(rows, config.workspace));
    }
    if (run.failures.length)
        throw firstFailure(run);
    return done.map((d) => d.result);
}
/** The file of each line: its own name, or the newest match of its pattern (each repository's list read once). */
async function resolveAll(run, specs) {
    const lists = new Map();
    const listOf = (spec) => {
        const key = `${spec.workspace}/${spec.repo}`.toLowerCase();
        let list = lists.get(key);
        if (!list) {
            list = listDownloads(run.deps, spec.workspace, spec.repo, { all: true });
            list.catch(() => { });
            lists.set(key, list);
        }
        return list;
    };
    const resolved = new Array(specs.length);
    await pool(specs, () => run.failures.length > 0, async (spec, i) => {
        try {
            resolved[i] = spec.pattern
                ? resolvePattern(run, spec, await listOf(spec))
                : { spec, name: spec.name, dest: spec.dest };
        }
        catch (err) {
            run.failures.push({ spec, err });
        }
    });
    return resolved;
}
function resolvePattern(run, spec, items) {
    const workspace = run.ctx.config.workspace;
    const match = newestMatch(spec.name, items);
    if (!match)
        throw noMatch(spec, items);
    const dest = spec.dest ?? external_node_path_default().resolve(workspace, match.name);
    if (!spec.dest) {
        const problem = unsafeName(match.name) ?? (0,dest_rules/* destProblem */.u)(dest, workspace, 'file');
        if (problem)
            throw new errors/* ActionError */.l(`the newest file matching "${(0,format/* shown */.SP)(spec.name)}" in ${spec.workspace}/${spec.repo} is "${(0,format/* shown */.SP)(match.name)}", which cannot be the DEST as it is: it ${problem}. Add "-> DEST" to the line.`);
    }
    run.ctx.core.info(`${spec.workspace}/${spec.repo}/${(0,format/* shown */.SP)(spec.name)}: the newest match of ${items.length} file${items.length === 1 ? '' : 's'} is "${(0,format/* shown */.SP)(match.name)}"${match.createdOn ? ` (${(0,format/* shown */.SP)(match.createdOn)})` : ''}`);
    return { spec, name: match.name, dest };
}
/** The files, up to four at a time; folders created for DESTs that stay empty are removed again. */
async function downloadAll(run, resolved) {
    const { core, config } = run.ctx;
    const done = new Array(resolved.length);
    const folders = new CreatedFolders();
    try {
        await pool(resolved, () => run.failures.length > 0, async (r, i) => {
            const started = Date.now();
            const label = `${r.spec.workspace}/${r.spec.repo}/${(0,format/* shown */.SP)(r.name)}`;
            const rel = (0,format/* shown */.SP)(external_node_path_default().relative(config.workspace, r.dest));
            const { workspace, repo, line, sha256 } = r.spec;
            try {
                core.info(`${label}: downloading to ${rel}`);
                const f = await downloadFile(run.deps, { line, workspace, repo, name: r.name, dest: r.dest, sha256 }, folders);
                const ms = Date.now() - started;
                core.info(`${label}: ${formatBytes(f.bytes)} into ${rel} in ${(ms / 1000).toFixed(1)} s (sha256 ${f.sha256})`);
                const result = {
                    repository: `${workspace}/${repo}`,
                    name: r.name,
                    path: r.dest,
                    sha256: f.sha256,
                    bytes: f.bytes,
                };
                done[i] = { result, ms };
            }
            catch (err) {
                const e = err instanceof UnknownFileError ? await unknownFile(run.deps, r.spec, err) : err;
                run.failures.push({ spec: r.spec, err: e });
            }
        });
    }
    finally {
        folders.removeEmpty();
    }
    return done;
}
/** The first failing line (by line number) as the step's error; the others as warnings. */
function firstFailure(run) {
    const failures = [...run.failures].sort((a, b) => a.spec.line - b.spec.line);
    for (const f of failures.slice(1))
        run.ctx.core.warning(lineError(f.spec, f.err).message);
    const error = lineError(failures[0].spec, failures[0].err);
    if (failures.length === 1)
        return error;
    return new errors/* ActionError */.l(`${error.message} (${failures.length - 1} more line${failures.length > 2 ? 's' : ''} failed too; see the warnings)`, { cause: error, detail: error.detail });
}
/** Why a name from the list cannot be a file name in the workspace, or undefined. */
function unsafeName(name) {
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    if (name === '.' || name === '..' || /[/\\\x00-\x1f\x7f]/.test(name))
        return 'is not a plain file name';
    return undefined;
}
function someNames(items) {
    const names = items.slice(0, FEW).map((i) => `"${(0,format/* shown */.SP)(i.name)}"`);
    return `${names.join(', ')}${items.length > FEW ? `, and ${items.length - FEW} more` : ''}`;
}
function noMatch(spec, items) {
    const full = `${spec.workspace}/${spec.repo}`;
    if (items.length === 0)
        return new errors/* ActionError */.l(`no file in the Downloads section of ${full} matches "${(0,format/* shown */.SP)(spec.name)}": the section is empty.`);
    return new errors/* ActionError */.l(`no file in the Downloads section of ${full} matches "${(0,format/* shown */.SP)(spec.name)}" (a "*" matches any run of characters, the rest must match exactly, case included). It has ${items.length} file${items.length === 1 ? '' : 's'}: ${someNames(items)}.`);
}
/** The message for a file the API does not know: what exists instead (the first page of the list). */
async function unknownFile(deps, spec, err) {
    const full = `${spec.workspace}/${spec.repo}`;
    let items;
    try {
        items = await listDownloads(deps, spec.workspace, spec.repo, { all: false });
    }
    catch (listErr) {
        return listErr instanceof errors/* ActionError */.l ? listErr : err;
    }
    const name = `"${(0,format/* shown */.SP)(spec.name)}"`;
    if (items.length === 0)
        return new errors/* ActionError */.l(`${full} has no file named ${name}: its Downloads section is empty.`, { cause: err });
    const sameButCase = items.find((i) => i.name.toLowerCase() === spec.name.toLowerCase());
    const hint = sameButCase ? ` Names are case-sensitive: did you mean "${(0,format/* shown */.SP)(sameButCase.name)}"?` : '';
    // Names that look alike first: the same but for case, then those sharing the first three characters.
    const stem = spec.name.slice(0, 3).toLowerCase();
    const similar = items.filter((i) => i.name.toLowerCase().startsWith(stem));
    const listed = [...new Set([...(sameButCase ? [sameButCase] : []), ...similar, ...items])];
    return new errors/* ActionError */.l(`${full} has no file named ${name} in its Downloads section.${hint} Files there include: ${someNames(listed)}.`, { cause: err });
}


/***/ })

};
