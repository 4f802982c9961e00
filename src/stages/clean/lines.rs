//! Line rules: which lines of a page are boilerplate, and why.
//!
//! Two kinds of rule. A [`LineRule`] is a regex over one normalized line with a
//! scope: the line alone, or a section: the heading line and the list under
//! it (a donor list, a "related articles" block), which ends at the next
//! paragraph of prose or table row ([`super::shape`]). A section used to run to
//! the end of the page; a "Related articles" box above an article then took
//! the whole article with it. Structural rules
//! look at neighbours instead: a run of short title-case lines is a menu, and a
//! line repeated inside one document is a repeated headline.
//!
//! The built-in rules cover what scraped news pages carry everywhere; each has
//! a name, so `pipeline.toml` can turn it off or add more.

use regex::Regex;
use serde::{Deserialize, Serialize};

/// How much a matching rule removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Only the matching line.
    #[default]
    Line,
    /// The matching line and the lines after it, up to the next paragraph
    /// of prose (the list under a heading).
    Rest,
}

/// A named regex rule over normalized lines (case-insensitive).
#[derive(Debug, Clone)]
pub struct LineRule {
    pub name: String,
    pub regex: Regex,
    pub scope: Scope,
    /// A built-in rule, which leaves the lines of a pipe table alone
    /// ([`super::shape::pipe_tables`]): its pipe-separated patterns
    /// (`nav_menu`, `language_switcher`) were written for site menus. A
    /// configured rule applies to every line, as written.
    pub builtin: bool,
}

