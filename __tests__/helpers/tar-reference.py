"""Python's tarfile as a reference reader for the tar fixtures test.

Usage: python3 tar-reference.py FILE... — one JSON line per file:
{"ok": true, "entries": [{"name": hex, "type": flag, "size": n, "link": hex,
"sparse": bool, "sha256": hex (regular files)}]} or {"ok": false, "error": text}.
Names and link targets are hex of their bytes (undecodable bytes kept as
they were stored). The data of sparse members is not read (it can be huge).
"""
import hashlib
import json
import sys
import tarfile


def raw(text):
    return text.encode("utf-8", "surrogateescape").hex()


def entries(path):
    out = []
    with tarfile.open(path, "r:*", encoding="utf-8", errors="surrogateescape") as archive:
        for member in archive:
            entry = {
                "name": raw(member.name),
                "type": member.type.decode("latin1"),
                "size": member.size,
                "link": raw(member.linkname),
                "sparse": member.issparse(),
            }
            if member.isreg() and not member.issparse():
                data = archive.extractfile(member)
                digest = hashlib.sha256()
                for block in iter(lambda: data.read(1 << 20), b""):
                    digest.update(block)
                entry["sha256"] = digest.hexdigest()
            out.append(entry)
    return out


for name in sys.argv[1:]:
    try:
        result = {"ok": True, "entries": entries(name)}
    except Exception as error:  # every failure is an answer: "not sound"
        result = {"ok": False, "error": "%s: %s" % (type(error).__name__, str(error).splitlines()[0][:200] if str(error) else "")}
    print(json.dumps(result), flush=True)
