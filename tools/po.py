#!/usr/bin/env python3
"""Keep the addons' translations complete: sync, list what is missing, apply, check.

    tools/po.py sync [addon ...]
        create or update i18n/<lang>.po of every language from the addon's .pot
    tools/po.py todo <addon> <lang> [-o file.json]
        the untranslated (or fuzzy) entries as JSON; "was" is the translation
        of the most similar string that was removed (a changed string)
    tools/po.py apply <addon> <lang> file.json
        merge {"msgid": "msgstr"} (or a list of {"msgid", "msgstr", "msgctxt"})
    tools/po.py check [--lang xx] [addon ...]
        fail on a missing msgid, an empty or fuzzy msgstr, or placeholders/tags
        that differ between msgid and msgstr

`make po-check` runs `check` (CI does too): every string of every addon must be
translated in every language of LANGS before it lands.  Only polib is needed.
"""

import argparse
import difflib
import json
import re
import sys
from collections import Counter
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addons"
LANGS = {
    "pl": "Polish",
    "es": "Spanish",
    "bg": "Bulgarian",
    "it": "Italian",
    "sv": "Swedish",
    "fi": "Finnish",
    "de": "German",
}

# printf-style (%s, %d, %(name)s, %%), str.format / inline templates ({{ x }}, {name})
PRINTF_RE = re.compile(
    r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]?\d*(?:\.\d+)?[sdifrx%]"
)
BRACES_RE = re.compile(r"\{\{.*?\}\}|\{[A-Za-z_][A-Za-z0-9_.]*\}")
TAG_RE = re.compile(r"<[^<>]+>")
# attribute values a translator may (and should) translate inside a tag
TRANSLATABLE_ATTR_RE = re.compile(
    r'\s(title|alt|placeholder|aria-label|data-tooltip|value|label|string)="[^"]*"'
)


def addon_names(selected=None):
    names = sorted(p.parent.parent.name for p in ADDONS.glob("*/i18n/*.pot"))
    if selected:
        unknown = set(selected) - set(names)
        if unknown:
            sys.exit(f"unknown addon(s): {', '.join(sorted(unknown))}")
        names = [n for n in names if n in selected]
    return names


def pot_path(addon):
    return ADDONS / addon / "i18n" / f"{addon}.pot"


def po_path(addon, lang):
    return ADDONS / addon / "i18n" / f"{lang}.po"


def key(entry):
    return (entry.msgctxt or "", entry.msgid)


def placeholders(text):
    return Counter(PRINTF_RE.findall(text)) + Counter(BRACES_RE.findall(text))


def tags(text):
    return Counter(TRANSLATABLE_ATTR_RE.sub("", t) for t in TAG_RE.findall(text))


def entry_problems(msgid, msgstr):
    """What differs between a msgid and its msgstr that must not (empty list: fine)."""
    problems = []
    if placeholders(msgid) != placeholders(msgstr):
        problems.append(
            f"placeholders {sorted(placeholders(msgid).elements())} "
            f"!= {sorted(placeholders(msgstr).elements())}"
        )
    if tags(msgid) != tags(msgstr):
        missing = tags(msgid) - tags(msgstr)
        extra = tags(msgstr) - tags(msgid)
        problems.append(
            f"tags missing {sorted(missing.elements())} "
            f"extra {sorted(extra.elements())}"
        )
    if msgid.strip() and not msgstr.strip():
        problems.append("empty")
    return problems


def sync(addon, lang):
    """Update <lang>.po from the .pot: keep translations, add new msgids.

    The translations of msgids the .pot no longer has are kept as obsolete
    entries (``#~``) while something is left to translate: ``todo`` offers
    the closest one as a hint for a changed string, and ``apply`` drops them
    once the file is complete."""
    pot = polib.pofile(str(pot_path(addon)), wrapwidth=78)
    path = po_path(addon, lang)
    old, obsolete = {}, []
    if path.exists():
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                obsolete.append(entry)
            else:
                old[key(entry)] = entry
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(pot.metadata)
    po.metadata.update(
        {
            "Language": lang,
            "Language-Team": LANGS[lang],
            "PO-Revision-Date": "",
            "Last-Translator": "",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "",
        }
    )
    po.header = f"Translation of Odoo Server.\n* {addon}: {LANGS[lang]} ({lang})"
    for entry in pot:
        new = polib.POEntry(
            msgid=entry.msgid,
            msgctxt=entry.msgctxt,
            occurrences=entry.occurrences,
            comment=entry.comment,
            tcomment=entry.tcomment,
            flags=[f for f in entry.flags if f != "fuzzy"],
        )
        previous = old.get(key(entry))
        if previous and previous.msgstr:
            new.msgstr = previous.msgstr
            if "fuzzy" in previous.flags:
                new.flags.append("fuzzy")
        po.append(new)
    missing = sum(1 for e in po if not e.msgstr)
    if missing:
        pot_keys = {key(e) for e in pot}
        gone = [e for k, e in old.items() if k not in pot_keys and e.msgstr]
        for entry in gone + obsolete:
            entry.obsolete = True
            entry.occurrences = []
            po.append(entry)
    po.save(str(path))
    return missing