/// The built-in rules: name, pattern, scope. Patterns see one normalized line
/// (quotes made ASCII, whitespace collapsed) and are matched case-insensitively.
pub const BUILTIN: &[(&str, &str, Scope)] = &[
    // "рус | eng", "EN / FR / DE"
    (
        "language_switcher",
        r"^(?:\p{L}{2,3}\s*[|/·]\s*)+\p{L}{2,3}$",
        Scope::Line,
    ),
    (
        "sign_in",
        r"^(?:sign in|log ?in|sign up|register|log ?out|my account|войти|регистрация|выйти|личный кабинет|кіру|тіркелу|шығу|anmelden|registrieren|abmelden)(?:\s*[|/·]?\s*(?:sign in|log ?in|sign up|register|log ?out|my account|войти|регистрация|выйти|личный кабинет|кіру|тіркелу|шығу|anmelden|registrieren|abmelden))*$",
        Scope::Line,
    ),
    // "Help | RSS | Subscribe", "Menu JTA Search"; "Меню", "Іздеу"
    // (search), "Все новости" (all news), "Наверх" (to the top).
    (
        "nav_menu",
        r"^(?:[^|]{1,25}\|\s*){2,}[^|]{1,25}$|^(?:menu|search|home|skip to (?:main )?content|меню|поиск|главная|все новости|наверх|мәзір|іздеу|басты бет|барлық жаңалықтар|жоғары|suche|startseite|alle nachrichten|nach oben)$|^menu\b.{0,40}\bsearch$",
        Scope::Line,
    ),
    (
        "social_follow",
        r"^(?:follow|like|join)\b.{0,60}\bon (?:facebook|twitter|x|instagram|telegram|linkedin|youtube)\b.{0,60}$",
        Scope::Line,
    ),
    // "Подписывайтесь на наш канал в Telegram", "Читайте нас в Telegram",
    // "Telegram арнамызға жазылыңыз" (subscribe to our channel), "Folgen
    // Sie uns auf Instagram": a short line with a verb and a network.
    (
        "social_follow",
        concat!(
            r"^(?:подпис\w*|читайте нас|folgen sie|abonnieren sie)(?:\s+\S+){0,5}\s+(?:telegram|instagram|facebook|twitter|youtube|tiktok|whatsapp|вконтакте|vk)\S*(?:\s+\S+){0,3}$",
            r"|^(?:\S+\s+){0,3}(?:telegram|instagram|facebook|twitter|youtube|tiktok|whatsapp)\S*(?:\s+\S+){0,3}\s+жазыл\w*$"
        ),
        Scope::Line,
    ),
    // "Share this article", "Share on Facebook Share on Twitter"
    (
        "share_buttons",
        r"^share(?: this(?: article| story| post| page)?)?(?:[\s:|,]*(?:(?:share )?on )?(?:facebook|twitter|x|e-?mail|whatsapp|linkedin|telegram|print|copy link|reddit|pinterest|messenger))*\s*:?$",
        Scope::Line,
    ),
    // "Поделиться", "Поделиться в соцсетях", "Бөлісу", "Әлеуметтік
    // желілерде бөлісу" (share on social networks), "Teilen".
    (
        "share_buttons",
        r"^(?:поделиться|бөлісу|teilen)(?:\s+[^\s.!?]+){0,3}\s*:?$|^(?:\S+\s+){0,2}бөлісу$",
        Scope::Line,
    ),
    // Ad slots and the lines that announce them.
    (
        "advertisement",
        r"^(?:advertisement|advertising|advert|sponsored(?: content| links?)?|(?:story|article) continues (?:below|after)(?: (?:this )?(?:advertisement|ad))?|continue reading(?: below| the main story)?|scroll to continue(?: with content)?|реклама|жарнама|anzeige|werbung)\s*:?$",
        Scope::Line,
    ),
    // "Read more: <headline>", "RELATED: <headline>": a link to another story.
    (
        "read_more_link",
        r"^(?:read (?:more|also|next)|related|see also|also read|читайте (?:также|ещё|еще)|толығырақ|тағы оқыңыз|lesen sie auch|mehr dazu)\s*:\s*\S.{0,200}$",
        Scope::Line,
    ),
    (
        "feed_footer",
        r"^the post .+ appeared first on .+$",
        Scope::Line,
    ),
    (
        "cdata_debris",
        r"^(?:\]\]>|<!\[CDATA\[|[\[\]<>!/&;#*|_=~•·-])+$",
        Scope::Line,
    ),
    ("bare_url", r"^(?:https?://|www\.)\S+$", Scope::Line),
    (
        "feed_excerpt",
        r"(?:\[…\]|\[&#8230;\]|\[\.\.\.\])$",
        Scope::Line,
    ),
    (
        "paywall",
        r"premium plus|to continue reading|already a subscriber|click here\s*>>|subscribe (?:now|today) (?:for|to)|this (?:article|content) is (?:only )?for subscribers",
        Scope::Line,
    ),
    (
        "newsletter",
        r"^(?:subscribe|sign up)(?: now)? (?:to|for) .{0,80}\bnewsletter\b",
        Scope::Line,
    ),
    ("comments_closed", r"^comments are closed\.?$", Scope::Line),
    // "Комментарии (0)", "Пікірлер" (comments), "Оставить комментарий",
    // "Пікір қалдыру" (leave a comment), "Kommentare".
    (
        "comments",
        r"^(?:комментарии|пікірлер|kommentare)(?:\s*\(?\d+\)?)?\s*:?$|^(?:оставить комментарий|пікір қалдыру|kommentar schreiben)$",
        Scope::Line,
    ),
    // "© 2024 Новости Казахстана. Все права защищены.", "Барлық
    // құқықтар қорғалған" (all rights reserved), "Alle Rechte vorbehalten".
    (
        "copyright",
        r"(?:^|\s)(?:all rights reserved|все права защищены|барлық құқықтар қорғалған|alle rechte vorbehalten)\.?$",
        Scope::Line,
    ),
    // "Tags: politics, economy", "Теги: ...", "Тегтер: ..." (a list of
    // topic links), "Schlagwörter: ..."; "Фото: Reuters", "Сурет: ..."
    // (picture), "Видео: YouTube"; "Источник: Tengrinews.kz", "Дереккөз:
    // Kazinform" (source), "Quelle: dpa".
    (
        "tags",
        r"^(?:tags?|теги|тэги|тегтер|schlagwörter|schlagworte)\s*:\s*\S.{0,150}$",
        Scope::Line,
    ),
    (
        "photo_credit",
        r"^(?:photo|image|picture|video|фото|видео|сурет|foto|bild)s?\s*:\s*\S.{0,60}$",
        Scope::Line,
    ),
    (
        "source_credit",
        r"^(?:источник|дереккөз|quelle)\s*:\s*\S.{0,60}$",
        Scope::Line,
    ),
    // "Нашли ошибку? Выделите текст и нажмите Ctrl+Enter": a site's
    // error-report widget, in any language.
    (
        "error_report",
        r"(?:^|\s)ctrl\s*\+\s*enter(?:\W+\w+)?\W*$",
        Scope::Line,
    ),
    (
        "rating_widget",
        r"^(?:average rating\b.*|\d+ (?:reviews?|ratings?|votes?)|rate this (?:article|post|story)\b.*)$",
        Scope::Line,
    ),
    (
        "donor_list",
        r"^(?:founding |our )?(?:funders|donors|sponsors)$",
        Scope::Rest,
    ),
    // A box of links to other stories.
    (
        "related_articles",
        r"^(?:related(?: (?:articles?|stories|posts|news|content|coverage|links|reading))?|read (?:more|also|next)|also read|see also|more (?:stories|news|articles)(?: on this (?:story|topic))?|you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|recommended(?: for you| stories| articles| reading)?|читайте (?:также|ещё|еще)|похожие (?:новости|статьи|материалы)|тағы оқыңыз|толығырақ|ұқсас жаңалықтар|lesen sie auch|mehr zum thema|das könnte sie auch interessieren)\s*:?$",
        Scope::Rest,
    ),
];

