//! Which character encoding a text is in, and its decoding to UTF-8.
//!
//! Scraped Russian and Kazakh pages are often windows-1251 or KOI8-R, older
//! European ones Latin-1; read as UTF-8 they become U+FFFD. The order of the
//! evidence is the browsers' (WHATWG): a byte-order mark, then what the
//! transport says (a WARC record's HTTP `Content-Type` charset), then what
//! the document says of itself in its first bytes (`<meta charset>`,
//! `<meta http-equiv>`, the XML declaration), then, for bytes that are not
//! UTF-8, a guess by `chardetng` (Firefox's detector), hinted by the URL's
//! top-level domain. Decoding is `encoding_rs` (the WHATWG encodings).
//! Text that is all ASCII but carries ISO-2022-JP or -KR escape sequences
//! (mail and news archives) is decoded as such ([`super::iso2022`]).

use std::sync::LazyLock;

use encoding_rs::{Encoding, ISO_8859_15, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::iso2022::{self, Iso2022};
use super::wide::{self, Wide};
use regex::bytes::Regex;

/// How far into a document a `<meta>` or XML declaration is looked for
/// (browsers look at 1024 bytes; pages with long scripts first need more).
const PRESCAN: usize = 4096;
/// How much of a text chardetng sees: enough for a confident guess.
const DETECT: usize = 64 * 1024;

/// What the container says about the bytes, besides the bytes themselves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// The `charset` parameter of an HTTP `Content-Type` (WARC records).
    pub http_charset: Option<&'a str>,
    /// Where the bytes came from, for chardetng's top-level-domain hint.
    pub url: Option<&'a str>,
}

/// Text decoded to UTF-8.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// How the text is read further (a JSONL file's later lines): the
    /// encoding of the bytes, but UTF-8 for UTF-32, which `encoding_rs`
    /// has no decoder for (the text was decoded by [`super::wide`]).
    pub encoding: &'static Encoding,
    /// Byte sequences that were invalid in `encoding` and became U+FFFD.
    pub repaired: u64,
    /// The encoding's name, as reported (`UTF-32LE` for UTF-32 too).
    pub name: &'static str,
}

/// Whether `bytes` are UTF-16 or UTF-32 ([`super::wide`]): such text is
/// full of NUL bytes and must not be taken for binary.
pub fn is_wide(bytes: &[u8]) -> bool {
    wide::sniff(bytes).is_some()
}

/// The `charset=` parameter of a `Content-Type` value.
pub fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']))
    })
}

/// Decodes `bytes` (any byte-order mark removed) by the first evidence
/// that names an encoding.
pub fn decode(bytes: Vec<u8>, hints: Hints<'_>) -> Decoded {
    if let Some((form, mark)) = wide::sniff(&bytes) {
        return decode_wide(&bytes[mark..], form);
    }
    if let Some((encoding, bom)) = Encoding::for_bom(&bytes) {
        if encoding == UTF_8 {
            let mut bytes = bytes;
            bytes.drain(..bom);
            return decode_utf8(bytes);
        }
        return decode_as(&bytes[bom..], encoding);
    }
    if let Some(form) = iso2022::sniff(&bytes) {
        let (text, repaired) = form.decode(&bytes);
        return Decoded {
            text,
            // ISO-2022-KR has no encoding_rs decoder to read later JSONL
            // lines by; none is needed, as JSON cannot hold raw escapes.
            encoding: match form {
                Iso2022::Jp => encoding_rs::ISO_2022_JP,
                Iso2022::Kr => UTF_8,
            },
            repaired,
            name: form.name(),
        };
    }
    let encoding = declared(&bytes, hints).unwrap_or_else(|| undeclared(&bytes, hints));
    if encoding == UTF_8 {
        return decode_utf8(bytes);
    }
    decode_as(&bytes, encoding)
}

