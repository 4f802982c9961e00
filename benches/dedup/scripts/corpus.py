"""Labelled near-duplicate pairs (see run.sh): `corpus.py OUT.jsonl RATE`,
run where the source files are. Documents: 5 consecutive PUD sentences (200
per language, the same sentences in every language) or a Botchan paragraph.
Each gets one copy with a share RATE of its letters (words for en/ru)
substituted, at least one; every other pair is distinct."""
import json, random, re, sys, unicodedata

SEP = {"zh": "", "ja": "", "th": " ", "en": " ", "ru": " "}

def sentences(lang):
    out = []
    for line in open(f"{lang}.conllu", encoding="utf-8"):
        if line.startswith("# sent_id = "):
            sid = line.split("=", 1)[1].strip()
        elif line.startswith("# text = "):
            out.append((sid, line.split("=", 1)[1].strip()))
    return out

def units(lang, text):
    """Indices of editable units: a letter of zh/ja/th, a word elsewhere."""
    if lang in ("zh", "ja"):
        return [i for i, c in enumerate(text) if unicodedata.category(c).startswith("L")]
    if lang == "th":  # Thai consonants only, so marks stay on a base
        return [i for i, c in enumerate(text) if "\u0e01" <= c <= "\u0e2e"]
    return [m.start() for m in re.finditer(r"\w+", text)]

def edit(lang, text, k, rng):
    """k substitutions at spread positions (a letter for another of the
    document, or a word for another word of the document)."""
    if lang in ("zh", "ja", "th"):
        chars = list(text)
        idx = units(lang, text)
        pool = [chars[i] for i in idx]
        for j in rng.sample(idx, min(k, len(idx))):
            chars[j] = rng.choice([c for c in pool if c != chars[j]] or pool)
        return "".join(chars)
    words = text.split(" ")
    for j in rng.sample(range(len(words)), min(k, len(words))):
        words[j] = rng.choice(words)
    return " ".join(words)

def main(out, rate):
    rng = random.Random(17)
    with open(out, "w", encoding="utf-8") as f:
        for lang in ["zh", "ja", "th", "en", "ru"]:
            if lang == "ja":  # Botchan (Natsume Soseki, 1906, public domain)
                t = open("ja_bocchan.txt", encoding="utf-8").read()
                chunks = [p.strip() for p in t.split("\n") if len(p.strip()) > 60]
            else:
                s = sentences(lang)
                chunks = [SEP[lang].join(t for _, t in s[d:d + 5]) for d in range(0, len(s), 5)]
            for d, text in enumerate(chunks):
                d *= 5
                n = len(units(lang, text))
                k = 1 if rate == 0 else max(1, round(rate * n))
                doc = f"{lang}-{d // 5:03d}"
                f.write(json.dumps({"id": doc, "text": text}, ensure_ascii=False) + "\n")
                f.write(json.dumps({"id": doc + "-copy", "text": edit(lang, text, k, rng)}, ensure_ascii=False) + "\n")

main(sys.argv[1], float(sys.argv[2]))