def closest_translation(msgid, obsolete):
    """The obsolete entry whose msgid is the most similar to ``msgid`` (a
    changed string keeps most of its translation), or None."""
    best, best_ratio = None, 0.6
    for entry in obsolete:
        matcher = difflib.SequenceMatcher(None, msgid, entry.msgid, autojunk=False)
        if matcher.real_quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = entry, ratio
    return best


def cmd_sync(args):
    for addon in addon_names(args.addons):
        for lang in args.lang or LANGS:
            missing = sync(addon, lang)
            print(f"{addon}/{lang}.po: {missing} to translate")


def cmd_todo(args):
    po = polib.pofile(str(po_path(args.addon, args.lang)))
    obsolete = [e for e in po if e.obsolete and e.msgstr]
    todo = []
    for e in po:
        if e.obsolete or (e.msgstr and "fuzzy" not in e.flags):
            continue
        item = {
            "msgid": e.msgid,
            **({"msgctxt": e.msgctxt} if e.msgctxt else {}),
            "where": ", ".join(f"{f}" for f, _line in e.occurrences[:3]),
        }
        hint = closest_translation(e.msgid, obsolete)
        if hint:
            item["was"] = {"msgid": hint.msgid, "msgstr": hint.msgstr}
        todo.append(item)
    text = json.dumps(todo, ensure_ascii=False, indent=1)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{len(todo)} entries to translate written to {args.output}")
    else:
        print(text)


def cmd_apply(args):
    path = po_path(args.addon, args.lang)
    po = polib.pofile(str(path), wrapwidth=78)
    data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = [{"msgid": k, "msgstr": v} for k, v in data.items()]
    index = {key(e): e for e in po if not e.obsolete}
    applied, errors = 0, 0
    for item in data:
        entry = index.get((item.get("msgctxt") or "", item["msgid"]))
        if entry is None:
            print(f"not in {path.name}: {item['msgid'][:70]!r}")
            errors += 1
            continue
        problems = entry_problems(entry.msgid, item["msgstr"])
        if problems:
            print(f"refused {item['msgid'][:70]!r}: {'; '.join(problems)}")
            errors += 1
            continue
        entry.msgstr = item["msgstr"]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        applied += 1
    left = sum(1 for e in po if not e.obsolete and not e.msgstr)
    if not left:  # complete: the hints for changed strings are no longer needed
        for entry in [e for e in po if e.obsolete]:
            po.remove(entry)
    po.save(str(path))
    print(f"{path.relative_to(ROOT)}: {applied} applied, {errors} refused, {left} left")
    return 1 if errors else 0


def check(addon, lang):
    problems = []
    path = po_path(addon, lang)
    rel = path.relative_to(ROOT)
    if not path.exists():
        return [f"{rel}: missing (tools/po.py sync {addon})"]
    pot_keys = {key(e) for e in polib.pofile(str(pot_path(addon)))}
    po = polib.pofile(str(path))
    po_keys = {key(e) for e in po if not e.obsolete}
    for _ctx, msgid in sorted(pot_keys - po_keys):
        problems.append(f"{rel}: msgid of the .pot missing: {msgid[:70]!r}")
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{rel}: fuzzy: {entry.msgid[:70]!r}")
        for problem in entry_problems(entry.msgid, entry.msgstr):
            problems.append(f"{rel}: {problem}: {entry.msgid[:70]!r}")
    return problems


def cmd_check(args):
    problems = []
    checked = 0
    for addon in addon_names(args.addons):
        for lang in args.lang or LANGS:
            problems += check(addon, lang)
            checked += 1
    for problem in problems[:200]:
        print(problem)
    if len(problems) > 200:
        print(f"... and {len(problems) - 200} more")
    print(f"po-check: {checked} files, {len(problems)} problem(s)")
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sync")
    p.add_argument("addons", nargs="*")
    p.add_argument("--lang", action="append", choices=sorted(LANGS))
    p.set_defaults(func=cmd_sync)
    p = sub.add_parser("todo")
    p.add_argument("addon")
    p.add_argument("lang", choices=sorted(LANGS))
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_todo)
    p = sub.add_parser("apply")
    p.add_argument("addon")
    p.add_argument("lang", choices=sorted(LANGS))
    p.add_argument("file")
    p.set_defaults(func=cmd_apply)
    p = sub.add_parser("check")
    p.add_argument("addons", nargs="*")
    p.add_argument("--lang", action="append", choices=sorted(LANGS))
    p.set_defaults(func=cmd_check)
    args = parser.parse_args()
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
