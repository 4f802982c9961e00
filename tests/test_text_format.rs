//! `[read] text_format`: what `documents.text` holds for an HTML page,
//! through the whole run (extraction, clean, entities).

mod common;

use common::*;

const PAGE: &str = r#"<!doctype html><html><head><title>Install notes</title></head><body>
<nav><a href="/">Home</a> <a href="/docs">Docs</a></nav>
<main><article>
<h1>Install notes</h1>
<p>Kassym-Jomart Tokayev opened the new data centre in Astana on Monday, and the
engineers of the Ministry of Digital Development explained how it was built.</p>
<h2>What it holds</h2>
<p>The second paragraph says what the centre holds (“a cloud for the whole
region,” said Aidan O’Brien), how much power it draws, and
why the city was chosen over Almaty for the first of the three sites.</p>
<ul><li>Fast</li><li>Small</li><li>Quiet</li></ul>
<pre><code>fn main() {


    run();
}</code></pre>
<p>The last paragraph closes the article with the plans for next year and the
cost of the two sites still to be built in the north of the country.</p>
</article></main>
</body></html>"#;

fn run(format: &str) -> (String, Vec<(u32, u32, String)>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::write(dir.path().join("in/page.html"), PAGE).unwrap();
    let config = dir.path().join("p.toml");
    std::fs::write(
        &config,
        format!(
            "[dataset]\nname = \"t\"\ninputs = [\"in\"]\noutput = \"out\"\n\
             [read]\ntext_format = \"{format}\"\n"
        ),
    )
    .unwrap();
    let out = gleaner()
        .args(["run", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dataset = dir.path().join("out");
    let text = texts(&read_table(&dataset, "documents"), "text").remove(0);
    let mentions = read_table(&dataset, "mentions");
    let found = u32s(&mentions, "start")
        .into_iter()
        .zip(u32s(&mentions, "end"))
        .zip(texts(&mentions, "surface"))
        .map(|((start, end), surface)| (start, end, surface))
        .collect();
    (text, found)
}

/// Markdown keeps a blank line between blocks, or its readers would take
/// the paragraphs for one; list items stay line by line, and a code block
/// keeps its own blank lines. Offsets in mentions are characters of it.
#[test]
fn markdown_text_keeps_its_blocks_apart() {
    let (text, mentions) = run("markdown");
    assert!(text.starts_with("Kassym-Jomart Tokayev"), "{text}");
    assert!(
        text.contains("built.\n\n## What it holds\n\nThe second paragraph"),
        "{text}"
    );
    assert!(text.contains("\n\n- Fast\n- Small\n- Quiet\n\n"), "{text}");
    assert!(text.contains("fn main() {\n\n\n    run();\n}"), "{text}");
    assert!(!text.contains("\n\n\n\n"), "{text}");
    assert!(!mentions.is_empty());
    for (start, end, surface) in &mentions {
        let at: String = text
            .chars()
            .skip(*start as usize)
            .take((end - start) as usize)
            .collect();
        assert_eq!(&at, surface);
    }
    assert!(mentions.iter().any(|m| m.2 == "Astana"), "{mentions:?}");
    // Quotes stay as written, and a name with one is tagged.
    assert!(
        text.contains("(“a cloud for the whole region,” said Aidan O’Brien)"),
        "{text}"
    );
    assert!(
        mentions.iter().any(|m| m.2 == "Aidan O’Brien"),
        "{mentions:?}"
    );
}

/// Plain text stays one block a line.
#[test]
fn plain_text_is_one_block_a_line() {
    let (text, mentions) = run("plain");
    assert!(!text.contains("\n\n"), "{text}");
    assert!(
        text.contains("built.\nWhat it holds\nThe second paragraph"),
        "{text}"
    );
    assert!(mentions.iter().any(|m| m.2 == "Astana"), "{mentions:?}");
}