/// Compiles the built-in rules, leaving out the names in `disabled`.
pub fn builtin_rules(disabled: &[String]) -> Vec<LineRule> {
    BUILTIN
        .iter()
        .filter(|(name, _, _)| !disabled.iter().any(|d| d == name))
        .map(|&(name, pattern, scope)| LineRule {
            name: name.to_string(),
            regex: case_insensitive(pattern).expect("built-in line rule compiles"),
            scope,
            builtin: true,
        })
        .collect()
}

/// Compiles `pattern` with case-insensitive matching.
pub fn case_insensitive(pattern: &str) -> Result<Regex, regex::Error> {
    crate::stages::regexes::compiled(pattern, true)
}

/// Settings of the menu-block rule.
#[derive(Debug, Clone, Copy)]
pub struct MenuShape {
    /// Fewest consecutive short title-case lines that make a menu.
    pub min_lines: usize,
    /// Most words in one menu item.
    pub max_words: usize,
}

/// True when `line` looks like a menu item: a few capitalized words, no
/// sentence punctuation.
pub fn is_menu_item(line: &str, max_words: usize) -> bool {
    // English, Russian, Kazakh and German: "Новости для Бизнеса", "Спорт
    // және Денсаулық", "Politik und Wirtschaft".
    const CONNECTORS: &[&str] = &[
        "and", "of", "the", "&", "for", "in", "to", "a", "|", "-", "и", "в", "для", "на", "по",
        "о", "с", "және", "мен", "und", "für", "im", "zu", "der", "die", "das",
    ];
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.is_empty() || words.len() > max_words {
        return false;
    }
    if line.ends_with(['.', '!', '?', ',', ';', ':', '"', '\'']) {
        return false;
    }
    words
        .iter()
        .all(|w| CONNECTORS.contains(w) || w.chars().next().is_some_and(|c| c.is_uppercase()))
}

