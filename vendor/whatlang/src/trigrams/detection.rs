use std::sync::LazyLock;

#[cfg(test)]
use hashbrown::HashMap;

#[cfg(test)]
use super::LangProfile;
use super::LangProfileList;
use super::utils::get_trigrams_by_position;
#[cfg(test)]
use super::utils::{TrigramsWithPositions, get_trigrams_with_positions};
use super::{ARABIC_LANGS, CYRILLIC_LANGS, DEVANAGARI_LANGS, HEBREW_LANGS, LATIN_LANGS};
use super::{MAX_TOTAL_DISTANCE, MAX_TRIGRAM_DISTANCE, PackedMap};
#[cfg(test)]
use super::Trigram;
use crate::Lang;
use crate::core::{FilterList, Info, InternalQuery, Text, calculate_confidence};
use crate::scripts::grouping::MultiLangScript;

#[derive(Debug)]
pub struct RawOutcome {
    pub trigrams_count: usize,
    #[allow(dead_code)]
    pub raw_distances: Vec<(Lang, u32)>,
    pub scores: Vec<(Lang, f64)>,
}

#[inline]
pub fn detect(iquery: &InternalQuery) -> Option<Info> {
    let raw_outcome = raw_detect(iquery);
    let RawOutcome {
        trigrams_count,
        scores,
        ..
    } = raw_outcome;

    let mut raw_scores_iter = scores.into_iter();

    let opt_lang_score1 = raw_scores_iter.next();
    let opt_lang_score2 = raw_scores_iter.next();

    // TODO: Logic is duplicated in alphabets. Consider refactoring
    opt_lang_score1.map(|(lang1, score1)| {
        let script = iquery.multi_lang_script.to_script();
        let confidence = if let Some((_, score2)) = opt_lang_score2 {
            calculate_confidence(score1, score2, trigrams_count)
        } else {
            1.0
        };
        Info::new(script, lang1, confidence)
    })
}

#[inline]
pub fn raw_detect(iquery: &InternalQuery) -> RawOutcome {
    let lang_profile_list = script_to_lang_profile_list(iquery.multi_lang_script);
    let index = script_to_profile_index(iquery.multi_lang_script);
    calculate_scores_in_profiles(&iquery.text, iquery.filter_list, lang_profile_list, index)
}

/// Every (language, rank) at which a trigram appears in the profiles of one
/// script's languages: a text's trigrams are each looked up once, instead of
/// every profile trigram of every language being looked up in the text (for
/// Latin, 37 × 300). Ranks are `u16` and language indices `u16`: profiles
/// hold 300 trigrams and a script a few dozen languages.
struct ProfileIndex {
    /// By packed trigram ([`super::pack_chars`]).
    postings: PackedMap<Box<[(u16, u16)]>>,
}

impl ProfileIndex {
    fn new(lang_profile_list: LangProfileList) -> Self {
        let mut postings: PackedMap<Vec<(u16, u16)>> = PackedMap::default();
        for (lang_index, &(_, lang_trigrams)) in lang_profile_list.iter().enumerate() {
            for (rank, &trigram) in lang_trigrams.iter().enumerate() {
                postings
                    .entry(trigram.pack())
                    .or_default()
                    .push((lang_index as u16, rank as u16));
            }
        }
        let postings = postings
            .into_iter()
            .map(|(trigram, langs)| (trigram, langs.into_boxed_slice()))
            .collect();
        ProfileIndex { postings }
    }
}

fn script_to_profile_index(script: MultiLangScript) -> &'static ProfileIndex {
    use MultiLangScript as MLS;
    static LATIN: LazyLock<ProfileIndex> = LazyLock::new(|| ProfileIndex::new(LATIN_LANGS));
    static CYRILLIC: LazyLock<ProfileIndex> = LazyLock::new(|| ProfileIndex::new(CYRILLIC_LANGS));
    static ARABIC: LazyLock<ProfileIndex> = LazyLock::new(|| ProfileIndex::new(ARABIC_LANGS));
    static DEVANAGARI: LazyLock<ProfileIndex> =
        LazyLock::new(|| ProfileIndex::new(DEVANAGARI_LANGS));
    static HEBREW: LazyLock<ProfileIndex> = LazyLock::new(|| ProfileIndex::new(HEBREW_LANGS));
    match script {
        MLS::Latin => &LATIN,
        MLS::Cyrillic => &CYRILLIC,
        MLS::Arabic => &ARABIC,
        MLS::Devanagari => &DEVANAGARI,
        MLS::Hebrew => &HEBREW,
    }
}

fn script_to_lang_profile_list(script: MultiLangScript) -> LangProfileList {
    use MultiLangScript as MLS;
    match script {
        MLS::Latin => LATIN_LANGS,
        MLS::Cyrillic => CYRILLIC_LANGS,
        MLS::Arabic => ARABIC_LANGS,
        MLS::Devanagari => DEVANAGARI_LANGS,
        MLS::Hebrew => HEBREW_LANGS,
    }
}