/// The encoding the transport or the document declares, if it is one we
/// can trust. A declaration of a legacy encoding over bytes that are valid,
/// non-ASCII UTF-8 is a page re-encoded by its crawler with the old
/// `<meta>` left in, as browsers would not see but archives often hold.
fn declared(bytes: &[u8], hints: Hints<'_>) -> Option<&'static Encoding> {
    let from_http = hints
        .http_charset
        .and_then(|l| Encoding::for_label(l.as_bytes()));
    let encoding = from_http.or_else(|| {
        // A document cannot declare itself UTF-16 (it would not be
        // readable as ASCII to say so); browsers take that as UTF-8.
        prescan(bytes).map(|e| {
            if e == UTF_16LE || e == UTF_16BE {
                UTF_8
            } else {
                e
            }
        })
    })?;
    // `replacement` and `x-user-defined` are not text encodings to decode by.
    if encoding.name() == "replacement" || encoding.name() == "x-user-defined" {
        return None;
    }
    if encoding != UTF_8 && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
        return Some(UTF_8);
    }
    // The other way round: a UTF-8 declaration over bytes that are not
    // UTF-8 (a windows-1251 article in a CMS template that says UTF-8, a
    // server's default header). Taken at its word, every letter became
    // U+FFFD; the bytes decide instead, as undeclared ones do (mostly
    // UTF-8 is still repaired as UTF-8, not guessed).
    if encoding == UTF_8 && std::str::from_utf8(bytes).is_err() {
        return None;
    }
    Some(encoding)
}

/// The encoding named by a `<meta>` tag or an XML declaration near the start.
fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    static META: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i-u)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#).unwrap()
    });
    static XML: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i-u)^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([a-z0-9_:.\-]+)"#).unwrap()
    });
    let head = &bytes[..bytes.len().min(PRESCAN)];
    [&*XML, &*META].iter().find_map(|re| {
        let label = re.captures(head)?.get(1)?.as_bytes();
        Encoding::for_label(label)
    })
}

/// No declaration: UTF-8 when the bytes are (mostly) UTF-8, else a guess.
///
/// "Mostly": UTF-8 text with a few broken sequences (a truncated page, one
/// bad byte) is common in scraped data and must stay UTF-8 with those
/// repaired, not be re-read as a legacy encoding. Legacy 8-bit text almost
/// never forms valid multi-byte UTF-8 sequences, so more valid multi-byte
/// characters than invalid sequences means UTF-8.
fn undeclared(bytes: &[u8], hints: Hints<'_>) -> &'static Encoding {
    // Valid UTF-8 (nearly every input): one fast validation, no counting.
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += !chunk.invalid().is_empty() as usize;
    }
    if invalid == 0 || (valid > 0 && valid >= invalid) {
        return UTF_8;
    }
    // No ISO-2022-JP, as browsers decide for pages: scraped text is not mail.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = &bytes[..bytes.len().min(DETECT)];
    detector.feed(sample, sample.len() == bytes.len());
    let tld = hints.url.and_then(tld);
    let guess = detector.guess(
        tld.as_deref().map(str::as_bytes),
        chardetng::Utf8Detection::Deny,
    );
    if guess == WINDOWS_1252 && is_latin9(sample) {
        return ISO_8859_15;
    }
    guess
}

/// Whether text chardetng takes for windows-1252 is ISO-8859-15 (Latin-9),
/// which Firefox never guesses but Unix systems of the 2000s wrote Estonian,
/// Finnish and French in. The two differ in eight bytes: where Latin-9 has
/// `Š š Ž ž Œ œ Ÿ €`, windows-1252 has symbols (`¦ ¨ ´ ¸ ¼ ½ ¾ ¤`) that
/// no word holds. Such a byte followed by a letter (and not after a digit:
/// `3½kg`), in text with none of the 0x80–0x9F bytes windows-1252 adds to
/// Latin-1, is Latin-9: `tšellist`, `l'œuvre`. (`´` is left out: typists
/// use it for an apostrophe.)
fn is_latin9(bytes: &[u8]) -> bool {
    if bytes.iter().any(|b| (0x80..0xA0).contains(b)) {
        return false;
    }
    let letter = |b: u8| b.is_ascii_alphabetic() || (b >= 0xC0 && b != 0xD7 && b != 0xF7);
    bytes.windows(3).any(|w| {
        matches!(w[1], 0xA6 | 0xA8 | 0xB8 | 0xBC | 0xBD | 0xBE)
            && !w[0].is_ascii_digit()
            && letter(w[2])
    })
}

/// The top-level domain of a URL, in the form chardetng accepts (lower-case
/// ASCII letters, digits, hyphens; punycode for IDNs).
fn tld(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    let label = host.trim_end_matches('.').rsplit('.').next()?;
    let label = label.to_ascii_lowercase();
    let ok = !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    ok.then_some(label)
}

