"""Regenerate the counts quoted in the dataset cards, from ../shared.

    python datasets/stats.py            # Markdown on stdout
    python datasets/stats.py > /tmp/stats.md

Reads the annotated corpus (``../shared/corpus/train.jsonl``) and the raw
public datasets (``../shared/data/<folder>``) read-only and prints Markdown
tables of counts.  Nothing is written and no text is printed: only ids,
labels and counts.  The output is deterministic (fixed orders, ties broken by
name).  Standard library only.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "train.jsonl"
DATA = SHARED / "data"
M49 = REPO / "topicclf" / "data" / "m49.csv"

#: corpus ``source`` -> raw dataset folder under ../shared/data
SOURCE_FOLDER = {
    "agnews": "agnews_test",
    "cameo": "cameo_pentaclass",
    "case2021": "case2021_task2",
    "giletsjaunes_fr": "giletsjaunes_fr",
    "masakha-eng": "masakhanews/eng",
    "masakha-fra": "masakhanews/fra",
    "muc4": "muc4_terrorism",
    "rpm2_fr": "rpm2_fr",
    "satp": "satp_terrorism",
    "semeval23t3_fr": "semeval23t3_fr",
    "sib-fra": "sib200/fra_Latn",
    "wmt_newstest_fr": "wmt_newstest_fr",
}
TRANSLATED = "translated-fr"
TR_PREFIX = "tr-fr:"
LANG_COLS = ("en", "fr", "fr of which translated")
STANCE5 = ("neutral", "verbal-cooperation", "material-cooperation", "verbal-conflict",
           "material-conflict")

csv.field_size_limit(1 << 30)


# --------------------------------------------------------------------------- output
def table(headers: list[str], rows: list[list[object]]) -> None:
    print("| " + " | ".join(headers) + " |")
    numeric = [i > 0 and bool(rows) and all(isinstance(r[i], int) for r in rows)
               for i in range(len(headers))]
    print("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    for row in rows:
        print("| " + " | ".join(f"{x:,}" if isinstance(x, int) else str(x).replace("|", "\\|")
                                for x in row) + " |")
    print()


def heading(level: int, text: str) -> None:
    print("#" * level + " " + text + "\n")


def ranked(counter: Counter, limit: int | None = None) -> list[tuple[str, int]]:
    """Items by decreasing count, ties by key."""
    items = sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return items[:limit] if limit else items


def counts_table(counter: Counter, name: str, limit: int | None = None) -> None:
    table([name, "n"], [[k, v] for k, v in ranked(counter, limit)])


# --------------------------------------------------------------------------- readers
def read_tsv(path: Path, header: bool) -> list[list[str]]:
    """Rows of a TSV file (CRLF tolerated); header row dropped when ``header``."""
    with path.open(encoding="utf-8", newline="") as f:
        if header:
            rows = list(csv.reader(f, delimiter="\t"))[1:]
        else:
            rows = [line.rstrip("\r\n").split("\t") for line in f.read().splitlines()]
    return [r for r in rows if r and any(c.strip() for c in r)]


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def m49_regions() -> dict[str, str]:
    """ISO alpha-2 -> M49 region name (repo table); AQ -> "Antarctica" as the corpus does."""
    with M49.open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        table_ = {r["iso2"]: r["region_name"] for r in rows}
    table_["AQ"] = table_.get("AQ") or "Antarctica"
    return table_


# --------------------------------------------------------------------------- corpus
def lang_key(row: dict) -> list[str]:
    keys = [row["lang"]]
    if row["source"] == TRANSLATED:
        keys.append("fr of which translated")
    return keys


def by_lang(rows: list[dict], labels_of) -> dict[str, Counter]:
    out: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        for label in labels_of(r):
            for k in lang_key(r):
                out[label][k] += 1
            out[label]["total"] += 1
    return out


def lang_table(name: str, data: dict[str, Counter], order: list[str] | None = None,
               limit: int | None = None) -> None:
    if order is None:
        order = [k for k, _ in ranked(Counter({k: v["total"] for k, v in data.items()}), limit)]
    table([name, *LANG_COLS, "total"],
          [[k, *(data[k][c] for c in LANG_COLS), data[k]["total"]] for k in order])


def corpus_section(rows: list[dict]) -> None:
    heading(2, f"Corpus: {CORPUS.relative_to(SHARED.parent)}")
    n_fr = sum(r["lang"] == "fr" for r in rows)
    n_tr = sum(r["source"] == TRANSLATED for r in rows)
    texts = Counter(r["text"] for r in rows)
    table(["", "n"], [["documents", len(rows)], ["en", len(rows) - n_fr], ["fr", n_fr],
                      ["fr native", n_fr - n_tr], [f"fr `{TRANSLATED}`", n_tr],
                      ["distinct ids", len({r["id"] for r in rows})],
                      ["texts occurring more than once", sum(n > 1 for n in texts.values())]])
    dups = sorted(" = ".join(sorted(r["id"] for r in rows if r["text"] == t))
                  for t, n in texts.items() if n > 1)
    if dups:
        print("Identical texts: " + "; ".join(dups) + ".\n")
    print("Columns below: `fr` includes the `translated-fr` rows, which are also counted "
          "alone in `fr of which translated`.\n")

    heading(3, "Documents by source and language")
    data = by_lang(rows, lambda r: [r["source"]])
    lang_table("source", data)

    heading(3, "Documents by source split (from the id)")
    splits = Counter()
    for r in rows:
        rid = r["id"]
        pre = ""
        if rid.startswith(TR_PREFIX):
            rid, pre = rid[len(TR_PREFIX):], TR_PREFIX
        parts = rid.split(":")
        split = parts[1] if len(parts) >= 3 else "-"
        splits[f"{pre}{parts[0]}:{split}"] += 1
    table(["id prefix:split", "n"], sorted([k, v] for k, v in splits.items()))

    heading(3, "Topics by language (multi-label: a document counts once per topic)")
    lang_table("topic", by_lang(rows, lambda r: list(dict.fromkeys(r["topics"]))))
    heading(3, "Primary topic (first) by language")
    lang_table("primary topic", by_lang(rows, lambda r: r["topics"][:1]))
    heading(3, "Number of topics per document")
    data = by_lang(rows, lambda r: [str(len(r["topics"]))])
    lang_table("topics per doc", data, order=sorted(data, key=int))

    heading(3, "stance5 by language")
    data = by_lang(rows, lambda r: [r["stance5"]])
    lang_table("stance5", data, order=[s for s in STANCE5 if s in data]
               + sorted(set(data) - set(STANCE5)))
    heading(3, "stance (three-way) by language")
    data = by_lang(rows, lambda r: [r["stance"]])
    lang_table("stance", data, order=sorted(data))
    folds = Counter((r["stance5"], r["stance"]) for r in rows)
    table(["stance5", "stance", "n"], [[a, b, n] for (a, b), n in sorted(folds.items())])

    heading(3, "Countries per document")
    data = by_lang(rows, lambda r: [str(len(r["countries"]))])
    lang_table("countries per doc", data, order=sorted(data, key=int))
    heading(3, "Top 30 countries by language (a document counts once per country)")
    lang_table("country", by_lang(rows, lambda r: list(dict.fromkeys(r["countries"]))), limit=30)
    heading(3, "Regions by language (the `regions` field as stored)")
    lang_table("region", by_lang(rows, lambda r: list(dict.fromkeys(r["regions"]))))

    translated_section(rows)
    regions_gap_section(rows)


def translated_section(rows: list[dict]) -> None:
    heading(3, f"`{TRANSLATED}` rows")
    tr = [r for r in rows if r["source"] == TRANSLATED]
    by_id = {r["id"]: r for r in rows}
    origin = Counter(r["id"][len(TR_PREFIX):].split(":")[0] for r in tr)
    parents = [by_id.get(r["id"][len(TR_PREFIX):]) for r in tr]
    same = sum(1 for r, p in zip(tr, parents) if p and all(
        r[k] == p[k] for k in ("topics", "countries", "regions", "stance5", "stance")))
    table(["", "n"], [["rows", len(tr)], ["lang fr", sum(r["lang"] == "fr" for r in tr)],
                      ["English parent row present in corpus", sum(p is not None for p in parents)],
                      ["labels identical to the parent", same]])
    table(["translated from source", "n"], [[k, v] for k, v in ranked(origin)])
    counts_table(Counter(t for r in tr for t in dict.fromkeys(r["topics"])),
                 "topic (translated rows)")


def regions_gap_section(rows: list[dict]) -> None:
    heading(3, "Check: `regions` against the M49 regions of `countries`")
    m49 = m49_regions()
    print(f"Expected regions = M49 region of each country (`{M49.relative_to(REPO)}`, "
          "columns iso2/region_name; AQ -> Antarctica), in country order, without repeats.\n")
    unknown = Counter()
    missing_docs, extra_docs, order_docs, empty_docs = [], [], [], []
    miss_country = Counter()
    with_country = Counter()
    stored, derived = Counter(), Counter()
    for r in rows:
        expected: list[str] = []
        for c in r["countries"]:
            reg = m49.get(c)
            if reg is None:
                unknown[c] += 1
                continue
            with_country[c] += 1
            if reg not in expected:
                expected.append(reg)
        stored.update(set(r["regions"]))
        derived.update(set(expected))
        missing = [x for x in expected if x not in r["regions"]]
        extra = [x for x in r["regions"] if x not in expected]
        if missing:
            missing_docs.append(r)
            for c in dict.fromkeys(r["countries"]):
                if m49.get(c) and m49[c] not in r["regions"]:
                    miss_country[c] += 1
        if extra:
            extra_docs.append((r, extra))
        if not missing and not extra and expected != r["regions"]:
            order_docs.append(r)
        if r["countries"] and not r["regions"]:
            empty_docs.append(r)
    table(["", "n"], [
        ["documents with >= 1 country", sum(bool(r["countries"]) for r in rows)],
        ["country codes not in m49.csv", sum(unknown.values())],
        ["documents missing >= 1 expected region", len(missing_docs)],
        ["  of which en", sum(r["lang"] == "en" for r in missing_docs)],
        ["  of which fr", sum(r["lang"] == "fr" for r in missing_docs)],
        ["  of which fr translated", sum(r["source"] == TRANSLATED for r in missing_docs)],
        ["documents with countries but empty `regions`", len(empty_docs)],
        ["documents with a region not implied by their countries", len(extra_docs)],
        ["documents with the right regions in another order", len(order_docs)],
        ["documents whose `regions` equals the expected list", len(rows) - len(
            {r["id"] for r in missing_docs} | {r["id"] for r, _ in extra_docs}
            | {r["id"] for r in order_docs})],
    ])
    table(["country", "M49 region", "docs with the country", "docs where its region is missing"],
          [[c, m49[c], with_country[c], n] for c, n in ranked(miss_country)])
    table(["document", "countries", "unexpected regions"],
          [[r["id"], " ".join(r["countries"]), "; ".join(x)] for r, x in
           sorted(extra_docs, key=lambda t: t[0]["id"])])
    counts_table(Counter(r["source"] for r in missing_docs), "source (docs missing a region)")
    heading(4, "Region document counts: stored `regions` vs derived from `countries`")
    names = sorted(set(stored) | set(derived), key=lambda k: (-derived[k], k))
    table(["region", "stored", "derived", "difference"],
          [[k, stored[k], derived[k], derived[k] - stored[k]] for k in names
           if stored[k] != derived[k]])


# --------------------------------------------------------------------------- raw datasets
def entered(rows: list[dict], source: str) -> tuple[int, int]:
    """Corpus rows from ``source`` and their translated-fr copies."""
    own = sum(r["source"] == source for r in rows)
    tr = sum(r["source"] == TRANSLATED and r["id"][len(TR_PREFIX):].startswith(source + ":")
             for r in rows)
    return own, tr


def corpus_keys(rows: list[dict], source: str) -> list[tuple[str, str]]:
    """(split, key) of the native corpus rows of ``source``; split '-' for <source>:<id> ids."""
    out = []
    for r in rows:
        if r["source"] != source:
            continue
        parts = r["id"].split(":")
        out.append((parts[1], parts[2]) if len(parts) >= 3 else ("-", parts[1]))
    return out


def entered_table(rows: list[dict], source: str, raw: dict[tuple[str, str], str]) -> None:
    """Corpus rows of ``source`` by split and raw label; raw maps (split, key) -> label."""
    own, tr = entered(rows, source)
    keys = corpus_keys(rows, source)
    found = Counter((s, raw[(s, k)]) for s, k in keys if (s, k) in raw)
    total = Counter(s for s, _ in raw)
    resolved = sum((s, k) in raw for s, k in keys)
    print(f"In the corpus (source `{source}`): {own:,} rows ({resolved:,} resolve to a raw "
          f"document), plus {tr:,} `{TRANSLATED}` copies.\n")
    raw_labels = Counter((s, lab) for (s, _), lab in raw.items())
    table(["split", "raw label", "raw documents", "in corpus"],
          [[s, lab, n, found[(s, lab)]] for (s, lab), n in sorted(raw_labels.items())])
    table(["split", "raw documents", "in corpus"],
          [[s, total[s], sum(n for (s2, _), n in found.items() if s2 == s)] for s in sorted(total)])


def labelled_splits(name: str, splits: dict[str, list[str]]) -> None:
    """Table label x split from lists of labels per split."""
    labels = sorted({x for v in splits.values() for x in v})
    cols = list(splits)
    table([name, *cols], [[lab, *(Counter(splits[s])[lab] for s in cols)] for lab in labels]
          + [["**rows**", *(len(splits[s]) for s in cols)]])


def masakhanews(rows: list[dict]) -> None:
    for lang, source in (("eng", "masakha-eng"), ("fra", "masakha-fra")):
        heading(3, f"masakhanews/{lang}")
        splits = {}
        raw = {}
        for sp in ("train_fewshot50", "dev", "test"):
            data = read_tsv(DATA / "masakhanews" / lang / f"{sp}.tsv", header=True)
            splits[sp] = [r[0] for r in data]
            raw.update({(sp, str(i)): r[0] for i, r in enumerate(data)})
        labelled_splits("category", splits)
        entered_table(rows, source, raw)


def cameo(rows: list[dict]) -> None:
    heading(3, "cameo_pentaclass")
    names = {"0": "0 statement/appeal", "1": "1 verbal coop.", "2": "2 material coop.",
             "3": "3 verbal conflict", "4": "4 material conflict"}
    splits, raw = {}, {}
    for sp in ("train", "test"):
        data = read_tsv(DATA / "cameo_pentaclass" / f"{sp}.tsv", header=False)
        splits[sp] = [names.get(r[-1].strip(), r[-1].strip()) for r in data]
        raw.update({(sp, str(i)): lab for i, lab in enumerate(splits[sp])})
    labelled_splits("label", splits)
    entered_table(rows, "cameo", raw)
    # corpus stance5 vs the CAMEO coders' label, on the corpus rows taken from CAMEO
    five = {names[k]: v for k, v in zip("01234", STANCE5)}
    fold = {"neutral": "neutral", "verbal-cooperation": "cooperation",
            "material-cooperation": "cooperation", "verbal-conflict": "conflict",
            "material-conflict": "conflict"}
    out, confusion = [], Counter()
    for name, pre in (("cameo", "cameo:"), (TRANSLATED, TR_PREFIX + "cameo:")):
        pairs = [(five[raw[tuple(r["id"][len(pre):].split(":"))]], r) for r in rows
                 if r["id"].startswith(pre) and tuple(r["id"][len(pre):].split(":")) in raw]
        n5 = sum(g == r["stance5"] for g, r in pairs)
        n3 = sum(fold[g] == r["stance"] for g, r in pairs)
        out.append([name, len(pairs), n5, f"{100 * n5 / max(len(pairs), 1):.1f}%",
                    n3, f"{100 * n3 / max(len(pairs), 1):.1f}%"])
        if name == "cameo":
            confusion.update((g, r["stance5"]) for g, r in pairs)
    heading(4, "Corpus stance vs CAMEO coders (corpus rows taken from cameo train)")
    table(["rows", "n", "same stance5", "%", "same stance", "%"], out)
    order = list(five.values())
    table(["CAMEO label (rows) / corpus stance5 (columns)", *order],
          [[g, *(confusion[(g, c)] for c in order)] for g in order])


def satp(rows: list[dict]) -> None:
    heading(3, "satp_terrorism")
    cols = ("c1 ArmedAssault", "c2 Bombing", "c3 Kidnapping", "c4 Other")
    out, raw = [], {}
    for sp in ("train", "dev", "test"):
        data = read_tsv(DATA / "satp_terrorism" / f"{sp}.tsv", header=False)
        pos = [sum(int(r[1 + j]) for r in data) for j in range(4)]
        out.append([sp, len(data), *pos])
        for i, r in enumerate(data):
            hit = [c.split()[1] for j, c in enumerate(cols) if r[1 + j] == "1"]
            raw[(sp, str(i))] = "+".join(hit) or "none"
    table(["split", "rows", *(f"{c} (positives)" for c in cols)], out)
    entered_table(rows, "satp", raw)


def muc4(rows: list[dict]) -> None:
    heading(3, "muc4_terrorism")
    out, raw = [], {}
    for sp in ("train", "dev", "test"):
        data = json.loads((DATA / "muc4_terrorism" / f"{sp}.json").read_text(encoding="utf-8"))
        for k, v in data.items():
            roles = v["roles"] if isinstance(v["roles"], str) else repr(v["roles"])
            raw[(sp, k)] = "relevant" if re.search(r"\[\[", roles) else "not relevant"
        rel = sum(raw[(sp, k)] == "relevant" for k in data)
        out.append([sp, len(data), rel, len(data) - rel])
    table(["split", "docs", "relevant (any role filled)", "not relevant"], out)
    entered_table(rows, "muc4", raw)


def case2021(rows: list[dict]) -> None:
    heading(3, "case2021_task2")
    data = read_tsv(DATA / "case2021_task2" / "test_set_final_release_with_labels.tsv", header=True)
    print(f"Snippets: {len(data):,}; classes: {len({r[2] for r in data})}.\n")
    raw = {("test", r[0]): r[2] for r in data}
    counts = Counter(r[2] for r in data)
    ins = Counter(raw[k] for k in corpus_keys(rows, "case2021") if k in raw)
    table(["SubType", "snippets", "in corpus"], [[k, v, ins[k]] for k, v in ranked(counts)])
    own, tr = entered(rows, "case2021")
    resolved = sum(k in raw for k in corpus_keys(rows, "case2021"))
    print(f"In the corpus (source `case2021`): {own:,} rows ({resolved:,} resolve to a raw "
          f"document), plus {tr:,} `{TRANSLATED}` copies.\n")


def reuters() -> None:
    heading(3, "reuters21578")
    docs = []
    for path in sorted((DATA / "reuters21578").glob("reut2-*.sgm")):
        text = path.read_text(encoding="latin-1")
        docs.extend(re.findall(r"<REUTERS(.*?)>(.*?)</REUTERS>", text, flags=re.S))
    def field(body: str, tag: str) -> list[str]:
        m = re.search(rf"<{tag}>(.*?)</{tag}>", body, flags=re.S)
        return re.findall(r"<D>(.*?)</D>", m.group(1)) if m else []
    split = Counter(re.search(r'LEWISSPLIT="(.*?)"', a).group(1) for a, _ in docs)
    modapte = Counter(re.search(r'LEWISSPLIT="(.*?)"', a).group(1) for a, _ in docs
                      if 'TOPICS="YES"' in a)
    topics = Counter(t for _, b in docs for t in set(field(b, "TOPICS")))
    places = Counter(p for _, b in docs for p in set(field(b, "PLACES")))
    table(["", "n"], [
        ["documents", len(docs)],
        ["with <BODY>", sum("<BODY>" in b for _, b in docs)],
        *[[f"LEWISSPLIT {k}", v] for k, v in sorted(split.items())],
        ["ModApte train (LEWISSPLIT TRAIN, TOPICS=YES)", modapte["TRAIN"]],
        ["ModApte test (LEWISSPLIT TEST, TOPICS=YES)", modapte["TEST"]],
        ["documents with >= 1 TOPICS label", sum(bool(field(b, "TOPICS")) for _, b in docs)],
        ["distinct TOPICS labels used", len(topics)],
        ["documents with >= 1 PLACES label", sum(bool(field(b, "PLACES")) for _, b in docs)],
        ["distinct PLACES labels used", len(places)],
    ])
    counts_table(topics, "TOPICS (top 15)", 15)
    counts_table(places, "PLACES (top 15)", 15)
    print("Not in the corpus.\n")


def agnews(rows: list[dict]) -> None:
    heading(3, "agnews_test")
    names = {"1": "1 World", "2": "2 Sports", "3": "3 Business", "4": "4 Sci/Tech"}
    with (DATA / "agnews_test" / "test.csv").open(encoding="utf-8", newline="") as f:
        data = list(csv.reader(f))[1:]
    labels = [names.get(r[0], r[0]) for r in data]
    labelled_splits("label", {"test": labels})
    entered_table(rows, "agnews", {("test", str(i)): lab for i, lab in enumerate(labels)})


def sib200(rows: list[dict]) -> None:
    for lang in ("fra_Latn", "eng_Latn"):
        heading(3, f"sib200/{lang}")
        splits, raw = {}, {}
        for sp in ("train", "dev", "test"):
            data = read_tsv(DATA / "sib200" / lang / f"{sp}.tsv", header=True)
            splits[sp] = [r[1] for r in data]
            raw.update({(sp, r[0]): r[1] for r in data})
        labelled_splits("category", splits)
        if lang == "fra_Latn":
            entered_table(rows, "sib-fra", raw)
        else:
            print("English side: not in the corpus (parallel to fra_Latn: same ids and labels).\n")


def ungdc() -> None:
    heading(3, "ungdc")
    files = sorted((DATA / "ungdc" / "txt").glob("*/*.txt"))
    sessions = Counter(p.parent.name for p in files)
    codes = Counter(p.name.split("_")[0] for p in files)
    with M49.open(encoding="utf-8") as f:
        iso3 = {r["iso3"]: r["region_name"] for r in
                csv.DictReader(line for line in f if not line.startswith("#"))}
    table(["session_year", "speeches"], sorted([k, v] for k, v in sessions.items()))
    table(["", "n"], [["speeches", len(files)], ["distinct speaker codes", len(codes)],
                      ["codes not in m49.csv (iso3)", len([c for c in codes if c not in iso3])]])
    absent = sorted(c for c in codes if c not in iso3)
    print("Codes not in m49.csv: " + (", ".join(absent) or "none") + ".\n")
    counts_table(Counter(iso3.get(p.name.split("_")[0], "(not in M49)") for p in files),
                 "speaker's M49 region (speeches)")
    print("Not in the corpus.\n")


def semeval(rows: list[dict]) -> None:
    heading(3, "semeval23t3_fr")
    data = read_jsonl(DATA / "semeval23t3_fr" / "semeval23t3_fr.jsonl")
    split = lambda i: i.split("_")[2]  # noqa: E731  semeval23t3_fr_<split>_<article>
    genre, frames = Counter(), Counter()
    for d in data:
        lab = d.get("orig_label") or ""
        for part in lab.split(";"):
            k, _, v = part.strip().partition("=")
            if k == "genre":
                genre[v] += 1
            elif k == "frames":
                frames.update(x for x in v.split(",") if x)
    table(["split", "articles", "with a label"],
          [[s, n, sum(1 for d in data if split(d["id"]) == s and d.get("orig_label"))]
           for s, n in sorted(Counter(split(d["id"]) for d in data).items())])
    counts_table(genre, "genre (train)")
    counts_table(frames, "frame (train, multi-label)")
    entered_table(rows, "semeval23t3_fr", {("-", d["id"]): split(d["id"]) for d in data})


def rpm2(rows: list[dict]) -> None:
    heading(3, "rpm2_fr")
    data = read_jsonl(DATA / "rpm2_fr" / "rpm2_fr.jsonl")
    print(f"Documents: {len(data):,}; event clusters: {len({d['orig_label'] for d in data})}.\n")
    entered_table(rows, "rpm2_fr", {("-", d["id"]): d["orig_label"] for d in data})


def wmt(rows: list[dict]) -> None:
    heading(3, "wmt_newstest_fr")
    data = read_jsonl(DATA / "wmt_newstest_fr" / "wmt_newstest_fr.jsonl")
    orig = lambda i: re.search(r"_orig-([a-z]+)_", i).group(1)  # noqa: E731
    print(f"Documents: {len(data):,}.\n")
    counts_table(Counter(d["id"].split("_orig-")[0] for d in data), "test set")
    entered_table(rows, "wmt_newstest_fr", {("-", d["id"]): f"orig-{orig(d['id'])}" for d in data})


def giletsjaunes(rows: list[dict]) -> None:
    heading(3, "giletsjaunes_fr")
    data = read_jsonl(DATA / "giletsjaunes_fr" / "giletsjaunes_fr.jsonl")
    part = lambda lab: "|".join(lab.split("|")[:2])  # noqa: E731  <gj|contrast>|<country>
    print(f"Documents: {len(data):,}.\n")
    counts_table(Counter(d["orig_label"] for d in data if d["orig_label"].startswith("contrast")),
                 "contrast orig_label (with URL section)")
    entered_table(rows, "giletsjaunes_fr", {("-", d["id"]): part(d["orig_label"]) for d in data})


def newsmap() -> None:
    heading(3, "newsmap_dict")
    out = []
    for path in sorted((DATA / "newsmap_dict").glob("*.yml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        codes = [m.group(1) for line in lines if (m := re.match(r"\s+'?([A-Z]{2})'?\s*:", line))]
        continents = [line.rstrip(":") for line in lines if re.match(r"^[A-Z][A-Z-]*:\s*$", line)]
        out.append([path.stem, len(codes), len(continents)])
    table(["dictionary", "country entries", "continents"], out)
    cont, region = None, None
    per = Counter()
    for line in (DATA / "newsmap_dict" / "french.yml").read_text(encoding="utf-8").splitlines():
        if re.match(r"^[A-Z][A-Z-]*:\s*$", line):
            cont = line.strip().rstrip(":")
        elif re.match(r"^  [A-Z][A-Z-]*:\s*$", line):
            region = line.strip().rstrip(":")
        elif re.match(r"\s+'?[A-Z]{2}'?\s*:", line):
            per[f"{cont}/{region}"] += 1
    table(["french.yml continent/sub-region", "entries"], sorted([k, v] for k, v in per.items()))
    print("Not text: not in the corpus.\n")


def benchmark_overlap(rows: list[dict]) -> None:
    heading(2, "Benchmark test splits vs corpus (exact text, whitespace-normalised)")
    norm = lambda s: " ".join(s.split()).casefold()  # noqa: E731
    index: dict[str, list[str]] = defaultdict(list)
    for r in rows:  # whole text, and text without the headline line
        for t in dict.fromkeys((norm(r["text"]), norm(r["text"].split("\n", 1)[-1]))):
            index[t].append(r["id"])
    out, hits = [], []
    for name, path, col, header in (
            ("masakhanews/fra test", DATA / "masakhanews/fra/test.tsv", 2, True),
            ("masakhanews/eng test", DATA / "masakhanews/eng/test.tsv", 2, True),
            ("cameo_pentaclass test", DATA / "cameo_pentaclass/test.tsv", 0, False),
            ("sib200/fra_Latn test", DATA / "sib200/fra_Latn/test.tsv", 2, True)):
        data = read_tsv(path, header)
        texts = [norm(r[col]) for r in data]
        found = [(i, index[t]) for i, t in enumerate(texts) if t in index]
        out.append([name, len(texts), len(found)])
        hits += [[f"{name} row {i}", ", ".join(ids)] for i, ids in found]
    table(["test split", "rows", "same text in corpus"], out)
    if hits:
        table(["test row (0-based, header excluded)", "corpus rows with the same text"], hits)
    test_id = re.compile(r"(tr-fr:)?(masakha-\w+|cameo|sib-\w+):test:")
    n_test = sum(1 for r in rows if test_id.match(r["id"]))
    print(f"Corpus ids from these test splits: {n_test:,}.\n")


def main() -> int:
    if not CORPUS.exists():
        print(f"not found: {CORPUS}", file=sys.stderr)
        return 1
    rows = read_jsonl(CORPUS)
    print("<!-- generated by datasets/stats.py from ../shared; do not edit by hand -->\n")
    heading(1, "Dataset counts")
    corpus_section(rows)
    heading(2, "Raw datasets in ../shared/data")
    masakhanews(rows)
    cameo(rows)
    satp(rows)
    muc4(rows)
    case2021(rows)
    reuters()
    agnews(rows)
    sib200(rows)
    ungdc()
    semeval(rows)
    rpm2(rows)
    wmt(rows)
    giletsjaunes(rows)
    newsmap()
    benchmark_overlap(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