#[inline]
fn calculate_scores_in_profiles(
    text: &Text,
    filter_list: &FilterList,
    lang_profile_list: LangProfileList,
    index: &ProfileIndex,
) -> RawOutcome {
    let mut lang_distances: Vec<(Lang, u32)> = vec![];

    let trigrams_by_position = get_trigrams_by_position(&text.lowercase());
    let unique_trigrams_count = trigrams_by_position.len();

    // Per language, the summed distances of its profile trigrams found in
    // the text, and how many were found: the rest are MAX_TRIGRAM_DISTANCE
    // each. Integer sums, so the same totals as `calculate_distance`.
    let mut found_distances = vec![0u32; lang_profile_list.len()];
    let mut found_counts = vec![0u32; lang_profile_list.len()];
    for (position, trigram) in trigrams_by_position.iter().enumerate() {
        if let Some(langs) = index.postings.get(trigram) {
            for &(lang_index, rank) in langs.iter() {
                found_distances[lang_index as usize] +=
                    (position as i32 - rank as i32).unsigned_abs();
                found_counts[lang_index as usize] += 1;
            }
        }
    }

    // Languages in the order of the profile list, as before: ties in the
    // sort below resolve the same way.
    for (lang_index, &(lang, lang_trigrams)) in lang_profile_list.iter().enumerate() {
        if !filter_list.is_allowed(lang) {
            continue;
        }
        let dist = distance_from_found(
            lang_trigrams.len() as u32,
            found_distances[lang_index],
            found_counts[lang_index],
            unique_trigrams_count as u32,
        );
        lang_distances.push(((lang), dist));
    }

    // Sort languages by distance
    lang_distances.sort_unstable_by_key(|(_, dist)| *dist);

    let max_dist = unique_trigrams_count as u32 * MAX_TRIGRAM_DISTANCE;

    let raw_scores = lang_distances
        .iter()
        .map(|&(lang, distance)| (lang, distance_to_raw_score(distance, max_dist)))
        .collect();

    RawOutcome {
        trigrams_count: unique_trigrams_count,
        scores: raw_scores,
        raw_distances: lang_distances,
    }
}

/// `calculate_distance` from the sum of distances of the profile's trigrams
/// found in the text (`found` of them) and the text's trigram count.
#[inline]
fn distance_from_found(profile_len: u32, found_distance: u32, found: u32, count: u32) -> u32 {
    let mut total_dist = found_distance + (profile_len - found) * MAX_TRIGRAM_DISTANCE;

    if MAX_TRIGRAM_DISTANCE > count {
        let delta = MAX_TRIGRAM_DISTANCE - count;
        total_dist -= delta * MAX_TRIGRAM_DISTANCE;
    }

    total_dist.clamp(0, MAX_TOTAL_DISTANCE)
}

/// The original (upstream 0.18.0) scoring: the reference the indexed one
/// is tested against.
#[cfg(test)]
fn reference_scores_in_profiles(
    text: &Text,
    filter_list: &FilterList,
    lang_profile_list: LangProfileList,
) -> RawOutcome {
    let mut lang_distances: Vec<(Lang, u32)> = vec![];

    let TrigramsWithPositions {
        trigram_positions, ..
    } = get_trigrams_with_positions(&text.lowercase());
    let unique_trigrams_count = trigram_positions.len();

    for &(lang, lang_trigrams) in lang_profile_list {
        if !filter_list.is_allowed(lang) {
            continue;
        }
        let dist = calculate_distance(lang_trigrams, &trigram_positions);
        lang_distances.push(((lang), dist));
    }

    // Sort languages by distance
    lang_distances.sort_unstable_by_key(|(_, dist)| *dist);

    let max_dist = unique_trigrams_count as u32 * MAX_TRIGRAM_DISTANCE;

    let raw_scores = lang_distances
        .iter()
        .map(|&(lang, distance)| (lang, distance_to_raw_score(distance, max_dist)))
        .collect();

    RawOutcome {
        trigrams_count: unique_trigrams_count,
        scores: raw_scores,
        raw_distances: lang_distances,
    }
}

#[cfg(test)]
fn calculate_distance(lang_trigrams: LangProfile, text_trigrams: &HashMap<Trigram, u32>) -> u32 {
    let mut total_dist = 0u32;

    for (i, &trigram) in lang_trigrams.iter().enumerate() {
        let dist = match text_trigrams.get(&trigram) {
            Some(&n) => (n as i32 - i as i32).unsigned_abs(),
            None => MAX_TRIGRAM_DISTANCE,
        };
        total_dist += dist;
    }

    let count = text_trigrams.len() as u32;

    if MAX_TRIGRAM_DISTANCE > count {
        let delta = MAX_TRIGRAM_DISTANCE - count;
        total_dist -= delta * MAX_TRIGRAM_DISTANCE;
    }

    total_dist.clamp(0, MAX_TOTAL_DISTANCE)
}