/// Indices (into `lines`) of lines that belong to a menu block: runs of at
/// least `shape.min_lines` consecutive menu-item lines. `lines` are the
/// non-blank lines no other rule removed.
pub fn menu_blocks(lines: &[&str], shape: MenuShape) -> Vec<usize> {
    let mut out = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    let close = |run: &mut Vec<usize>, out: &mut Vec<usize>| {
        if run.len() >= shape.min_lines {
            out.append(run);
        }
        run.clear();
    };
    for (i, line) in lines.iter().enumerate() {
        if is_menu_item(line, shape.max_words) {
            run.push(i);
        } else {
            close(&mut run, &mut out);
        }
    }
    close(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_match(line: &str) -> Option<String> {
        builtin_rules(&[])
            .into_iter()
            .find(|r| r.regex.is_match(line))
            .map(|r| r.name)
    }

    #[test]
    fn builtin_rules_catch_sample_boilerplate() {
        let cases = [
            ("рус | eng", "language_switcher"),
            ("Sign in Register", "sign_in"),
            ("Help | RSS | Subscribe", "nav_menu"),
            ("Menu JTA Search", "nav_menu"),
            ("Follow Israel Hayom on Facebook and Twitter", "social_follow"),
            (
                "The post Kazakhstan to join Abraham Accords appeared first on www.israelhayom.com.",
                "feed_footer",
            ),
            ("]]>", "cdata_debris"),
            (
                "https://www.israelhayom.com/2019/06/20/the-future/feed/",
                "bare_url",
            ),
            ("Syrian players appeared perplexed when the song […]", "feed_excerpt"),
            (
                "Join Jerusalem Post Premium Plus now for just $5 and upgrade. Click here>>",
                "paywall",
            ),
            (
                "Subscribe to Israel Hayom's daily newsletter and never miss our top stories!",
                "newsletter",
            ),
            ("Comments are closed.", "comments_closed"),
            ("Average rating:", "rating_widget"),
            ("0 reviews", "rating_widget"),
            ("Founding Funders", "donor_list"),
            ("Share on Facebook Share on Twitter", "share_buttons"),
            ("Share this:", "share_buttons"),
            ("Advertisement", "advertisement"),
            ("Story continues below advertisement", "advertisement"),
            ("Read more: Kazakhstan to join Abraham Accords", "read_more_link"),
            ("Related articles", "related_articles"),
            ("You may also like", "related_articles"),
            // Russian, Kazakh and German site lines.
            ("Войти", "sign_in"),
            ("Кіру | Тіркелу", "sign_in"),
            ("Меню", "nav_menu"),
            ("Іздеу", "nav_menu"),
            ("Все новости", "nav_menu"),
            ("Подписывайтесь на наш канал в Telegram", "social_follow"),
            ("Telegram арнамызға жазылыңыз", "social_follow"),
            ("Поделиться", "share_buttons"),
            ("Поделиться в соцсетях", "share_buttons"),
            ("Әлеуметтік желілерде бөлісу", "share_buttons"),
            ("Реклама", "advertisement"),
            ("ЖАРНАМА", "advertisement"),
            ("Anzeige", "advertisement"),
            ("Читайте также: Президент подписал закон о бюджете", "read_more_link"),
            ("Толығырақ: Елордада жаңа мектеп ашылды", "read_more_link"),
            ("Комментарии (0)", "comments"),
            ("Пікірлер", "comments"),
            ("Оставить комментарий", "comments"),
            ("© 2024 Новости Казахстана. Все права защищены.", "copyright"),
            ("Барлық құқықтар қорғалған", "copyright"),
            ("Теги: политика, экономика", "tags"),
            ("Тегтер: саясат", "tags"),
            ("Фото: пресс-служба акимата", "photo_credit"),
            ("Сурет: Ақорда", "photo_credit"),
            ("Источник: Tengrinews.kz", "source_credit"),
            ("Дереккөз: Kazinform", "source_credit"),
            (
                "Нашли ошибку? Выделите текст и нажмите Ctrl+Enter",
                "error_report",
            ),
            (
                "Қатені байқасаңыз, белгілеп Ctrl+Enter басыңыз",
                "error_report",
            ),
            ("Читайте нас в Telegram", "social_follow"),
            ("Читайте также", "related_articles"),
            ("Похожие новости", "related_articles"),
            ("Тағы оқыңыз", "related_articles"),
            ("Lesen Sie auch:", "related_articles"),
        ];
        for (line, rule) in cases {
            assert_eq!(first_match(line).as_deref(), Some(rule), "{line}");
        }
    }

    #[test]
    fn builtin_rules_keep_article_sentences() {
        let keep = [
            "Kazakhstan is a presidential republic, though political opposition operates under heavy restrictions.",
            "Q: And what did he answer?",
            "'Protecting minority rights'",
            "26.06.2019, Israel and the World",
            "The team asked organizers for an apology. The ceremony was later rerun.",
            "He said he would follow the talks on Twitter closely, as would many others in the region who care.",
            "by Eldad Beck",
            "Share prices fell sharply on Monday.",
            "Related parties were not named.",
            "Реклама на телевидении за год выросла на десять процентов.",
            "Поделиться опытом с коллегами.",
            "Поделиться опытом с коллегами приехали врачи из Алматы и Шымкента.",
            "Источник в правительстве сообщил, что решение уже принято и будет объявлено в понедельник.",
            "Фото и видео с места происшествия публикуют очевидцы в социальных сетях, сообщает агентство.",
            "Он подписал контракт с клубом и рассказал об этом в Instagram, где у него миллион подписчиков.",
            "Комментарии к закону опубликованы на сайте министерства.",
            "Тағы оқыңыз деп кеңес берді мұғалім оқушыларға.",
            "Пікірлер әртүрлі болды, бірақ шешім қабылданды.",
            "Press Ctrl+Enter to send the message, the manual says, and wait for the reply.",
            "Подписание соглашения о Telegram и других мессенджерах отложили до весны, сообщил министр.",
        ];
        for line in keep {
            assert_eq!(first_match(line), None, "{line}");
        }
    }

    #[test]
    fn menu_block_needs_a_run() {
        let lines = [
            "Euroasian Jewish News",
            "World Jewish News",
            "Mass Media",
            "A sentence, with a comma.",
            "Jomart Tokayev",
            "Astana Times",
            "Another sentence.",
        ];
        let shape = MenuShape {
            min_lines: 3,
            max_words: 4,
        };
        assert_eq!(menu_blocks(&lines, shape), vec![0, 1, 2]);
    }

    #[test]
    fn menu_items_may_have_russian_kazakh_and_german_connectors() {
        for line in [
            "Экономика и Финансы",
            "Новости для Бизнеса",
            "Спорт және Денсаулық",
            "Politik und Wirtschaft",
        ] {
            assert!(is_menu_item(line, 4), "{line}");
        }
        assert!(!is_menu_item("Новости для Бизнеса.", 4));
        assert!(!is_menu_item("в Астане прошёл форум", 4));
    }

    #[test]
    fn disabled_rules_are_left_out() {
        let rules = builtin_rules(&["bare_url".to_string()]);
        assert!(rules.iter().all(|r| r.name != "bare_url"));
        assert_eq!(rules.len(), BUILTIN.len() - 1);
    }
}
