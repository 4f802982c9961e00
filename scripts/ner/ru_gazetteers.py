#!/usr/bin/env python3
"""Russian name lists for the entity model, from the OpenCorpora dictionary.

    python ru_gazetteers.py OUT_DIR

Every word form pymorphy2 knows (pymorphy2-dicts-ru: the OpenCorpora
dictionary, CC BY-SA 3.0) whose analysis carries one of the grammemes Name
(first name), Surn (surname), Patr (patronymic), Geox (place), Orgn
(organisation) goes to gazetteer.<GRAMMEME>.txt, one form a line, sorted,
capitalised, ё also written е (news text mostly drops the dots). All case
forms are listed: the model matches the form as written. gazetteers.txt
names the lists in the order the model's list bits follow. Output only
depends on the pinned dictionary (scripts/ner/ru_resources.sh).
"""
import inspect
import os
import sys

# pymorphy2 0.9.1 still calls inspect.getargspec, gone in Python 3.11.
if not hasattr(inspect, "getargspec"):
    inspect.getargspec = lambda f: inspect.getfullargspec(f)[:4]

import pymorphy2  # noqa: E402

LISTS = ["Name", "Surn", "Patr", "Geox", "Orgn"]


def capitalised(word):
    return word[:1].upper() + word[1:]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    morph = pymorphy2.MorphAnalyzer()
    lists = {g: set() for g in LISTS}
    for word, tag, _normal, _para, _idx in morph.dictionary.iter_known_words():
        for g in LISTS:
            if g in tag.grammemes:
                lists[g].add(capitalised(word.replace("ё", "е")))
                if "ё" in word:
                    lists[g].add(capitalised(word))
    with open(os.path.join(out, "gazetteers.txt"), "w") as f:
        f.write(" ".join(LISTS) + "\n")
    for g, words in lists.items():
        with open(os.path.join(out, f"gazetteer.{g}.txt"), "w") as f:
            f.write("\n".join(sorted(words)) + "\n")
        print(f"ru_gazetteers: {g} {len(words)} forms", file=sys.stderr)


if __name__ == "__main__":
    main()