#[inline]
fn distance_to_raw_score(distance: u32, max_distance: u32) -> f64 {
    let similarity = max_distance - distance;
    similarity as f64 / max_distance as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_when_german_is_given() {
        let text = "Die Ordnung muss für immer in diesem Codebase bleiben";
        let iq = InternalQuery {
            text: Text::new(text),
            filter_list: &FilterList::default(),
            multi_lang_script: MultiLangScript::Latin,
        };
        let raw_outcome = raw_detect(&iq);

        assert_eq!(raw_outcome.trigrams_count, 50);

        let &(first_lang, first_score) = raw_outcome.scores.first().unwrap();
        let &(_last_lang, last_score) = raw_outcome.scores.last().unwrap();

        assert_eq!(first_lang, Lang::Deu);

        assert!(first_score >= 0.0);
        assert!(first_score <= 1.0);

        assert!(last_score >= 0.0);
        assert!(last_score <= 1.0);
    }

    /// A fixed-seed generator, so failures reproduce.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    const LISTS: [MultiLangScript; 5] = [
        MultiLangScript::Latin,
        MultiLangScript::Cyrillic,
        MultiLangScript::Arabic,
        MultiLangScript::Devanagari,
        MultiLangScript::Hebrew,
    ];

    /// Text made of profile trigrams of a few languages (any script), mostly
    /// from the top of their profiles, with noise: from empty to longer
    /// than the 600 trigrams a text profile keeps.
    fn profile_text(rng: &mut Lcg) -> String {
        let list = script_to_lang_profile_list(LISTS[rng.below(LISTS.len())]);
        let other = script_to_lang_profile_list(LISTS[rng.below(LISTS.len())]);
        let langs = [
            list[rng.below(list.len())].1,
            list[rng.below(list.len())].1,
            other[rng.below(other.len())].1,
        ];
        let len = [1, 2, 3, 10, 40, 150, 400, 1500][rng.below(8)];
        let mut text = String::new();
        for _ in 0..len {
            let profile = langs[[0, 0, 0, 1, 1, 2][rng.below(6)]];
            let top = rng.below(profile.len()) + 1;
            let rank = rng.below(top);
            let Trigram(a, b, c) = profile[rank];
            match rng.below(10) {
                0 => text.push_str("12, "),
                1 => text.push(char::from(b'a' + rng.below(26) as u8)),
                _ => {}
            }
            text.extend([a, b, c]);
            if rng.below(3) == 0 {
                text.push(' ');
            }
        }
        text
    }

    fn filter_list(rng: &mut Lcg) -> FilterList {
        let some = |rng: &mut Lcg| {
            Lang::all()
                .iter()
                .copied()
                .filter(|_| rng.below(3) == 0)
                .collect()
        };
        match rng.below(4) {
            0 => FilterList::allow(some(rng)),
            1 => FilterList::deny(some(rng)),
            _ => FilterList::default(),
        }
    }

    fn assert_same(text: &str, filter_list: &FilterList, script: MultiLangScript) {
        let list = script_to_lang_profile_list(script);
        let index = script_to_profile_index(script);
        let got = calculate_scores_in_profiles(&Text::new(text), filter_list, list, index);
        let want = reference_scores_in_profiles(&Text::new(text), filter_list, list);
        assert_eq!(got.trigrams_count, want.trigrams_count, "{text:?}");
        assert_eq!(got.raw_distances, want.raw_distances, "{text:?}");
        let bits = |o: &RawOutcome| -> Vec<(Lang, u64)> {
            o.scores.iter().map(|&(l, s)| (l, s.to_bits())).collect()
        };
        assert_eq!(bits(&got), bits(&want), "{text:?}");
    }

    #[test]
    fn test_indexed_scores_are_the_reference_scores() {
        let mut rng = Lcg(7);
        for _ in 0..3000 {
            let text = profile_text(&mut rng);
            let filter_list = filter_list(&mut rng);
            for script in LISTS {
                assert_same(&text, &filter_list, script);
            }
        }
    }

    #[test]
    fn test_indexed_scores_on_plain_text() {
        let texts = [
            "Die Ordnung muss für immer in diesem Codebase bleiben",
            "There is no reason not to learn Esperanto.",
            "Та нічого, все нормально. А в тебе як?",
            "Además de todo lo anteriormente dicho, también encontramos...",
            "I am begging pardon",
            "a",
        ];
        for text in texts {
            for script in LISTS {
                assert_same(text, &FilterList::default(), script);
                assert_same(text, &FilterList::deny(vec![Lang::Eng, Lang::Tgl]), script);
                assert_same(text, &FilterList::allow(vec![Lang::Deu]), script);
                assert_same(text, &FilterList::allow(vec![]), script);
            }
        }
    }
}
