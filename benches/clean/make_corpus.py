#!/usr/bin/env python3
"""Builds the clean-stage evaluation corpus: real article text wrapped in
site lines, with tables, lists, datelines and bylines planted in it.

    python make_corpus.py SOURCE SRC_PATH OUT_DIR [--seed N] [--variants K] [--pool POOL]

SOURCE is `bbc` (SRC_PATH: the news/ folder fetched by
benches/dedup/fetch_news.sh; BBC News articles, MIT licence, (c) 2017
Nikita Savchenko) or `aeb` (SRC_PATH: ground-truth.json of the Article
Extraction Benchmark fetched by benches/aeb/fetch_aeb.sh, MIT licence,
(c) Scrapinghub; the hand-made article bodies of 181 pages of many sites),
or `wcxb` (SRC_PATH: the ground-truth/ folder of a WCXB split fetched by
benches/wcxb/fetch.sh, CC-BY-4.0; the main text of its article pages,
many sites, with their tables, lists and embedded posts),
or `conll-ru` / `conll-kk` (SRC_PATH: a folder of CoNLL files, token in
the first column, a blank line between sentences, -DOCSTART- between
documents, as scripts/ner/fetch_lang_data.sh writes them): Russian news
of factRuEval-2016 (ru/test.conll and ru/dev.conll; MIT licence,
github.com/dialogue-evaluation/factRuEval-2016) or Kazakh sentences of
KazNERD (kk/valid.conll and kk/test.conll; CC BY 4.0,
github.com/IS2AI/KazNERD). Sentences are detokenized and grouped into
articles of 4-14 sentences (KazNERD: consecutive sentences, each its own
document there), in paragraphs of 1-4 sentences; the first sentence,
without its full stop, is the headline.

Every document is one real article (its lines are `prose`, the headline is
`title`) placed on one of 20 made-up sites. A site has its own selection of
site lines (menus, share lines, "Related articles" with real headlines of
other articles, "Advertisement", footers, comment and newsletter lines),
put above the body, between its paragraphs and below it. Some documents get
a results / standings / market table or a bulleted list between
paragraphs, some are short wire items (headline, at most one paragraph,
then a table), some carry a byline and a dateline under the headline.

Two disjoint pools of site lines exist per language: English `tune` (used
while developing) and `report` (for the reported figures); Russian and
Kazakh `dev` (used while developing) and `heldout` (different phrases,
dateline and byline forms, never looked at while changing the rules), so
the figures are not measured on lines the rules were written against.

Writes OUT_DIR/corpus.jsonl (id, url, text), OUT_DIR/txt/<site>/<id>.txt
(the same bodies as plain-text files, one directory per site) and
OUT_DIR/labels.jsonl (id; lines as [kind, text]; expected published/author).
Lines are written normalized (NFC, ASCII quotes, single spaces) so that the
scorer can match them to gleaner's output exactly. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from pathlib import Path

QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"'})


def norm(line: str) -> str:
    line = unicodedata.normalize("NFC", line).translate(QUOTES)
    line = "".join(c for c in line if c not in "\u200b\u200c\u200d\u2060\ufeff\u00ad")
    return " ".join(line.split())


# Site lines seen on real news sites. Single lines, each with a slot:
# above the body, inside it (between paragraphs) or below it.
POOLS = {
    "tune": {
        "above": [
            "Skip to main content", "Menu", "Search", "Sign in", "Subscribe",
            "Home | News | Sport | Business | Culture | Opinion",
            "News World Politics Business Tech",
            "Advertisement", "Share on Facebook Share on Twitter",
            "Most Read", "Trending Now", "Listen to this article",
            "Follow us on Twitter", "Breaking News", "Live TV",
        ],
        "inside": [
            "Advertisement", "ADVERTISEMENT", "Story continues below advertisement",
            "Share on Facebook Share on Twitter", "Image copyright Getty Images",
            "Photo: Reuters", "Sponsored Content",
        ],
        "below": [
            "Comments are closed.", "Share this article", "Leave a comment",
            "Tags: politics, economy, world", "Filed under: World News",
            "(c) 2024 The Daily Courier. All rights reserved.",
            "Privacy Policy | Terms of Use | Contact Us", "Back to top",
            "Sign up for our daily newsletter", "Click here to subscribe",
            "Print this page", "Email this article", "0 Comments",
            "We use cookies to give you the best experience on our website.",
        ],
        "section": ["Related articles", "Read more", "You may also like", "More stories"],
    },
    "report": {
        "above": [
            "Skip to content", "Toggle navigation", "Log in", "Register", "Newsletters",
            "Home / World / Europe", "Politics Economy Science Sport Culture",
            "ADVERTISEMENT", "Share on WhatsApp Share on Email", "Popular",
            "Latest Stories", "Watch Live", "Follow us on Instagram",
            "Subscribe now", "Top Stories",
        ],
        "inside": [
            "Advertisement", "Article continues below", "Share", "Tweet",
            "Photograph: AP", "Image: Shutterstock", "Promoted",
        ],
        "below": [
            "Comments are closed.", "Share this:", "Like this:", "Loading...",
            "Posted in News", "Categories: Politics, World",
            "Copyright 2023 Northern Media Group. All rights reserved.",
            "About Us | Careers | Advertise | Privacy", "Scroll to top",
            "Get the latest news delivered to your inbox", "Subscribe to our newsletter",
            "Report an error", "Join the conversation", "12 Comments",
            "This site uses cookies. By continuing to browse you agree to our use of cookies.",
        ],
        "section": ["Related Stories", "Read also", "Recommended for you", "Related"],
    },
}

# Russian and Kazakh site lines, as Kazakhstani and Russian news sites print
# them. `dev` was used while changing the rules; `heldout` has other
# phrases (and other dateline and byline forms, in LANG_META) and is only
# ever scored. `read_more` prefixes a headline of another article.
POOLS["ru-dev"] = {
    "above": [
        "Главная | Новости | Политика | Экономика", "Поделиться", "Реклама", "Войти", "Поиск",
        "Меню", "Версия для слабовидящих", "RU | KZ | EN", "Новости Казахстана",
        "Подписывайтесь на наш канал в Telegram", "Главное", "Все новости",
    ],
    "inside": [
        "Реклама", "Фото: Reuters", "Фото: пресс-служба акимата", "Поделиться",
        "Подписывайтесь на наш канал в Telegram", "Видео: YouTube",
    ],
    "below": [
        "Комментарии", "Все права защищены", "Источник: Tengrinews.kz",
        "Теги: политика, экономика, Казахстан", "Поделиться в соцсетях",
        "Нашли ошибку? Выделите текст и нажмите Ctrl+Enter",
        "© 2024 Новости Казахстана. Все права защищены.", "Комментарии (0)",
        "Оставить комментарий", "Наверх", "Похожие новости", "Читайте нас в Telegram",
    ],
    "section": ["Читайте также", "Похожие новости", "Читайте также:"],
    "read_more": ["Читайте также: "],
}
POOLS["ru-heldout"] = {
    "above": [
        "Главная / Общество / Происшествия", "Вход | Регистрация", "Лента новостей",
        "Самое читаемое", "Прямой эфир", "Подписаться", "Популярное", "Свежие новости",
        "ВКонтакте Одноклассники Telegram", "Мы в соцсетях", "Нам 25 лет",
    ],
    "inside": [
        "Продолжение ниже", "Фото из открытых источников", "Иллюстративное фото: pixabay.com",
        "Следите за новостями в нашем Telegram-канале", "Реклама 18+", "Скриншот видео",
    ],
    "below": [
        "Добавить комментарий", "Использование материалов разрешено только со ссылкой на источник",
        "Копирование материалов запрещено", "Метки: общество, происшествия", "Рубрика: Общество",
        "Ошибка в тексте? Сообщите нам", "Подпишитесь на нашу рассылку", "Распечатать",
        "Вернуться к списку новостей", "Просмотров: 1 245",
        "Мы используем файлы cookie, чтобы сайт работал лучше.", "Правила комментирования",
    ],
    "section": ["Новости по теме", "Другие новости", "Рекомендуем", "Материалы по теме"],
    "read_more": ["Смотрите также: ", "По теме: "],
}
POOLS["kk-dev"] = {
    "above": [
        "Басты бет | Жаңалықтар | Саясат | Экономика", "Бөлісу", "Жарнама", "Іздеу", "Мәзір",
        "KZ | RU | EN", "Telegram арнамызға жазылыңыз", "Барлық жаңалықтар", "Кіру",
    ],
    "inside": [
        "Жарнама", "Фото: Reuters", "Сурет: Ақорда баспасөз қызметі", "Бөлісу",
        "Telegram арнамызға жазылыңыз",
    ],
    "below": [
        "Пікірлер", "Барлық құқықтар қорғалған", "Дереккөз: Kazinform",
        "Тегтер: саясат, экономика", "Пікір қалдыру", "Пікірлер (0)",
        "© 2024 Qazaq News. Барлық құқықтар қорғалған.", "Әлеуметтік желілерде бөлісу",
        "Қатені байқасаңыз, белгілеп Ctrl+Enter басыңыз", "Жоғары",
    ],
    "section": ["Тағы оқыңыз", "Ұқсас жаңалықтар", "Толығырақ"],
    "read_more": ["Толығырақ: ", "Тағы оқыңыз: "],
}
POOLS["kk-heldout"] = {
    "above": [
        "Басты бет / Қоғам / Оқиға", "Кіру | Тіркелу", "Жаңалықтар таспасы", "Көп оқылған",
        "Тікелей эфир", "Жазылу", "Біз әлеуметтік желілерде", "Соңғы жаңалықтар",
    ],
    "inside": [
        "Фото ашық дереккөздерден алынды", "Сурет: pixabay.com",
        "Жаңалықтарды Instagram парақшамыздан оқыңыз", "Жалғасы төменде", "Видео: YouTube",
    ],
    "below": [
        "Пікір жазу", "Материалдарды пайдаланғанда сілтеме міндетті", "Санат: Қоғам",
        "Басып шығару", "Қаралды: 1 245", "Сайт cookie файлдарын пайдаланады.",
        "Жаңалықтар тізіміне оралу", "Көшіріп басуға тыйым салынады",
        "Таңдаулы жаңалықтарды поштаңызға алыңыз",
    ],
    "section": ["Тақырыпқа қатысты", "Басқа жаңалықтар", "Ұсынамыз", "Оқи отырыңыз"],
    "read_more": ["Сондай-ақ оқыңыз: ", "Тақырып бойынша: "],
}

RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря"]
KK_MONTHS = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
             "қыркүйек", "қазан", "қараша", "желтоқсан"]
NAMES = {
    "ru": (["Иван", "Анна", "Сергей", "Мария", "Алексей", "Ольга", "Дмитрий", "Елена", "Асель", "Тимур"],
           ["Петров", "Смирнова", "Иванов", "Ким", "Сулейменов", "Кузнецова", "Ахметова", "Волков", "Жумабаев"]),
    "kk": (["Ерлан", "Айгерім", "Нұрлан", "Әсел", "Дәурен", "Гүлнар", "Қанат", "Жанар", "Бауыржан", "Динара"],
           ["Сәтбаев", "Нұрланқызы", "Ермекұлы", "Жұмабекова", "Абенов", "Қасымова", "Төлеуов", "Серікқызы", "Оспанов"]),
}
# Dateline and byline forms per pool: "{d} {month} {y}"-style templates
# ({dd}/{mm} zero-padded, {hm} a time); bylines with {name} (and {name2}).
LANG_META = {
    "ru-dev": {
        "dates": ["{d} {month} {y}", "{dd}.{mm}.{y}, {hm}", "{d} {month} {y}, {hm}"],
        "bylines": ["Автор: {name}", "{name}, корреспондент", "Авторы: {name} и {name2}"],
    },
    "ru-heldout": {
        "dates": ["{d} {month} {y} года", "{hm}, {d} {month} {y}", "Опубликовано: {d} {month} {y} г.",
                  "{dd}.{mm}.{y} | Политика"],
        "bylines": ["Текст: {name}", "{name}, обозреватель", "{name} / специальный корреспондент"],
    },
    "kk-dev": {
        "dates": ["{d} {month} {y} ж.", "{dd}.{mm}.{y}, {hm}", "{y} жылғы {d} {month}"],
        "bylines": ["Автор: {name}", "{name}, тілші", "Дайындаған: {name}"],
    },
    "kk-heldout": {
        "dates": ["{d} {month} {y}, {hm}", "{hm}, {dd}.{mm}.{y}", "{y} жылғы {d} {month}, {hm}",
                  "Жарияланды: {d} {month} {y} ж."],
        "bylines": ["Авторы: {name}", "{name}, меншікті тілші", "Мәтін: {name}"],
    },
}


def lang_dateline(rng: random.Random, pool: str) -> tuple[str, str]:
    y, m, d = rng.randint(1996, 2024), rng.randint(1, 12), rng.randint(1, 28)
    months = RU_MONTHS if pool.startswith("ru") else KK_MONTHS
    form = rng.choice(LANG_META[pool]["dates"])
    line = form.format(d=d, dd=f"{d:02d}", mm=f"{m:02d}", y=y, month=months[m - 1],
                       hm=f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}")
    return line, f"{y:04d}-{m:02d}-{d:02d}"


def lang_byline(rng: random.Random, pool: str) -> tuple[str, str]:
    first, last = NAMES[pool[:2]]
    name, name2 = (f"{rng.choice(first)} {rng.choice(last)}" for _ in range(2))
    form = rng.choice(LANG_META[pool]["bylines"])
    line = form.format(name=name, name2=name2)
    return line, f"{name} и {name2}" if "{name2}" in form else name


CLUBS = ["Arsenal", "Chelsea", "Liverpool", "Everton", "Aston Villa", "Leeds", "Newcastle",
         "Southampton", "Tottenham", "West Ham", "Celtic", "Rangers", "Ajax", "PSV Eindhoven",
         "Feyenoord", "Bayern Munich", "Werder Bremen", "Hamburg", "Juventus", "AC Milan",
         "Inter Milan", "Lazio", "Real Madrid", "Barcelona", "Valencia", "Sevilla", "Porto",
         "Benfica", "Sporting", "Anderlecht"]
MARKETS = ["FTSE 100", "Dow Jones", "Nasdaq", "S&P 500", "Nikkei 225", "DAX", "CAC 40",
           "Hang Seng", "Gold (oz)", "Brent crude", "Euro/dollar", "Sterling", "Copper (t)",
           "10-year gilt", "US Treasury 30-year"]
FIRST = ["Jane", "John", "Maria", "Ahmed", "Olga", "Peter", "Chen", "Ana", "David", "Fatima"]
LAST = ["Smith", "Okafor", "Kowalski", "Nguyen", "Garcia", "Schmidt", "Ivanova", "Brown", "Rossi"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def table(rng: random.Random) -> list[str]:
    kind = rng.choice(["results", "standings", "market"])
    n = rng.randint(3, 8)
    if kind == "results":
        rows = []
        for _ in range(n):
            a, b = rng.sample(CLUBS, 2)
            rows.append(f"{a} {rng.randint(0, 4)} {b} {rng.randint(0, 4)}")
        return rows
    if kind == "standings":
        rows = []
        for club in rng.sample(CLUBS, n):
            p = rng.randint(10, 38)
            w = rng.randint(0, p)
            d = rng.randint(0, p - w)
            gf, ga = rng.randint(5, 80), rng.randint(5, 80)
            rows.append(f"{club} {p} {w} {d} {p - w - d} {gf} {ga} {3 * w + d}")
        return rows
    rows = []
    for m in rng.sample(MARKETS, n):
        v = rng.uniform(1, 40000)
        ch = rng.uniform(-3, 3)
        rows.append(f"{m} {v:,.2f} {ch:+.2f} ({ch / v * 100:+.2f}%)")
    return rows


def list_items(rng: random.Random, sentences: list[str]) -> list[str]:
    marker = rng.choice(["- ", "* ", "\u2022 ", "num"])
    items = []
    for k, s in enumerate(rng.sample(sentences, min(len(sentences), rng.randint(3, 6)))):
        words = re.sub(r"[.,;:!?\"]", "", s).split()[: rng.randint(3, 9)]
        if len(words) < 2:
            continue
        text = " ".join(words)
        items.append(f"{k + 1}. {text}" if marker == "num" else marker + text)
    return items


def dateline(rng: random.Random) -> tuple[str, str]:
    y, m, d = rng.randint(1996, 2024), rng.randint(1, 12), rng.randint(1, 28)
    iso = f"{y:04d}-{m:02d}-{d:02d}"
    form = rng.choice(["dmy_text", "mdy_text", "dotted", "iso_place", "dotted_section"])
    if form == "dmy_text":
        line = f"{d} {MONTHS[m - 1]} {y}"
    elif form == "mdy_text":
        line = f"{MONTHS[m - 1]} {d}, {y}"
    elif form == "dotted":
        line = f"{d:02d}.{m:02d}.{y}"
    elif form == "iso_place":
        line = f"{rng.choice(['LONDON', 'PARIS', 'MOSCOW', 'NEW YORK', 'TOKYO'])} {iso}"
    else:
        line = f"{d:02d}.{m:02d}.{y}, {rng.choice(['World', 'Israel and the World', 'Business'])}"
    return line, iso


def byline(rng: random.Random) -> tuple[str, str]:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    form = rng.choice(["by", "by_role", "pipe"])
    if form == "by":
        return f"By {name}", name
    if form == "by_role":
        return f"By {name}, {rng.choice(['Political Editor', 'Staff Reporter', 'Ambassador of the Republic of Chile'])}", name
    return f"{name} | Reporter", name


def detokenize(tokens: list[str]) -> str:
    """A sentence from CoNLL tokens: no space before closing punctuation,
    none after an opening bracket or guillemet, straight quotes paired."""
    out = ""
    quote_open = False
    glue_next = True
    for tok in tokens:
        if tok == '"':
            quote_open = not quote_open
            if quote_open:
                out += ("" if glue_next else " ") + tok
                glue_next = True
            else:
                out += tok
            continue
        if glue_next or re.fullmatch(r"[.,;:!?)\]»…%]+", tok):
            out += tok
        else:
            out += " " + tok
        glue_next = tok in ("(", "[", "«", "„")
    return out


def conll_sentences(paths: list[Path]) -> list[list[str]]:
    """Documents (lists of sentences) of CoNLL files."""
    docs: list[list[str]] = []
    for path in paths:
        doc: list[str] = []
        sent: list[str] = []
        for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
            tok = raw.split("\t")[0].split(" ")[0] if raw.strip() else ""
            if tok == "-DOCSTART-":
                if doc:
                    docs.append(doc)
                doc = []
                continue
            if tok:
                sent.append(tok)
            elif sent:
                doc.append(norm(detokenize(sent)))
                sent = []
        if doc:
            docs.append(doc)
    return docs


def conll_articles(lang: str, path: Path) -> list[tuple[str, list[str]]]:
    """Articles of 4-14 sentences (headline: the first one) in paragraphs of 1-4."""
    files = {"ru": ["ru/test.conll", "ru/dev.conll"], "kk": ["kk/valid.conll", "kk/test.conll"]}[lang]
    docs = conll_sentences([path / f for f in files])
    if lang == "kk":
        # Every KazNERD sentence is its own document: consecutive ones are
        # grouped (they are news sentences of the same sources).
        docs = [[s for d in docs for s in d]]
    rng = random.Random(7)
    out = []
    for doc in docs:
        k = 0
        while len(doc) - k >= 4:
            n = min(rng.randint(5, 15), len(doc) - k)
            sents = doc[k:k + n]
            k += n
            # A sentence the source split in the middle (a quote, then
            # "- рассказал он.") is joined to the next one.
            merged: list[str] = []
            for sent in sents:
                if merged and not re.search(r"[.!?…][\"»)]*$", merged[-1]):
                    merged[-1] += " " + sent
                else:
                    merged.append(sent)
            sents = merged
            if len(sents) < 3:
                continue
            title = sents[0]
            if len(title.split()) > 14:
                # A long first sentence: its first clause, else its first words.
                clause = title.split(",")[0]
                title = clause if len(clause.split()) <= 14 else " ".join(title.split()[:10])
            title = title.rstrip(" .,;:-–—")
            paras, rest = [], sents[1:]
            while rest:
                j = rng.choice([1, 2, 2, 3, 3, 4])
                paras.append(" ".join(rest[:j]))
                rest = rest[j:]
            out.append((title, paras))
    return out


def articles(source: str, path: Path) -> list[tuple[str, list[str]]]:
    """(headline, body lines) of every article of the source."""
    out = []
    if source.startswith("conll-"):
        return conll_articles(source[len("conll-"):], path)
    if source == "wcxb":
        # The article pages of a WCXB split: their ground-truth main text.
        for f in sorted(path.glob("*.json")):
            gt = json.loads(f.read_text(encoding="utf-8"))
            kind = (gt.get("_internal") or {}).get("page_type", {})
            kind = kind.get("primary") if isinstance(kind, dict) else kind
            truth = gt.get("ground_truth") or {}
            if kind != "article" or not truth.get("main_content"):
                continue
            lines = [norm(l) for l in truth["main_content"].splitlines()]
            lines = [l for l in lines if l]
            title = norm(truth.get("title") or "") or lines[0][:80].rsplit(" ", 1)[0]
            if len(lines) >= 2:
                out.append((title, lines))
        return out
    if source == "bbc":
        for f in sorted(path.glob("*/*.txt")):
            raw = f.read_text(encoding="utf-8", errors="replace").splitlines()
            lines = [norm(l) for l in raw]
            lines = [l for l in lines if l]
            if len(lines) >= 3:
                out.append((lines[0], lines[1:]))
    else:
        truth = json.loads(path.read_text(encoding="utf-8"))
        for key in sorted(truth):
            lines = [norm(l) for l in truth[key]["articleBody"].splitlines()]
            lines = [l for l in lines if l]
            if len(lines) >= 2:
                out.append((lines[0][:80].rsplit(" ", 1)[0], lines))
    return out


def build(rng: random.Random, arts, i: int, site: int, pool: dict, site_lines: dict,
          pool_name: str = "tune"):
    title, body = arts[i]
    sentences = [s for l in body for s in re.split(r"(?<=[.!?])\s+", l) if len(s.split()) > 4]
    doc: list[tuple[str, str]] = []
    expect = {}
    others = lambda k: [arts[j][0] for j in rng.sample(range(len(arts)), k) if j != i]

    def section():
        doc.append(("boiler", rng.choice(pool["section"])))
        doc.extend(("boiler", h) for h in others(rng.randint(2, 5)))

    for line in rng.sample(site_lines["above"], rng.randint(0, len(site_lines["above"]))):
        doc.append(("boiler", line))
    if rng.random() < 0.35:
        section()
    if rng.random() < 0.2:
        doc.append(("boiler", rng.choice(site_lines["above"])))
    doc.append(("title", title))
    english = pool_name not in LANG_META
    if rng.random() < 0.3:
        line, name = byline(rng) if english else lang_byline(rng, pool_name)
        doc.append(("byline", line))
        expect["author"] = name
    if rng.random() < 0.4:
        line, iso = dateline(rng) if english else lang_dateline(rng, pool_name)
        doc.append(("dateline", line))
        expect["published"] = iso
    wire = rng.random() < 0.1
    if wire:
        body = body[: rng.randint(0, 1)]
        for line in body:
            doc.append(("prose", line))
        doc.extend(("table", r) for r in table(rng))
    else:
        planted = False
        for k, line in enumerate(body):
            doc.append(("prose", line))
            if k + 1 < len(body):
                r = rng.random()
                if r < 0.12:
                    doc.append(("boiler", rng.choice(pool["inside"])))
                elif r < 0.16 and not planted:
                    doc.extend(("table", row) for row in table(rng))
                    planted = True
                elif r < 0.19 and not planted:
                    doc.extend(("list", item) for item in list_items(rng, sentences))
                    planted = True
                elif r < 0.21:
                    prefix = rng.choice(pool["read_more"]) if "read_more" in pool else "Read more: "
                    doc.extend(("boiler", prefix + h) for h in others(1)[:1])
    if rng.random() < 0.5:
        section()
    for line in rng.sample(site_lines["below"], rng.randint(0, len(site_lines["below"]))):
        doc.append(("boiler", line))
    # A line the article itself repeats is left to the repeated-line rule
    # (drop_repeated_lines), which removes its later copies by design: those
    # copies are labelled `repeat` and not counted as prose.
    out, seen = [], set()
    for kind, text in doc:
        text = norm(text)
        if not text:
            continue
        if kind == "prose" and text in seen:
            kind = "repeat"
        seen.add(text)
        out.append((kind, text))
    return out, expect


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("source", choices=["bbc", "aeb", "wcxb", "conll-ru", "conll-kk"])
    ap.add_argument("src_path", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--variants", type=int, default=1, help="wrappings per article")
    ap.add_argument("--limit", type=int, default=0, help="articles used (0 = all)")
    ap.add_argument("--pool", choices=list(POOLS), default="tune")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    arts = articles(args.source, args.src_path)
    if args.limit:
        arts = rng.sample(arts, min(args.limit, len(arts)))
    pool = POOLS[args.pool]
    sites = []
    for _ in range(20):
        sites.append({
            "above": rng.sample(pool["above"], 4),
            "below": rng.sample(pool["below"], 5),
        })
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "corpus.jsonl", "w") as corpus, open(args.out / "labels.jsonl", "w") as labels:
        n = 0
        for v in range(args.variants):
            for i in range(len(arts)):
                site = rng.randrange(len(sites))
                lines, expect = build(rng, arts, i, site, pool, sites[site], args.pool)
                doc_id = f"{args.source}-{v}-{i:05d}"
                text = "\n".join(t for _, t in lines)
                corpus.write(json.dumps({"id": doc_id, "url": f"https://site{site}.example/{doc_id}",
                                         "text": text}) + "\n")
                d = args.out / "txt" / f"site{site:02d}"
                d.mkdir(parents=True, exist_ok=True)
                (d / f"{doc_id}.txt").write_text(text + "\n", encoding="utf-8")
                labels.write(json.dumps({"id": doc_id, "lines": lines, "expect": expect}) + "\n")
                n += 1
    print(f"make_corpus: {n} documents from {len(arts)} {args.source} articles, pool {args.pool}, in {args.out}")


if __name__ == "__main__":
    main()