/// UTF-8 with invalid sequences replaced and counted; no copy when valid.
fn decode_utf8(bytes: Vec<u8>) -> Decoded {
    match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            text,
            encoding: UTF_8,
            repaired: 0,
            name: "UTF-8",
        },
        Err(e) => {
            let bytes = e.into_bytes();
            let repaired = bytes
                .utf8_chunks()
                .filter(|c| !c.invalid().is_empty())
                .count() as u64;
            Decoded {
                text: String::from_utf8_lossy(&bytes).into_owned(),
                encoding: UTF_8,
                repaired,
                name: "UTF-8",
            }
        }
    }
}

/// `bytes` (without BOM) in `encoding`; unmappable bytes counted as repairs.
pub fn decode_as(bytes: &[u8], encoding: &'static Encoding) -> Decoded {
    if encoding == UTF_8 {
        return decode_utf8(bytes.to_vec());
    }
    if encoding == UTF_16LE {
        return decode_wide(bytes, Wide::Utf16Le);
    }
    if encoding == UTF_16BE {
        return decode_wide(bytes, Wide::Utf16Be);
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    // U+FFFD spelled in the input (UTF-16, handled above) is no repair;
    // in the legacy encodings every one is.
    let repaired = if had_errors {
        text.matches('\u{FFFD}').count() as u64
    } else {
        0
    };
    Decoded {
        text: text.into_owned(),
        encoding,
        repaired,
        name: encoding.name(),
    }
}

/// UTF-16 or UTF-32 text (without its byte-order mark).
fn decode_wide(bytes: &[u8], form: Wide) -> Decoded {
    let (text, repaired) = wide::decode(bytes, form);
    Decoded {
        text,
        encoding: match form {
            Wide::Utf16Le => UTF_16LE,
            Wide::Utf16Be => UTF_16BE,
            Wide::Utf32Le | Wide::Utf32Be => UTF_8,
        },
        repaired,
        name: form.name(),
    }
}

/// The XML declaration of a decoded feed still names its old encoding; an
/// XML parser that believed it would decode the UTF-8 a second time.
pub fn declare_utf8(text: &mut String) {
    static XML_ENCODING: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"^(\s*<\?xml\s[^>]*?encoding\s*=\s*["'])([A-Za-z0-9_:.\-]+)"#).unwrap()
    });
    if let Some(c) = XML_ENCODING.captures(text) {
        let range = c.get(2).map(|m| m.range()).unwrap_or_default();
        if !c[2].eq_ignore_ascii_case("utf-8") {
            text.replace_range(range, "UTF-8");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUSSIAN: &str = "Президент Казахстана прибыл в Иерусалим для переговоров о торговле, \
        водных технологиях и сотрудничестве в области сельского хозяйства. Стороны подписали \
        несколько соглашений, а министры обсудили прямые авиарейсы между двумя странами.";
    const KAZAKH: &str = "Қазақстан Республикасының Президенті Қасым-Жомарт Тоқаев Иерусалимге \
        сапармен барды. Екі ел сауда, су технологиялары және ауыл шаруашылығы саласындағы \
        ынтымақтастық туралы келісімдерге қол қойды.";
    const FRENCH: &str = "Le président du Kazakhstan est arrivé à Jérusalem mardi pour des \
        entretiens sur le commerce et l'eau. Les deux pays ont signé plusieurs accords, \
        notamment sur l'agriculture, la santé et les vols réguliers entre les deux capitales.";

    fn encode(text: &str, label: &str) -> Vec<u8> {
        let encoding = Encoding::for_label(label.as_bytes()).unwrap();
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{label} cannot spell the test text");
        bytes.into_owned()
    }

    #[test]
    fn legacy_cyrillic_and_latin_are_detected() {
        for (text, label) in [
            (RUSSIAN, "windows-1251"),
            (RUSSIAN, "koi8-r"),
            (FRENCH, "windows-1252"),
        ] {
            let d = decode(encode(text, label), Hints::default());
            assert_eq!(d.text, text, "{label}");
            assert_eq!(d.repaired, 0);
            // KOI8-U is KOI8-R plus Ukrainian letters: the same for Russian.
            let name = d.encoding.name().replace("KOI8-U", "KOI8-R");
            assert_eq!(name, Encoding::for_label(label.as_bytes()).unwrap().name());
        }
    }

    #[test]
    fn latin9_is_told_from_windows_1252_by_letters_inside_words() {
        let estonian = "Eesti keele õigekiri: šokolaad, žürii ja tšellist. Väga hea!";
        let french = "Le cœur de l'œuvre est à Paris, dit-elle avec émotion.";
        for text in [estonian, french] {
            let d = decode(encode(text, "iso-8859-15"), Hints::default());
            assert_eq!(d.text, text);
            assert_eq!(d.encoding, ISO_8859_15);
        }
        // Latin-1 text with a symbol beside a word stays windows-1252, and
        // so does text with windows-1252's own bytes (here the curly quote).
        for text in [
            "Prix : 3½ euros, température 20° à Genève.",
            "C\u{2019}était très ´bien´.",
        ] {
            let d = decode(encode(text, "windows-1252"), Hints::default());
            assert_eq!(d.text, text);
            assert_eq!(d.encoding, encoding_rs::WINDOWS_1252);
        }
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut le = vec![0xFF, 0xFE];
        le.extend(KAZAKH.encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(le, Hints::default());
        assert_eq!(d.text, KAZAKH);
        assert_eq!(d.encoding, UTF_16LE);
        let mut be = vec![0xFE, 0xFF];
        be.extend(RUSSIAN.encode_utf16().flat_map(u16::to_be_bytes));
        assert!(is_wide(&be));
        assert_eq!(decode(be, Hints::default()).text, RUSSIAN);
        let mut utf8 = b"\xEF\xBB\xBF".to_vec();
        utf8.extend(KAZAKH.as_bytes());
        assert_eq!(decode(utf8, Hints::default()).text, KAZAKH);
    }

    #[test]
    fn declarations_in_order_http_then_meta() {
        let page = format!(
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">\
             </head><body><p>{RUSSIAN}</p></body></html>"
        );
        let koi8 = encode(&page, "koi8-r");
        let d = decode(koi8.clone(), Hints::default());
        assert_eq!(d.text, page, "meta http-equiv");
        // The HTTP header wins over the page's own <meta>.
        let cp1251 = encode(&page, "windows-1251");
        let d = decode(
            cp1251,
            Hints {
                http_charset: Some("windows-1251"),
                url: None,
            },
        );
        assert_eq!(d.text, page);
        let short = "<meta charset=\"windows-1251\"><p>Привет</p>";
        assert_eq!(
            decode(encode(short, "windows-1251"), Hints::default()).text,
            short
        );
        assert_eq!(
            charset_param("text/html; Charset=\"CP1251\""),
            Some("CP1251")
        );
    }

    #[test]
    fn a_stale_legacy_declaration_over_utf8_is_ignored() {
        let page = format!("<meta charset=windows-1251><p>{RUSSIAN}</p>");
        let d = decode(page.clone().into_bytes(), Hints::default());
        assert_eq!(d.text, page);
        assert_eq!(d.encoding, UTF_8);
    }

    #[test]
    fn a_utf8_declaration_over_legacy_bytes_is_not_believed() {
        let page = format!("<meta charset=\"utf-8\"><p>{RUSSIAN}</p>");
        let cp1251 = encode(&page, "windows-1251");
        let d = decode(cp1251.clone(), Hints::default());
        assert_eq!((d.text.as_str(), d.repaired), (page.as_str(), 0));
        let http = Hints {
            http_charset: Some("UTF-8"),
            url: None,
        };
        assert_eq!(decode(cp1251, http).text, page, "a header's too");
        // A UTF-8 page with a damaged byte stays UTF-8, repaired.
        let mut bytes = page.clone().into_bytes();
        bytes.insert(page.find("<p>").unwrap() + 3, 0xFF);
        let d = decode(bytes, Hints::default());
        assert_eq!((d.encoding, d.repaired), (UTF_8, 1));
    }

    #[test]
    fn mostly_utf8_is_repaired_not_redetected() {
        let mut bytes = RUSSIAN.as_bytes().to_vec();
        bytes.insert(10, 0xFF);
        bytes.extend(b" \xC3");
        let d = decode(bytes, Hints::default());
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.repaired, 2);
        assert!(d.text.contains("Казахстана"));
    }

    #[test]
    fn tld_hint_is_sanitized() {
        assert_eq!(
            tld("https://user@news.Example.KZ:8080/a").as_deref(),
            Some("kz")
        );
        assert_eq!(
            tld("http://xn--80ao21a.xn--p1ai/").as_deref(),
            Some("xn--p1ai")
        );
        assert_eq!(tld("http://[::1]/"), None);
        assert_eq!(tld("http://пример.рф/"), None);
    }

    #[test]
    fn xml_declaration_is_rewritten() {
        let mut text = "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss/>".to_string();
        declare_utf8(&mut text);
        assert_eq!(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss/>");
    }
}
